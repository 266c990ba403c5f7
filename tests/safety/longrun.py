"""The oracle's long run (``scripts/oracle``): many cases, random seeds, several processes.

Each process has its own sandbox and runs chunks of cases, each chunk drawn from the
grammar with its own seed (``grammar.random_case``: plain ``random``, far cheaper per case
than hypothesis; the test suite's run draws through hypothesis). A difference does not stop the run: it is counted, and the first few
of each chunk are minimized (``oracle.minimize``); the distinct minimal Dockerfiles are
printed at the end. Exit status 1 when any case differed.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import sys
import time
from typing import List, Optional, Tuple

from .grammar import SHELLS, random_case
from .oracle import Oracle, Sandboxes, minimize

_oracle: Optional[Oracle] = None


def _start(all_shells: bool) -> None:
    global _oracle
    _oracle = Oracle(Sandboxes(1), all_shells=all_shells)


def _chunk(job: Tuple[int, int, int, Tuple[str, ...]]) -> Tuple[int, int, int, int, List[Tuple[str, str]]]:
    """Run ``count`` cases from ``chunk_seed``; minimize up to ``keep`` differences; cases whose
    Dockerfile contains one of ``skip`` are generated but not run."""
    chunk_seed, count, keep, skip = job
    oracle = _oracle
    assert oracle is not None
    found = []
    before = (oracle.stats.cases, oracle.stats.rewritten, oracle.stats.runs)
    cpu = _cpu_seconds(oracle)

    rng = random.Random(chunk_seed)
    for _ in range(count):
        case = random_case(rng, SHELLS)
        if skip and any(text in case.text() for text in skip):
            oracle.stats.cases += 1
            continue
        difference = oracle.check(case)
        if difference is not None:
            found.append((case, difference.report()))
    minimal = {}
    for case, report in found[:keep]:
        small = minimize(oracle, case)
        difference = oracle.differs(small) if small is not None else None
        if difference is not None:
            minimal[(small.text(), small.shell)] = difference.report()
        else:
            minimal[(case.text(), case.shell)] = "NOT REPRODUCIBLE (timing?): " + report
    stats = oracle.stats
    return (stats.cases - before[0], stats.rewritten - before[1], stats.runs - before[2], len(found),
            _cpu_seconds(oracle) - cpu, sorted(minimal.items()))


def _cpu_seconds(oracle: Oracle) -> float:
    """CPU time this process, its sandbox and every command the sandbox ran have used so far."""
    own = os.times()
    return own.user + own.system + oracle.sandboxes.cpu_seconds()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/oracle", description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000, help="cases to generate (default 100000)")
    parser.add_argument("--jobs", type=int, default=multiprocessing.cpu_count(), help="processes (default: CPUs)")
    parser.add_argument("--seed", type=int, default=None, help="first seed (default: random)")
    parser.add_argument("--chunk", type=int, default=1000, help="cases per seed (default 1000)")
    parser.add_argument("--minimize", type=int, default=5, help="differences minimized per chunk (default 5)")
    parser.add_argument("--all-shells", action="store_true", help="run every case under dash, bash and busybox")
    parser.add_argument("--skip", action="append", default=[], metavar="TEXT",
                        help="do not run cases whose Dockerfile contains TEXT (to look past known differences)")
    args = parser.parse_args(argv)
    reason = Sandboxes.unavailable()
    if reason is not None:
        print(f"scripts/oracle: {reason}", file=sys.stderr)
        return 2
    first = args.seed if args.seed is not None else random.randrange(2**32)
    chunks = [(first + i, min(args.chunk, args.cases - i * args.chunk), args.minimize, tuple(args.skip))
              for i in range((args.cases + args.chunk - 1) // args.chunk)]
    print(f"oracle: {args.cases} cases, seeds {first}..{first + len(chunks) - 1}, {args.jobs} processes", flush=True)
    totals = [0, 0, 0, 0, 0.0]
    minimal = {}
    started = time.monotonic()
    with multiprocessing.get_context("spawn").Pool(args.jobs, _start, (args.all_shells,)) as pool:
        for result in pool.imap_unordered(_chunk, chunks):
            for i in range(5):
                totals[i] += result[i]
            for key, report in result[5]:
                if key not in minimal:
                    minimal[key] = report
                    print("\n" + "=" * 72 + "\n" + report + "\n", flush=True)
            elapsed = time.monotonic() - started
            print(f"oracle: {totals[0]} cases, {totals[1]} rewritten and run, {totals[2]} runs, {totals[3]} differing"
                  f" ({len(minimal)} distinct minimal), {elapsed:.0f}s", flush=True)
    elapsed = time.monotonic() - started
    print(f"\noracle: {totals[0]} cases run, {totals[3]} differences, {len(minimal)} distinct minimal cases;"
          f" {totals[0] / elapsed:.0f} cases/s, {totals[0] / max(totals[4], 1e-9):.0f} cases per CPU second")
    return 1 if totals[3] else 0
