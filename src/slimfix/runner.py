"""Process many files: read, fix, write back; one result per file, never raising.

Many files run in worker processes (all cores by default). A worker that
dies takes no result with it: what it had not finished runs again here.
"""

from __future__ import annotations

import gc
import os
import sys
from contextlib import contextmanager
from functools import partial
from typing import TYPE_CHECKING, Callable, Iterator, List, Optional, Sequence

from .config import Settings
from .files import MAX_FILE_SIZE, SourceError, read_source, write_atomic
from .record import record
from .result import FileResult, with_path

if TYPE_CHECKING:
    from .cache import ResultCache

PARALLEL_THRESHOLD = 32  # fewer files than this run in this process: a pool costs more


@record
class Job:
    path: str
    settings: Settings
    write: bool  # rewrite the file in place when fixes change it
    max_size: int = MAX_FILE_SIZE  # bytes; larger files are an error


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def fix_text(text: str, path: str, settings: Settings, fix: bool = True, input_lines: bool = False) -> FileResult:
    """``slimfix.fixer.fix_text``, imported on first use: a run answered from the cache never loads the analysis."""
    from .fixer import fix_text as fix_text_  # lazy: start-up (a run answered from the cache never loads the analysis)

    return fix_text_(text, path, settings, fix, input_lines=input_lines)


def internal_error() -> str:
    from .fixer import internal_error as internal_error_  # lazy: start-up (as above)

    return internal_error_()


def run_job(job: Job, cache: Optional["ResultCache"] = None) -> FileResult:
    try:
        return _run(job, cache)
    except Exception:  # never lose the other files' results to one bug
        return FileResult(job.path, "", "", internal_error=internal_error())


def _run(job: Job, cache: Optional["ResultCache"] = None, only_cached: bool = False) -> Optional[FileResult]:
    """The job's result; with ``only_cached``, None unless the cache has it."""
    try:
        source = read_source(job.path, job.max_size)
    except SourceError as exc:
        return FileResult(job.path, "", "", error=str(exc))
    # a check reports findings by the input's lines, a rewrite by the output's: two entries
    key = cache.key(job.settings, source.raw, "write" if job.write else "check") if cache is not None else None
    result = cache.load(key, job.path, source.text) if key is not None else None
    if result is None:
        if only_cached:
            return None
        result = fix_text(source.text, job.path, job.settings, fix=True, input_lines=not job.write)
        if key is not None:
            cache.store(key, result)
    if result.error:
        result.error = with_path(job.path, result.error)
    if job.write and result.changed and not result.internal_error:
        try:
            write_atomic(source, result.output)
        except SourceError as exc:
            result.error = str(exc)
            result.output = result.source
            result.fixed = []
    return result


def warm_up() -> None:
    """Load the rules and build the parser once, before workers fork from us."""
    try:
        fix_text("FROM scratch\nRUN true\n", "", Settings(select=("ALL",)))
    except Exception:  # each job will report the problem itself
        pass


def _pool_context():
    # fork shares the warmed-up parser and rules; elsewhere use the default
    import multiprocessing  # lazy: start-up (only for a parallel run)

    if sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return None


def run_jobs(
    jobs: Sequence[Job],
    workers: Optional[int] = None,
    progress: Optional[Callable[[], None]] = None,
    cache: Optional["ResultCache"] = None,
) -> List[FileResult]:
    """Run ``jobs``; results in job order. With a ``cache``, files it knows are answered here
    first (no worker starts for a warm run); the others run and are stored."""
    with fewer_collections():
        if cache is None:
            return _run_jobs(jobs, workers, progress)
        results: List[Optional[FileResult]] = []
        for job in jobs:
            try:
                results.append(_run(job, cache, only_cached=True))
            except Exception:
                results.append(None)
            if progress and results[-1] is not None:
                progress()
        missed = [job for job, result in zip(jobs, results) if result is None]
        fresh = iter(_run_jobs(missed, workers, progress, cache))
        out = [result if result is not None else next(fresh) for result in results]
        if missed:
            cache.prune()
        return out


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Run with the cyclic garbage collector mostly out of the way.

    Checking a file allocates hundreds of thousands of small objects, none of them in reference
    cycles (the corpus leaves no cyclic garbage), while shell trees and command views stay cached.
    With the default thresholds the collector scanned those caches again and again: about a fifth
    of the run time. Objects alive before the run, and after it, are frozen out of collection
    (the caches live as long as the program; freezing them at the end spares a last full
    collection) and collections are rarer until the run ends: one young collection per 200,000
    new objects, not 700 (20,000 still cost 5% of the instructions over the benchmark's sample).
    Forked workers inherit the setting."""
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(200_000, 50, 100)
    try:
        yield
    finally:
        gc.freeze()
        gc.set_threshold(*thresholds)


def _run_jobs(jobs: Sequence[Job], workers: Optional[int], progress: Optional[Callable[[], None]],
              cache: Optional["ResultCache"] = None) -> List[FileResult]:
    workers = min(workers or default_workers(), max(1, len(jobs)))
    results: List[FileResult] = []
    if workers > 1 and len(jobs) >= PARALLEL_THRESHOLD:
        from concurrent.futures import ProcessPoolExecutor  # lazy: start-up (only for a parallel run)
        from concurrent.futures.process import BrokenProcessPool  # lazy: start-up (as above)

        warm_up()
        chunk = max(1, min(64, len(jobs) // (workers * 8)))
        try:
            with ProcessPoolExecutor(max_workers=workers, mp_context=_pool_context()) as pool:
                task = run_job if cache is None else partial(run_job, cache=cache)
                for result in pool.map(task, jobs, chunksize=chunk):
                    results.append(result)
                    if progress:
                        progress()
        except (BrokenProcessPool, OSError):
            pass  # the rest runs below, in this process
    for job in jobs[len(results):]:
        results.append(run_job(job, cache))
        if progress:
            progress()
    return results


__all__ = ["Job", "default_workers", "run_job", "run_jobs"]
