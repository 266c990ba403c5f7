"""SF016: `RUN chown -R`/`chmod -R` right after a `COPY` copies the files a second time."""

from __future__ import annotations

import os
import posixpath
import re
from typing import Iterable, Optional, Tuple

from ..semantics.context import FileContext
from ..syntax import ContinuationComment, Directive, Instruction
from .base import Applicability, Diagnostic, Edit, Fix, Rule

# Instructions that may stand between the COPY and the RUN: they do not touch files.
_BETWEEN = frozenset({"LABEL", "EXPOSE", "ENV", "ARG", "MAINTAINER", "STOPSIGNAL"})
_OWNER = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*:[A-Za-z0-9_][A-Za-z0-9_.-]*$")  # user:group, both given
_MODE = re.compile(r"^[0-7]{3,4}$")
_CHMOD_SYNTAX = re.compile(r"^(docker/)?dockerfile:(1|1-labs|labs|1\.([3-9]|[1-9][0-9])(\.[0-9]+)?(-labs)?)$")
_MAX_FILES = 20_000  # files walked to measure a COPY's sources


def _chmod_allowed(ctx: FileContext) -> bool:
    """The file asks for a Dockerfile syntax that has ``COPY --chmod`` (1.3 or later)."""
    for line in ctx.tree.body:
        if isinstance(line, Directive) and line.name.lower() == "syntax":
            return bool(_CHMOD_SYNTAX.match(line.value.strip()))
    return False


def _change(run) -> Optional[Tuple[Optional[str], Optional[str], str]]:
    """(owner, mode, path) when the RUN is exactly ``chown -R U:G PATH``, ``chmod -R MODE PATH``
    or both joined by ``&&`` over the same absolute literal path; else None."""
    if run.has_heredoc or run.onbuild or run.script.has_opaque:
        return None
    items = run.script.body.items
    if not 1 <= len(items) <= 2 or any(op.op != "&&" for op in run.script.body.operators):
        return None
    owner = mode = path = None
    for c, _ in run.commands:
        if c.in_substitution or c.in_pipeline or not c.top_level:
            return None
        words = [w.value for w in c.command.words]
        if None in words or c.command.assignments or c.command.redirects or len(words) != 4:
            return None
        name, flag, value, target = words
        if flag not in ("-R", "--recursive") or not target.startswith("/"):
            return None
        if path is not None and posixpath.normpath(target) != path:
            return None
        path = posixpath.normpath(target)
        if name == "chown" and owner is None and _OWNER.match(value):
            owner = value
        elif name == "chmod" and mode is None and _MODE.match(value):
            mode = value
        else:
            return None
    return (owner, mode, path) if path else None


def _destination(ctx: FileContext, copy: Instruction) -> Optional[str]:
    """The absolute destination of a COPY (a relative one against the last literal WORKDIR)."""
    values = copy.value
    if len(values) < 2 or copy.is_exec_form:
        return None
    dest = values[-1]
    if "$" in dest:
        return None
    if dest.startswith("/"):
        return posixpath.normpath(dest)
    cwd = ctx.workdir_from_root(copy)
    return posixpath.normpath(posixpath.join(cwd, dest)) if cwd is not None else None



def _copied_paths(ctx: FileContext, copy: Instruction) -> Tuple[str, ...]:
    """Paths that hold exactly what the COPY added: its destination, and for one plain source
    copied into a folder (``COPY app.py ./``), the copied file or folder itself."""
    dest = _destination(ctx, copy)
    if dest is None:
        return ()
    sources = copy.value[:-1]
    raw = copy.value[-1]
    if len(sources) == 1 and (raw.endswith("/") or raw in (".", "./")) and _is_context_file(ctx, copy, sources[0]):
        return dest, posixpath.join(dest, posixpath.basename(sources[0]))
    return (dest,)


def _is_context_file(ctx: FileContext, copy: Instruction, source: str) -> bool:
    """``source`` is a plain file of the build context (a folder's contents, not the folder, would
    land in the destination)."""
    if copy.flag_values("from") or not ctx.path or any(c in source for c in "*?[$") or source.startswith("/"):
        return False
    root = os.path.dirname(os.path.abspath(ctx.path))
    full = os.path.normpath(os.path.join(root, source))
    return full.startswith(root + os.sep) and os.path.isfile(full)


def context_size(ctx: FileContext, copy: Instruction) -> int:
    """Bytes of the COPY's sources in the build context (the Dockerfile's folder), when they can
    be read there; 0 when not (another stage, a pattern, no file on disk)."""
    if copy.flag_values("from") or not ctx.path or not os.path.isfile(ctx.path):
        return 0
    root = os.path.dirname(os.path.abspath(ctx.path))
    total = files = 0
    for source in copy.value[:-1]:
        if any(c in source for c in "*?[$") or source.startswith("/"):
            return 0
        full = os.path.normpath(os.path.join(root, source))
        if not (full == root or full.startswith(root + os.sep)) or not os.path.exists(full):
            return 0
        if os.path.isfile(full):
            total += os.path.getsize(full)
            continue
        for folder, _, names in os.walk(full):
            for name in names:
                files += 1
                if files > _MAX_FILES:
                    return total
                try:
                    total += os.lstat(os.path.join(folder, name)).st_size
                except OSError:
                    pass
    return total


class OwnershipChangedAfterCopy(Rule, summary="RUN chown/chmod after COPY stores the copied files twice",
                                      fix_applicability=Applicability.UNSAFE):
    """
    ## What it does
    Finds a `COPY` directly followed by a `RUN` that only changes the owner
    (`chown -R user:group`) or mode (`chmod -R 755`) of what was copied, and
    moves the change into the `COPY` (`--chown=`, `--chmod=`), removing the
    `RUN`.

    ## Why is this bad?
    A layer stores every file a step changes, and a change of owner or mode is
    a change: the `RUN` stores a second copy of everything the `COPY` just
    added. The image carries the copied files twice.

    ## Example
    ```dockerfile
    COPY app/ /srv/app/
    RUN chown -R app:app /srv/app
    ```

    ## Use instead
    ```dockerfile
    COPY --chown=app:app app/ /srv/app/
    ```

    ## Fix safety
    Unsafe: `chown -R` also changes what was in the folder before the `COPY`,
    and the folder itself when an earlier step (a `WORKDIR`, an earlier
    `COPY`) created it, which `--chown` leaves alone; and a `RUN chown` run as
    a non-root `USER` fails where `--chown` works. Offered only when the
    `RUN` is exactly `chown -R USER:GROUP PATH`, `chmod -R MODE PATH` (octal)
    or both joined by `&&`, over the `COPY`'s own destination (a relative
    destination is resolved against `WORKDIR`) or, for one file of the
    build context copied into a folder, over the copied file itself; the
    owner names both user and
    group (`--chown=user` sets the group to the user's number, `chown user`
    keeps it); only `LABEL`, `EXPOSE`, `ENV`, `ARG` or comments stand in
    between; the `COPY` has no `--chown`/`--chmod` yet. `--chmod` needs the
    Dockerfile syntax 1.3 or later: a mode is moved only when the file starts
    with `# syntax=docker/dockerfile:1` (or a 1.3+ version). `ADD` is left
    alone (archives and URLs).

    ## Estimated savings
    The size of the copied files, measured in the build context (the
    Dockerfile's folder) when the sources are plain paths there; nothing
    otherwise.
    """

    def check(self, ctx: FileContext) -> Iterable[Diagnostic]:
        chmod_ok: Optional[bool] = None
        for stage in ctx.tree.stages:
            instructions = stage.instructions
            for i, run_instruction in enumerate(instructions):
                run = ctx.run(run_instruction)
                if run is None or not ("chown" in run.shell_text or "chmod" in run.shell_text):
                    continue
                change = _change(run)
                copy = _copy_before(ctx, instructions, i) if change else None
                if copy is None or change[2] not in _copied_paths(ctx, copy):
                    continue
                owner, mode, path = change
                if chmod_ok is None:
                    chmod_ok = _chmod_allowed(ctx)
                yield self._diagnose(ctx, copy, run_instruction, owner, mode, chmod_ok)

    def _diagnose(self, ctx: FileContext, copy: Instruction, run: Instruction, owner, mode, chmod_ok) -> Diagnostic:
        what = " and ".join(x for x in (owner and "owner", mode and "mode") if x)
        message = (f"this RUN changes the {what} of the files the COPY on line {copy.start_line} added, storing "
                   "them a second time; set it in the COPY")
        savings = context_size(ctx, copy)
        if copy.flag_values("chown") or copy.flag_values("chmod"):
            return self.diagnostic(run, message + " (no automatic fix: the COPY already sets an owner or mode)")
        if mode and not chmod_ok:
            return self.diagnostic(run, message + " (no automatic fix: COPY --chmod needs "
                                   "`# syntax=docker/dockerfile:1`)", savings=0)
        flags = "".join(f" --{name}={value}" for name, value in (("chown", owner), ("chmod", mode)) if value)
        at = ctx.offset(copy) + len(copy.indent) + len(copy.keyword)
        if ctx.text[at - len(copy.keyword):at].upper() != "COPY":
            return self.diagnostic(run, message)
        start = ctx.offset(run)
        edits = (Edit.insert(at, flags), Edit.delete(start, start + len(run.code)))
        return self.diagnostic(run, message, fix=Fix(edits, Applicability.UNSAFE, f"add `{flags.strip()}` to the COPY"),
                               savings=savings)


def _copy_before(ctx: FileContext, instructions: Tuple[Instruction, ...], at: int) -> Optional[Instruction]:
    """The COPY the RUN ``instructions[at]`` follows, with only harmless instructions, comments or
    blank lines between."""
    run = instructions[at]
    for k in range(at - 1, -1, -1):
        instruction = instructions[k]
        keyword = instruction.keyword
        if keyword == "COPY":
            return None if _inner_comment(run) else instruction
        if keyword not in _BETWEEN:
            return None
    return None


def _inner_comment(instruction: Instruction) -> bool:
    return any(isinstance(part, ContinuationComment) for part in instruction.parts)
