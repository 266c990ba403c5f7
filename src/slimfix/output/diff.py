"""Unified diffs that ``git apply`` and ``patch -p1`` accept."""

from __future__ import annotations

import difflib
from typing import List

from . import posix_path

NO_NEWLINE = "\\ No newline at end of file\n"


def _lines(text: str) -> List[str]:
    # split on "\n" only, as git does: a "\r" stays part of its line
    lines = text.split("\n")
    out = [line + "\n" for line in lines[:-1]]
    if lines[-1]:
        out.append(lines[-1])
    return out


def unified_diff(before: str, after: str, path: str) -> str:
    """A git-style diff of one file (``a/`` and ``b/`` prefixes), or ""."""
    if before == after:
        return ""
    name = posix_path(path) if path not in ("-", "") else "stdin"
    old, new = _lines(before), _lines(after)
    out = []
    for line in difflib.unified_diff(old, new, f"a/{name}", f"b/{name}", n=3):
        if line.startswith(("---", "+++")):
            out.append(line.rstrip("\n") + "\n")
            continue
        out.append(line)
        if not line.endswith("\n"):
            out.append("\n" + NO_NEWLINE)
    return "".join(out)
