#!/usr/bin/env python3
"""Benchmark slimfix on a folder of real Dockerfiles.

    scripts/bench.py [--corpus DIR] [--runs N] [--json]

DIR defaults to $SLIMFIX_CORPUS. Measures, in order:

1. parse only: files/s and MB/s of ``slimfix.parse`` in this process;
2. check: ``slimfix --check`` over the folder (default rules) with 1 and 2
   workers: wall time, files/s, and the CPU time it used;
3. cold start: ``slimfix --check`` on one file, and ``slimfix --version``
   (median and best of N runs);
4. import time: the slowest imports of a one-file run (``python -X importtime``).

Timings depend on what else runs on the machine: the load average is printed
before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))


def _command() -> List[str]:
    script = shutil.which("slimfix", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-m", "slimfix"]


def _load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "?"


def _corpus_files(corpus: Path) -> List[str]:
    from slimfix.files import discover

    return discover([str(corpus)], respect_gitignore=False)


def _sample(files: Sequence[str], limit: int) -> Path:
    """A temporary folder with every n-th file, so a subset spans the whole corpus."""
    import atexit
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="slimfix-bench-"))
    atexit.register(shutil.rmtree, folder, True)
    step = len(files) / limit
    for i in range(limit):
        source = Path(files[int(i * step)])
        target = folder / f"{i:05}" / source.name
        target.parent.mkdir()
        shutil.copyfile(source, target)
    return folder


def bench_parse(files: Sequence[str]) -> Dict[str, float]:
    from slimfix import ParseError, parse

    texts = []
    for path in files:
        try:
            texts.append(Path(path).read_bytes().decode("utf-8"))
        except (OSError, UnicodeDecodeError):
            pass
    parse("FROM scratch\n")  # build the parser once
    errors = 0
    start = time.perf_counter()
    for text in texts:
        try:
            parse(text)
        except ParseError:
            errors += 1
    elapsed = time.perf_counter() - start
    size = sum(len(t.encode("utf-8")) for t in texts)
    return {"files": len(texts), "parse_errors": errors, "seconds": elapsed,
            "files_per_s": len(texts) / elapsed, "mb_per_s": size / 1e6 / elapsed}


def _child_env() -> Dict[str, str]:
    """As an installed slimfix runs: with compiled bytecode (kept out of the tree)."""
    import tempfile

    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.setdefault("PYTHONPYCACHEPREFIX", os.path.join(tempfile.gettempdir(), "slimfix-bench-pycache"))
    return env


CHILD_ENV = _child_env()


def _timed(args: Sequence[str]) -> Tuple[float, float, int]:
    """(wall seconds, CPU seconds of the child processes, exit code)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(list(args), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=CHILD_ENV)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, proc.returncode


def bench_check(corpus: Path, count: int, workers: int) -> Dict[str, float]:
    wall, cpu, code = _timed([*_command(), "--check", "-q", "--no-progress", "-j", str(workers), str(corpus)])
    return {"workers": workers, "files": count, "seconds": wall, "cpu_seconds": cpu, "exit_code": code,
            "files_per_s": count / wall, "files_per_cpu_s": count / cpu}


def bench_cold(args: Sequence[str], runs: int) -> Dict[str, float]:
    times = [_timed(args)[0] for _ in range(runs)]
    return {"median_ms": statistics.median(times) * 1000, "best_ms": min(times) * 1000, "runs": runs}


def import_profile(one_file: str, top: int = 12) -> Dict[str, object]:
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "slimfix", "--check", "-q", one_file],
                          capture_output=True, text=True, env=CHILD_ENV)
    rows = []
    for line in proc.stderr.splitlines():
        parts = line[len("import time:"):].split("|") if line.startswith("import time:") else []
        if len(parts) == 3 and parts[0].strip().isdigit():
            rows.append((int(parts[1]), int(parts[0]), parts[2][1:]))  # name keeps its nesting indent
    top_level = [r for r in rows if not r[2].startswith(" ")]
    return {
        "total_ms": sum(r[0] for r in top_level) / 1000,
        "slowest": [{"module": name.strip(), "cumulative_ms": t / 1000, "self_ms": s / 1000}
                    for t, s, name in sorted(rows, reverse=True)[:top]],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", default=os.environ.get("SLIMFIX_CORPUS"), help="folder of Dockerfiles")
    parser.add_argument("--runs", type=int, default=10, help="runs for each cold-start figure")
    parser.add_argument("--limit", type=int, default=0, help="use only this many files (a copy of a spread sample)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    if not args.corpus or not Path(args.corpus).is_dir():
        parser.error("give --corpus DIR or set SLIMFIX_CORPUS")
    corpus = Path(args.corpus)
    files = _corpus_files(corpus)
    target = corpus
    if args.limit and args.limit < len(files):
        target = _sample(files, args.limit)
        files = _corpus_files(target)
    one_file = max(files[:50], key=lambda p: Path(p).stat().st_size)

    say = (lambda *a, **k: None) if args.json else print
    figures: Dict[str, object] = {"corpus": str(target), "files": len(files), "load_before": _load(), "cpus": os.cpu_count()}
    say(f"corpus: {target} ({len(files)} files); load average before: {figures['load_before']}", flush=True)

    _timed([*_command(), "--check", "-q", one_file])  # compile the bytecode once
    p = figures["parse"] = bench_parse(files)
    say(f"parse only:           {p['files_per_s']:6.0f} files/s  {p['mb_per_s']:6.2f} MB/s"
        f"  ({p['files']} files, {p['parse_errors']} rejected)", flush=True)
    for workers in (1, 2):
        c = figures[f"check_{workers}_workers"] = bench_check(target, len(files), workers)
        say(f"check, {workers} worker(s):    {c['files_per_s']:6.0f} files/s  {c['seconds']:6.1f} s wall, "
            f"{c['cpu_seconds']:6.1f} s CPU ({c['files_per_cpu_s']:.0f} files per CPU second)", flush=True)
    figures["speedup_2_workers"] = figures["check_1_workers"]["seconds"] / figures["check_2_workers"]["seconds"]
    say(f"speed-up with 2 workers: {figures['speedup_2_workers']:.2f}x", flush=True)
    for key, label, cmd in (
        ("cold_start_one_file", "cold start, one file", [*_command(), "--check", "-q", one_file]),
        ("cold_start_version", "cold start, --version", [*_command(), "--version"]),
    ):
        f = figures[key] = bench_cold(cmd, args.runs)
        say(f"{label + ':':24} median {f['median_ms']:.0f} ms, best {f['best_ms']:.0f} ms ({f['runs']} runs)", flush=True)
    imports = figures["imports"] = import_profile(one_file)
    say(f"imports of a one-file run: {imports['total_ms']:.0f} ms; slowest (cumulative / self, ms):")
    for row in imports["slowest"]:
        say(f"  {row['cumulative_ms']:7.1f} {row['self_ms']:7.1f}  {row['module']}")
    figures["load_after"] = _load()
    say(f"load average after: {figures['load_after']}")
    if args.json:
        print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
