"""Unified diffs that ``git apply`` and ``patch -p1`` accept."""

from __future__ import annotations

import difflib
import os

from ..syntax.prelex import split_lines  # on "\n" only, as git does: a "\r" stays in its line
from . import posix_path

NO_NEWLINE = "\\ No newline at end of file\n"
_COLORS = (("+++", "\x1b[1m"), ("---", "\x1b[1m"), ("+", "\x1b[32m"), ("-", "\x1b[31m"), ("@@", "\x1b[36m"))


def _header_name(prefix: str, name: str) -> str:
    # as git: a name with a space ends in a tab, so patch reads it whole
    return f"{prefix}/{name}" + ("\t" if " " in name else "")


def diff_name(path: str) -> str:
    """The name a diff gives ``path``: relative to the current folder when inside it,
    else the absolute path without its leading ``/`` (``git apply`` and ``patch -p1``
    then apply it from ``/``); standard input is ``-``, as in messages."""
    if path in ("-", ""):
        return "-"
    name = posix_path(path)
    if name.startswith("/") or name == ".." or name.startswith("../"):
        name = posix_path(os.path.abspath(path)).lstrip("/")
    return name


def unified_diff(before: str, after: str, path: str) -> str:
    """A git-style diff of one file (``a/`` and ``b/`` prefixes), or ""."""
    if before == after:
        return ""
    name = diff_name(path)
    out = []
    for line in difflib.unified_diff(split_lines(before), split_lines(after), _header_name("a", name), _header_name("b", name), n=3):
        out.append(line)
        if not line.endswith("\n"):
            out.append("\n" + NO_NEWLINE)
    return "".join(out)


def colorize(diff: str) -> str:
    """The diff with terminal colors: headers bold, additions green, removals red."""
    out = []
    for line in diff.split("\n"):
        for prefix, color in _COLORS:
            if line.startswith(prefix):
                line = f"{color}{line}\x1b[0m"
                break
        out.append(line)
    return "\n".join(out)
