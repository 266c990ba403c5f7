"""SF013: `RUN apt-get update` in a layer of its own."""

from __future__ import annotations

from typing import Iterable, List, Optional, Tuple

from ..semantics.context import FileContext
from ..semantics.run import RunView
from ..semantics.shellfacts import ends_cleanly, is_and_chain
from ..semantics.stages import parent_stage
from ..syntax import BlankLine, Comment, ContinuationComment, Instruction
from .base import Applicability, Diagnostic, Edit, Fix, Rule
from .apt_lists import lists_savings, only_updates
from .sf002_apt_lists_not_removed import needs_lists, updates

_READS = frozenset({"install", "upgrade", "download", "build"})  # apt actions that read the lists
# Instructions that cannot change what `apt-get update` does or whether it can run, so an
# update may move past them. ENV, ARG (proxies, APT_CONFIG), USER, SHELL and any RUN may.
_NEUTRAL = frozenset({"COPY", "ADD", "LABEL", "EXPOSE", "WORKDIR", "HEALTHCHECK", "CMD", "ENTRYPOINT", "VOLUME",
                      "STOPSIGNAL", "MAINTAINER"})


class AptUpdateAlone(Rule, summary="apt-get update runs in a layer of its own", fix_applicability=Applicability.UNSAFE):
    """
    ## What it does
    Finds a `RUN` that does nothing but `apt-get update`. When a later `RUN`
    of the same stage installs from the lists, it moves the update into that
    `RUN`; when nothing does, it removes the `RUN`.

    ## Why is this bad?
    The package lists the update downloads stay in its own layer for good:
    removing them in the `RUN` that installs does not shrink the earlier
    layer, and appending the removal to the update itself leaves a layer
    that does nothing. The layer is also cached on its own, so a later
    install can run against stale lists. When nothing installs afterwards,
    the update is pure waste.

    ## Example
    ```dockerfile
    RUN apt-get update
    COPY packages.txt /tmp/
    RUN xargs apt-get install -y < /tmp/packages.txt
    ```

    ## Use instead
    ```dockerfile
    COPY packages.txt /tmp/
    RUN apt-get update && xargs apt-get install -y < /tmp/packages.txt
    ```

    ## Fix safety
    Unsafe. Moving the update past other instructions changes when the lists
    are fetched, and removing it breaks a later step that installs through a
    script slimfix cannot see. A `RUN` directly followed by the `RUN` that
    installs is left to SF001, which joins the two. The move is offered only
    when the instructions in between are `COPY`, `ADD` (not into `/etc/apt`,
    whose sources the update reads), `LABEL`, `EXPOSE`, `WORKDIR`, `CMD`,
    `ENTRYPOINT`, `HEALTHCHECK`, `VOLUME` or `STOPSIGNAL`; the update `RUN`
    has no flags and no comment inside; the installing `RUN` is a shell-form
    `&&` chain without heredoc whose flags are `--mount`s only. The removal
    is offered only when no later `RUN` of the stage, or of a stage built
    from it, reads the lists, and none runs a script slimfix cannot see into
    (`./install.sh`, `bash setup.sh`, a program given by its path, `make`),
    which could install with apt.

    ## Estimated savings
    The size of the package lists when the update is moved or removed (see
    SF002); nothing for a move the lists' cleanup does not follow.
    """

    def check(self, ctx: FileContext) -> Iterable[Diagnostic]:
        for stage in ctx.tree.stages:
            instructions = stage.instructions
            for i, instruction in enumerate(instructions):
                run = ctx.run(instruction)
                if run is None or run.has_heredoc or run.onbuild or "apt" not in run.shell_text or not only_updates(run):
                    continue
                diagnostic = self._diagnose(ctx, instruction, run, instructions[i + 1:])
                if diagnostic is not None:
                    yield diagnostic

    def _diagnose(self, ctx: FileContext, instruction: Instruction, run: RunView,
                  later: Tuple[Instruction, ...]) -> Optional[Diagnostic]:
        user, between = _user(ctx, later)
        if user is not None and not between and _adjacent(ctx, instruction, user):
            return None  # SF001 joins the two
        if user is None:
            if _used_by_child_stage(ctx, instruction):
                return None
            script = _later_script(ctx, later)
            if script is not None:
                return self.diagnostic(instruction, "apt-get update runs alone and no later RUN installs from the "
                                       f"lists (no automatic fix: line {script.start_line} runs a script that may)")
            message = "apt-get update runs alone and no later RUN installs from the lists; remove it"
            fix = None if _has_inner_comment(instruction) else Fix(
                (_delete(ctx, instruction),), Applicability.UNSAFE, "remove the RUN")
            return self.diagnostic(instruction, message, fix=fix, savings=lists_savings(ctx, instruction) if fix else 0)
        message = (f"apt-get update runs alone; the RUN on line {user.start_line} installs from the lists, "
                   "update there")
        reason = _move_blocker(ctx, instruction, run, user, between)
        if reason is not None:
            return self.diagnostic(instruction, f"{message} (no automatic fix: {reason})")
        target = ctx.run(user)
        edits = (_delete(ctx, instruction), Edit.insert(target.file_offset(0), run.shell_text.strip() + " && "))
        return self.diagnostic(instruction, message, fix=Fix(edits, Applicability.UNSAFE, "move the update"),
                               savings=lists_savings(ctx, instruction))


def _user(ctx: FileContext, later: Tuple[Instruction, ...]) -> Tuple[Optional[Instruction], List[Instruction]]:
    """The first later RUN of the stage that installs from the lists without refreshing them,
    and the instructions before it; (None, []) when a RUN refreshes them first or none reads them."""
    between: List[Instruction] = []
    for instruction in later:
        run = ctx.run(instruction)
        if instruction.effective_keyword == "RUN" and instruction.keyword == "RUN":
            if run is None:
                return None, []
            if _reads_before_update(run):
                return instruction, between
            if updates(run):
                return None, []
        between.append(instruction)
    return None, []


def _reads_before_update(run: RunView) -> bool:
    """An apt command of the RUN reads the lists before any update of its own refreshes them."""
    if not needs_lists(run):
        return False
    for _, view in run.commands:
        if view is not None and view.tool == "apt":
            if view.action == "update_index":
                return False
            if view.action in _READS:
                return True
    return False


_SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh", "ksh", "busybox", "source", "."})


def _later_script(ctx: FileContext, later: Tuple[Instruction, ...]) -> Optional[Instruction]:
    """The first later RUN of the stage, before a RUN that refreshes the lists, that runs a script
    slimfix cannot see into (``./install.sh``, ``bash /tmp/setup.sh``, ``make``), which may install
    with apt."""
    for instruction in later:
        if instruction.effective_keyword != "RUN":
            continue
        run = ctx.run(instruction)
        if run is None or run.script.has_opaque:
            return instruction
        if updates(run):
            return None
        for c, _ in run.commands:
            name = c.command.name
            if name is None or "/" in name or name.endswith(".sh") or name == "make" or (
                    name.rsplit("/", 1)[-1] in _SHELLS and len(c.command.words) > 1):
                return instruction
    return None


def _adjacent(ctx: FileContext, first: Instruction, second: Instruction) -> bool:
    """Only comments and blank lines between the two."""
    body = ctx.tree.body
    start = body.index(first)
    return all(isinstance(line, (Comment, BlankLine)) for line in body[start + 1:body.index(second)])


def _used_by_child_stage(ctx: FileContext, instruction: Instruction) -> bool:
    """A stage built FROM this one has a RUN that may read the lists (or runs something unknown)."""
    stage = ctx.stage(instruction)
    family = {stage.index}
    for later in ctx.tree.stages[stage.index + 1:]:
        parent = parent_stage(ctx.tree, later)
        if parent is None or parent.index not in family:
            continue
        family.add(later.index)
        for child in later.instructions:
            run = ctx.run(child)
            if child.effective_keyword == "RUN" and (run is None or needs_lists(run)):
                return True
    return False


def _has_inner_comment(instruction: Instruction) -> bool:
    return any(isinstance(part, ContinuationComment) for part in instruction.parts)


def _move_blocker(ctx: FileContext, instruction: Instruction, run: RunView, user: Instruction,
                  between: List[Instruction]) -> Optional[str]:
    target = ctx.run(user)
    if instruction.flags:
        return "the update RUN has flags"
    if _has_inner_comment(instruction) or not ends_cleanly(run.script, run.shell_text) or not is_and_chain(run.script):
        return "the update RUN is not a plain command"
    if target is None or target.has_heredoc or target.script.has_opaque or not is_and_chain(target.script):
        return f"the RUN on line {user.start_line} is not a single && chain"
    if any(not flag.startswith("--mount") for flag in user.flags):
        return f"the RUN on line {user.start_line} has flags other than --mount"
    for other in between:
        keyword = other.effective_keyword
        if keyword not in _NEUTRAL or other.keyword == "ONBUILD":
            return f"`{keyword}` on line {other.start_line} comes in between"
        if keyword in ("COPY", "ADD") and _writes_apt_config(other):
            return f"line {other.start_line} may change apt's sources"
    return None


def _writes_apt_config(instruction: Instruction) -> bool:
    """A COPY or ADD whose destination may hold /etc/apt."""
    values = instruction.value
    if not values:
        return True
    destination = values[-1].rstrip("/") or "/"
    if "$" in destination:
        return True
    return destination in ("/", "/etc", "/etc/apt") or destination.startswith("/etc/apt/")


def _delete(ctx: FileContext, instruction: Instruction) -> Edit:
    start = ctx.offset(instruction)
    return Edit.delete(start, start + len(instruction.code))
