"""Shell scripts a RUN runs that a COPY put in the image from the build context.

``run_scripts(ctx, instruction, run)`` gives the text of each such script that can be read: the RUN
runs a path (``/tmp/setup.sh``, ``./install.sh``, ``bash setup.sh``, ``sh -e /x.sh``) that an earlier
``COPY`` of the stage (or a stage it is built FROM) copied from a plain file of the build context
(the Dockerfile's folder). Scripts from other stages, ``ADD`` URLs, patterns and files that are not
there are left out: nothing is known about them.
"""

from __future__ import annotations

import os
import posixpath
from typing import List, Optional

from ..syntax import Instruction

_SHELLS = frozenset({"sh", "bash", "dash", "ash", "source", "."})
_MAX_BYTES = 1_000_000


def _copies_step(copied: bool, instruction: Instruction) -> bool:
    return copied or instruction.keyword in ("COPY", "ADD")


def _script_paths(run, cwd: Optional[str]) -> List[str]:
    """Absolute paths of the scripts the RUN's top-level commands run."""
    out = []
    for c, _ in run.commands:
        if c.in_substitution or c.in_function:
            continue
        words = c.command.words
        program = words[0].value if words else None
        if program is None:
            continue
        path = None
        if posixpath.basename(program) in _SHELLS:  # the other words are read only here
            values = [w.value for w in words[1:]]
            rest = [w for w in values if w is None or not w.startswith("-")]
            path = rest[0] if rest and "-c" not in values else None
        elif "/" in program:
            path = program
        if path is None:
            continue
        if not path.startswith("/"):
            if cwd is None:
                continue
            path = posixpath.join(cwd, path)
        out.append(posixpath.normpath(path))
    return out


def _copied_from_context(ctx, lineage: List[Instruction], target: str) -> Optional[str]:
    """The build-context file the last COPY that wrote ``target`` copied, when it is one plain file."""
    if not ctx.path or not os.path.isfile(ctx.path):
        return None
    root = os.path.dirname(os.path.abspath(ctx.path))
    found = None
    for instruction in lineage:
        if instruction.keyword not in ("COPY", "ADD") or instruction.is_exec_form or len(instruction.value) < 2:
            continue
        cwd = ctx.workdir_from_root(instruction)
        if instruction.flag_values("from") or cwd is None:
            continue
        *sources, dest = instruction.value
        absolute = posixpath.normpath(posixpath.join(cwd, dest))
        for source in sources:
            if any(ch in source for ch in "*?[$") or "://" in source:
                continue
            name = posixpath.basename(source.rstrip("/"))
            lands = absolute if not (dest.endswith("/") or len(sources) > 1) else posixpath.join(absolute, name)
            if lands == target:
                full = os.path.normpath(os.path.join(root, source))
                found = full if full.startswith(root + os.sep) and os.path.isfile(full) else None
    return found


def run_scripts(ctx, instruction: Instruction, run) -> List[str]:
    """The texts of the build-context scripts the RUN ``instruction`` runs (see the module docstring)."""
    if not ctx.lineage_fold(instruction, "copies-before", _copies_step, False):
        return []  # nothing was copied in: no script to read (and no need to parse the RUN)
    texts = []
    paths = _script_paths(run, ctx.workdir_from_root(instruction))
    lineage = ctx.lineage(instruction) if paths else []
    for path in paths:
        source = _copied_from_context(ctx, lineage, path)
        if source is None:
            continue
        try:
            with open(source, "rb") as handle:
                texts.append(handle.read(_MAX_BYTES).decode("utf-8", "replace"))
        except OSError:
            continue
    return texts
