"""Output: diffs and reports."""

from __future__ import annotations

import os


def posix_path(path: str) -> str:
    """A path as diffs and reports show it: forward slashes, relative to the
    current folder when inside it, no leading ``./``."""
    if os.path.isabs(path):
        try:
            relative = os.path.relpath(path)
        except ValueError:  # another drive
            relative = path
        if not relative.startswith(".."):
            path = relative
    name = path.replace("\\", "/")
    while name.startswith("./"):
        name = name[2:]
    return name
