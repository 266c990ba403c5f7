"""Run slimfix over a checked-out tree, with the repository's own configuration."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, Optional

from ..config import ConfigError, Settings, nearest_config
from ..configfile import load_settings
from ..discovery import discover
from ..record import field, record
from ..result import FileResult
from ..rules import Applicability, Diagnostic
from ..runner import Job, run_jobs
from .errors import BotError


@record(frozen=False)
class FileChange:
    path: str  # relative to the repository root, with forward slashes
    before: str
    after: str
    fixed: List[Diagnostic]
    report: Any = None  # a slimfix.verify VerifyReport, when the images were built
    report_markdown: str = ""  # slimfix.verify's rendering of that report

    @property
    def savings(self) -> int:
        return sum(d.savings for d in self.fixed)


@record
class LeftFinding:
    """A finding the fixes left: an unsafe fix not applied, or one without a fix."""

    path: str
    code: str
    message: str
    line: int
    savings: int
    can_opt_in: bool  # it has an unsafe fix, which an opt-in applies


@record(frozen=False)
class ChangeSet:
    files: List[FileChange] = field(default_factory=list)
    skipped: List[str] = field(default_factory=list)  # "path: why" for files left as they are
    warnings: List[str] = field(default_factory=list)
    left: List[LeftFinding] = field(default_factory=list)  # in every file, changed or not

    def __bool__(self) -> bool:
        return bool(self.files)

    @property
    def savings(self) -> int:
        return sum(f.savings for f in self.files)

    @property
    def digest(self) -> str:
        """Names this set of changes, whatever else the target branch gained."""
        h = hashlib.sha256()
        for f in sorted(self.files, key=lambda f: f.path):
            for part in (f.path, f.before, f.after):
                h.update(part.encode("utf-8"))
                h.update(b"\0")
        return h.hexdigest()[:16]


# run_jobs tunes the process-wide garbage collector and restores it at the end: two at
# once (repositories in threads, --jobs) would restore each other's settings. Fixing is
# CPU-bound Python, so taking turns costs nothing; git and the forge still overlap.
_RUNNER = threading.Lock()


def find_config(start: Path) -> Optional[Path]:
    """The nearest config file at or above ``start``: .slimfix.toml, or a
    pyproject.toml that has a [tool.slimfix] table."""
    start = Path(start).resolve()
    found = nearest_config(str(start if start.is_dir() else start.parent))
    return None if found is None else Path(found)


class _RepositorySettings:
    """The nearest config file at or above a file, never above the repository."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self._cache: Dict[Optional[Path], Settings] = {}

    def __call__(self, path: Path) -> Settings:
        found = find_config(path)
        if found is not None and self.root not in found.resolve().parents:
            found = None
        if found not in self._cache:
            try:
                self._cache[found] = load_settings(found)
            except ConfigError as exc:
                raise BotError(f"the repository's slimfix configuration is invalid: {exc}") from None
        return self._cache[found]


def compute_changes(
    root: Path, workers: Optional[int] = None, opt_in: Optional[Mapping[str, Iterable[str]]] = None
) -> ChangeSet:
    """Fix every Dockerfile under ``root`` in place; report what changed.
    ``workers``: processes (None: one per core; 1 when called from a thread).
    ``opt_in``: path -> rule codes whose unsafe fixes apply there too (the dashboard's ticked boxes)."""
    settings_for = _RepositorySettings(root)
    top = settings_for(root)
    changes = ChangeSet(warnings=[_relative(w, root) for w in top.warnings])
    paths = discover([str(root)], top.exclude, top.respect_gitignore)
    opt_in = opt_in or {}
    jobs = []
    for path in paths:
        settings = settings_for(Path(path))
        codes = tuple(opt_in.get(Path(path).resolve().relative_to(root.resolve()).as_posix(), ()))
        if codes:  # a code named in full lets its unsafe fixes apply (see slimfix.rules.explicitly_selected)
            settings = settings.merged(extend_select=settings.extend_select + codes)
        jobs.append(Job(path, settings, write=True))
    with _RUNNER:
        results = run_jobs(jobs, workers)
    for result in results:
        _collect(changes, result, root)
    changes.files.sort(key=lambda f: f.path)
    return changes


def _relative(text: str, root: Path) -> str:
    return text.replace(str(root.resolve()) + "/", "").replace(str(root) + "/", "")


def _collect(changes: ChangeSet, result: FileResult, root: Path) -> None:
    path = Path(result.path).resolve().relative_to(root.resolve()).as_posix()
    if result.error:
        changes.skipped.append(_relative(result.error, root))
    elif result.internal_error:
        changes.skipped.append(f"{path}: {result.internal_error.splitlines()[0]}")
    elif result.changed:
        changes.files.append(FileChange(path, result.source, result.output, list(result.fixed)))
    for d in result.diagnostics:
        unsafe = d.fix is not None and d.fix.applicability == Applicability.UNSAFE
        changes.left.append(LeftFinding(path, d.code, d.message, d.line, d.savings, unsafe))
