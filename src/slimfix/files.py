"""Finding Dockerfiles, reading them exactly, writing them back atomically."""

from __future__ import annotations

import fnmatch
import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, List, Optional, Sequence, Set

DOCKERFILE_PATTERNS = ("Dockerfile", "Dockerfile.*", "*.Dockerfile", "*.dockerfile", "Containerfile", "Containerfile.*")
SKIP_DIRS = {".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__", ".tox", ".mypy_cache"}


class SourceError(Exception):
    """A file that cannot be read or written; the message is one line."""


def is_dockerfile_name(name: str) -> bool:
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in DOCKERFILE_PATTERNS)


def _excluded(path: Path, patterns: Sequence[str]) -> bool:
    text = path.as_posix()
    return any(
        fnmatch.fnmatchcase(text, pattern) or fnmatch.fnmatchcase(path.name, pattern) or fnmatch.fnmatchcase(text, f"*/{pattern}")
        for pattern in patterns
    )


def _git_ignored(root: Path, candidates: List[Path]) -> Set[Path]:
    """The candidates git ignores (via .gitignore and friends); empty outside git."""
    if not candidates:
        return set()
    try:
        proc = subprocess.run(
            ["git", "-C", str(root), "check-ignore", "--stdin", "-z"],
            input="\0".join(str(path.resolve()) for path in candidates) + "\0",
            capture_output=True,
            text=True,
            timeout=60,
        )
    except (OSError, subprocess.SubprocessError):
        return set()
    if proc.returncode not in (0, 1):
        return set()
    return {Path(name) for name in proc.stdout.split("\0") if name}


def discover(paths: Iterable[str], exclude: Sequence[str] = (), respect_gitignore: bool = True) -> List[str]:
    """Files to process: given files as they are, Dockerfiles found in folders."""
    out: List[str] = []
    for given in paths:
        path = Path(given)
        if given == "-" or not path.is_dir():
            if given == "-" or not _excluded(path, exclude):
                out.append(given)
            continue
        found: List[Path] = []
        for folder, dirs, files in os.walk(path):
            dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not _excluded(Path(folder, d), exclude))
            for name in sorted(files):
                candidate = Path(folder, name)
                if is_dockerfile_name(name) and not _excluded(candidate, exclude):
                    found.append(candidate)
        if respect_gitignore:
            ignored = _git_ignored(path, found)
            found = [p for p in found if p.resolve() not in ignored]
        out.extend(str(p) for p in found)
    return out


@dataclass(frozen=True)
class Source:
    path: str
    text: str
    raw: bytes
    mode: Optional[int]
    mtime_ns: Optional[int]


def decode(raw: bytes, path: str) -> str:
    if b"\0" in raw:
        raise SourceError(f"{path}: binary file, not a Dockerfile")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise SourceError(f"{path}:{line}:1: not UTF-8 text ({exc.reason} at byte {exc.start})") from None


def read_source(path: str) -> Source:
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
            stat = os.fstat(handle.fileno())
    except FileNotFoundError:
        raise SourceError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise SourceError(f"{path}: is a directory") from None
    except OSError as exc:
        raise SourceError(f"{path}: cannot read: {exc.strerror or exc}") from None
    return Source(path, decode(raw, path), raw, stat.st_mode, stat.st_mtime_ns)


def write_atomic(source: Source, text: str) -> None:
    """Replace the file with ``text``: same folder temp file, then rename.

    The file's mode is kept; text is written as UTF-8 with its own line endings
    and BOM (they are part of ``text``). Refuses when the file changed on disk
    since it was read.
    """
    path = Path(source.path)
    if source.mode is not None and not source.mode & 0o222:
        raise SourceError(f"{source.path}: read-only file; not overwritten")
    try:
        current = path.read_bytes()
    except OSError as exc:
        raise SourceError(f"{source.path}: cannot re-read before writing: {exc.strerror or exc}") from None
    if current != source.raw:
        raise SourceError(f"{source.path}: changed on disk since it was read; not overwritten")
    folder = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".slimfix", dir=folder)
    except OSError as exc:
        raise SourceError(f"{source.path}: cannot write: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        if source.mode is not None:
            os.chmod(tmp, source.mode & 0o7777)
        os.replace(tmp, path)
    except OSError as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise SourceError(f"{source.path}: cannot write: {exc.strerror or exc}") from None
