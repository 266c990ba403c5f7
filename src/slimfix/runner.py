"""Process many files: read, fix, write; one result per file, never raising."""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, List, Optional, Sequence

from .config import ConfigError, Settings, find_config, load_settings
from .files import SourceError, read_source, write_atomic
from .fixer import FileResult, fix_text

PARALLEL_THRESHOLD = 16  # fewer files than this run in-process


@dataclass
class Job:
    path: str
    settings: Settings
    write: bool  # rewrite the file in place when fixes change it
    fix: bool  # compute fixes (False: report only)


def settings_for(path: str, base: Optional[Settings], overrides: dict) -> Settings:
    """The nearest config file's settings under the command line's."""
    if base is None:
        start = Path(path) if path != "-" else Path.cwd()
        base = load_settings(find_config(start if start.exists() else Path.cwd()))
    return base.merged(**overrides)


def run_job(job: Job) -> FileResult:
    try:
        source = read_source(job.path)
    except SourceError as exc:
        return FileResult(job.path, "", "", error=str(exc))
    result = fix_text(source.text, job.path, job.settings, fix=job.fix)
    if result.error:
        result.error = f"{job.path}:{result.error}"
    if job.write and result.changed and not result.internal_error:
        try:
            write_atomic(source, result.output)
        except SourceError as exc:
            result.error = str(exc)
            result.output = result.source
    return result


def run_jobs(jobs: Sequence[Job], workers: Optional[int] = None, progress: Optional[Callable[[], None]] = None) -> List[FileResult]:
    """Run jobs, in parallel processes when there are many; results in job order."""
    workers = workers or os.cpu_count() or 1
    if len(jobs) < PARALLEL_THRESHOLD or workers == 1:
        results = []
        for job in jobs:
            results.append(run_job(job))
            if progress:
                progress()
        return results
    results = []
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for result in pool.map(run_job, jobs, chunksize=max(1, len(jobs) // (workers * 8))):
            results.append(result)
            if progress:
                progress()
    return results


__all__ = ["ConfigError", "Job", "run_job", "run_jobs", "settings_for"]
