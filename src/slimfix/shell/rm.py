"""What an ``rm`` command removes: normalised paths and "does it remove X?" questions."""

from __future__ import annotations

from typing import Optional, Tuple

from slimfix.shell.commands import CommandView
from slimfix.shell.nodes import Word

from ..record import record


def normalise_path(path: str) -> Optional[str]:
    """Absolute ``path`` with ``//``, ``.``, ``..`` and trailing slashes resolved lexically; None for
    relative paths (their meaning depends on the working directory)."""
    if not path.startswith("/"):
        return None
    out: list = []
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if out:
                out.pop()
        else:
            out.append(part)
    return "/" + "/".join(out)


@record
class RemovedPath:
    word: Word
    path: str  # normalised; for a contents glob, the directory
    contents_only: bool  # written as DIR/* (unquoted): removes the entries of DIR, not DIR itself


def removed_paths(view: CommandView) -> Tuple[RemovedPath, ...]:
    """Absolute literal arguments of ``rm`` that name a path or all entries of a directory.

    Other patterns (``*.log``, quoted ``*``, expansions, relative paths) are left out."""
    if view.tool != "rm":
        return ()
    out = []
    for word in view.args:
        value = word.value
        if value is None:
            continue
        contents = False
        if word.has_glob:
            stripped = value.rstrip("/")
            if stripped.endswith(("/*", "/**")) and not any(c in stripped.rsplit("/", 1)[0] for c in "*?["):
                value = stripped.rsplit("/", 1)[0] or "/"
                contents = True
            else:
                continue
        path = normalise_path(value)
        if path is not None:
            out.append(RemovedPath(word, path, contents))
    return tuple(out)


def _within(path: str, parent: str) -> bool:
    """``path`` is ``parent`` or below it."""
    return path == parent or path.startswith(parent.rstrip("/") + "/")


def removes(view: CommandView, target: str) -> bool:
    """Whether this ``rm`` surely removes ``target``.

    ``target`` is an absolute path, or ``DIR/*`` for "everything inside DIR". Recursive removal is
    required (the targets of interest are directories). For example ``rm -rf /var/lib/apt/lists/*``,
    ``rm -r /var/lib/apt/lists`` and ``rm -fr /var/lib/apt/* /tmp/*`` all remove
    ``/var/lib/apt/lists/*``; ``rm -rf "/var/lib/apt/lists/*"`` (quoted, no glob) does not."""
    if view.tool != "rm" or not view.has("recursive"):
        return False
    contents = target.rstrip("/").endswith("/*")
    path = normalise_path(target.rstrip("/")[:-2] if contents else target)
    if path is None:
        raise ValueError(f"target must be absolute: {target!r}")
    for removed in removed_paths(view):
        if removed.contents_only:
            if (contents and path == removed.path) or (path != removed.path and _within(path, removed.path)):
                return True
        elif _within(path, removed.path):
            return True
    return False
