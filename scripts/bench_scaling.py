#!/usr/bin/env python3
"""How slimfix's time and memory grow with the size of one Dockerfile.

    scripts/bench_scaling.py [--sizes 1000,10000,100000] [--no-10mb] [--only parse|fix]

Generates Dockerfiles of N instructions (RUN pairs that join, apt updates and
installs, ENV and COPY between them: every default rule has work to do) and a
10 MB file, and prints for each: the parse time, the time of a full fix run
(``fix_text``: rules, fixes, re-parses to the fixpoint), wall-clock and CPU
time, the CPU time per instruction (flat when the cost is linear; CPU time
moves less than wall-clock time on a shared machine), and the peak memory each adds to
the process (maximum resident set size, less what the process held before).
Each measurement runs in a fresh process, so caches and peaks of one size do
not leak into the next. ``--runs-only`` uses consecutive ``RUN``s instead
(one chain of joins: the worst case for SF001); ``--block apk`` (SF004),
``downloads`` (SF012) or ``copies`` (SF016) repeats a block on which that rule
looks at every earlier or later instruction; ``--words 100000,400000``
adds files of one ``apt-get install`` line with that many package names.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"

BLOCK = (
    "RUN apt-get update\n"
    "RUN apt-get install -y curl ca-certificates\n"
    "ENV PATH=/opt/app/bin:$PATH\n"
    "RUN pip install -r requirements.txt\n"
    "COPY . /app\n"
    "RUN make -C /app && make -C /app install\n"
    "RUN echo done\n"
    "# a comment between instructions\n"
    "RUN ls -la /app \\\n    && rm -rf /tmp/*\n"
)
PER_BLOCK = 8  # instructions in BLOCK

# Blocks for one rule each (``{i}``: the block's number, so that names differ), and their base image.
RULE_BLOCKS = {
    "apk": ("alpine:3.19", "RUN apk add curl{i}\nCOPY a{i} /a{i}\n"),
    "downloads": ("debian:bookworm",
                  "WORKDIR /src\nRUN wget https://example.com/f{i}.tar.gz && tar xzf f{i}.tar.gz\nCOPY a{i} /a{i}\n"),
    "copies": ("debian:bookworm", "WORKDIR /app\nCOPY f{i} ./x{i}/\nRUN chown -R app:app /app/x{i}\n"),
}


def generate(instructions: int, runs_only: bool = False, block: str = "mixed") -> str:
    if runs_only:
        return "FROM debian:bookworm\n" + "".join(f"RUN echo {i}\n" for i in range(instructions))
    if block in RULE_BLOCKS:
        image, text = RULE_BLOCKS[block]
        per_block = text.count("\n")
        return f"FROM {image}\n" + "".join(text.format(i=i) for i in range(max(1, instructions // per_block)))
    blocks = max(1, instructions // PER_BLOCK)
    return "FROM debian:bookworm\n" + BLOCK * blocks


def generate_bytes(size: int) -> str:
    text = "FROM debian:bookworm\n"
    return text + BLOCK * ((size - len(text)) // len(BLOCK))


def measure(text: str, what: str) -> dict:
    """In this process: time and added peak resident memory of ``what`` on ``text``."""
    sys.path.insert(0, str(SRC))
    import gc
    import resource

    from slimfix.config import Settings
    from slimfix.fixer import fix_text
    from slimfix.runner import fewer_collections
    from slimfix.syntax import parse

    fix_text("FROM scratch\nRUN true\nRUN true\n")  # load rules and tables outside the figures
    gc.collect()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kB on Linux
    start, cpu = time.perf_counter(), time.process_time()
    with fewer_collections():
        if what == "parse":
            parse(text)
            changed = None
        else:
            result = fix_text(text, "Dockerfile", Settings())
            changed = result.changed
            assert result.error is None and result.internal_error is None, result.error or result.internal_error
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    return {"seconds": seconds, "cpu": cpu, "peak_mb": peak / 1e3, "changed": changed}


def _child(args) -> None:
    text = Path(args.child).read_text(encoding="utf-8")
    print(json.dumps(measure(text, args.what)))


def _run_child(path: Path, what: str) -> dict:
    proc = subprocess.run([sys.executable, __file__, "--child", str(path), "--what", what],
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(proc.stderr)
    return json.loads(proc.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,100000", help="instruction counts, comma-separated")
    parser.add_argument("--no-10mb", action="store_true", help="skip the 10 MB file")
    parser.add_argument("--only", choices=("parse", "fix"), help="measure only this")
    parser.add_argument("--runs-only", action="store_true", help="consecutive RUNs (one long chain)")
    parser.add_argument("--block", choices=("mixed", *RULE_BLOCKS), default="mixed",
                        help="the block the file repeats (mixed: every default rule has work)")
    parser.add_argument("--words", default="", help="also one-line RUNs of this many words, comma-separated")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--what", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args)
        return
    import tempfile

    kind = "RUNs" if args.runs_only else "instructions" if args.block == "mixed" else f"{args.block} instr."
    cases = [(f"{int(n):,} {kind}", generate(int(n), args.runs_only, args.block)) for n in args.sizes.split(",") if n]
    for n in filter(None, args.words.split(",")):
        words = " ".join(f"pkg{i}" for i in range(int(n)))
        cases.append((f"{int(n):,} words, 1 line", f"FROM debian:bookworm\nRUN apt-get update && apt-get install -y {words}\n"))
    if not args.no_10mb:
        cases.append(("10 MB file", generate_bytes(10 * 1000 * 1000)))
    whats = [args.only] if args.only else ["parse", "fix"]
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{'input':<22} {'bytes':>11} {'instr.':>8} {'what':<6} {'wall s':>8} {'CPU s':>8} {'CPU µs/instr.':>13} "
          f"{'+peak MB':>8}")
    with tempfile.TemporaryDirectory(prefix="slimfix-scaling-") as folder:
        for label, text in cases:
            path = Path(folder) / "Dockerfile"
            path.write_text(text, encoding="utf-8")
            count = sum(1 for line in text.splitlines() if line[:1].isalpha())
            for what in whats:
                got = _run_child(path, what)
                print(f"{label:<22} {len(text):>11,} {count:>8,} {what:<6} {got['seconds']:>8.2f} {got['cpu']:>8.2f} "
                      f"{got['cpu'] / count * 1e6:>13.1f} {got['peak_mb']:>8.1f}", flush=True)


if __name__ == "__main__":
    main()
