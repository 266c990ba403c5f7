"""Finding the Dockerfiles in folders: git's listing of a work tree (so ``.gitignore`` counts), else a walk."""

from __future__ import annotations

import os
import subprocess
from typing import Dict, Iterable, List, Optional, Sequence

from .files import is_dockerfile_name, is_excluded, named_file
from .paths import RealPaths

SKIP_DIRS = frozenset({".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__", ".tox", ".mypy_cache"})


def _git_listing(folder: str) -> Optional[List[str]]:
    """Files git would show in ``folder`` (tracked, plus untracked that no
    ignore rule excludes), relative to it; None outside a git work tree."""
    try:
        proc = subprocess.run(
            ["git", "-C", folder, "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            timeout=120,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if proc.returncode != 0:
        return None
    names = proc.stdout.decode("utf-8", "surrogateescape").split("\0")
    return sorted({name for name in names if name})


def _walk(folder: str, exclude: Sequence[str], errors: List[str]) -> List[str]:
    found: List[str] = []

    def unreadable(exc: OSError) -> None:
        errors.append(f"{os.path.normpath(exc.filename or folder)}: cannot read folder: {exc.strerror or exc}")

    for current, dirs, files in os.walk(folder, onerror=unreadable):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not is_excluded(os.path.join(current, d), exclude))
        for name in sorted(files):
            if is_dockerfile_name(name):
                candidate = os.path.join(current, name)
                if not is_excluded(candidate, exclude):
                    found.append(candidate)
    return found


def _search(folder: str, exclude: Sequence[str], respect_gitignore: bool, errors: List[str]) -> List[str]:
    """Dockerfiles under ``folder``, honouring git's ignore rules when asked;
    folders that cannot be read are added to ``errors``."""
    listing = _git_listing(folder) if respect_gitignore else None
    if listing is None:
        return _walk(folder, exclude, errors)
    found: List[str] = []
    for name in listing:
        parts = name.rstrip("/").split("/")
        if SKIP_DIRS.intersection(parts[:-1]):
            continue
        path = os.path.join(folder, *parts)
        if os.path.isdir(path):  # a submodule or a nested repository
            if parts[-1] not in SKIP_DIRS and not is_excluded(path, exclude):
                found.extend(_search(path, exclude, respect_gitignore, errors))
        elif is_dockerfile_name(parts[-1]) and os.path.isfile(path) and not is_excluded(path, exclude):
            found.append(path)
    return found


def discover(
    paths: Iterable[str],
    exclude: Sequence[str] = (),
    respect_gitignore: bool = True,
    force_exclude: bool = False,
    errors: Optional[List[str]] = None,
) -> List[str]:
    """Files to process, in a stable order, each once.

    Folders are searched for Dockerfiles; one that cannot be read adds a
    ``path: message`` line to ``errors``. Files named on the command line are
    taken as they are (``-`` is standard input) unless ``force_exclude`` and
    an exclude pattern matches them, as pre-commit needs.
    """
    errors = [] if errors is None else errors
    real = RealPaths()
    out: Dict[str, str] = {}  # real path -> path as shown
    for given in paths:
        if given != "-" and os.path.isdir(given):
            for found in _search(given, exclude, respect_gitignore, errors):
                out.setdefault(real.path(found), os.path.normpath(found))
        elif given == "-":
            out.setdefault("-", "-")
        else:
            shown = named_file(given, exclude, force_exclude)
            if shown is not None:
                out.setdefault(real.path(given), shown)
    return list(out.values())
