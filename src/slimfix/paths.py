"""``os.path.realpath`` for many paths in few folders: one ``lstat`` per new path part.

``realpath`` checks every part of a path for a symlink on every call: for 5,000 files
that was most of a warm run. A ``RealPaths`` remembers each folder's real path, so a path
costs one check of its last part. Paths with ``..`` go to ``realpath`` itself (``link/..``
is not the folder the link is in). Keep one for a run: folders are taken not to change.
"""

from __future__ import annotations

import os
from typing import Dict


def _has_parent_part(path: str) -> bool:
    return ".." in path.replace(os.sep, "/").split("/")


class RealPaths:
    def __init__(self) -> None:
        self._folders: Dict[str, str] = {}

    def folder(self, folder: str) -> str:
        """``os.path.realpath(folder)``."""
        if _has_parent_part(folder):  # abspath would drop the '..' before a symlink is followed
            return os.path.realpath(folder)
        absolute = os.path.abspath(folder)
        found = self._folders.get(absolute)
        if found is None:
            parent = os.path.dirname(absolute)
            if parent == absolute or os.path.islink(absolute):
                found = os.path.realpath(absolute)
            else:
                found = os.path.join(self.folder(parent), os.path.basename(absolute))
            self._folders[absolute] = found
        return found

    def path(self, path: str) -> str:
        """``os.path.realpath(path)``: the folder remembered, the last part checked."""
        if _has_parent_part(path) or os.path.islink(path):
            return os.path.realpath(path)
        absolute = os.path.abspath(path)
        return os.path.join(self.folder(os.path.dirname(absolute)), os.path.basename(absolute))


__all__ = ["RealPaths"]
