"""SF002: apt lists left in the layer."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable, List

from ..semantics.context import FileContext
from ..semantics.run import RunView
from ..syntax import Instruction
from .base import Applicability, Diagnostic, Fix, Rule

LISTS = "/var/lib/apt/lists"
CLEANUP = "rm -rf /var/lib/apt/lists/*"
# apt actions that read the package lists
_NEEDS_LISTS = frozenset({"install", "upgrade", "download", "build"})


def updates(run: RunView) -> bool:
    """The RUN downloads the lists: ``apt-get update``, or an implicit update (see
    ``implicit_update``)."""
    if "apt" in run.shell_text and any(view.action == "update_index" for view in run.views("apt")):
        return True
    return implicit_update(run)


def implicit_update(run: RunView) -> bool:
    """A command that runs ``apt-get update`` itself: ``apt-get install --update``,
    ``add-apt-repository`` without ``-n``, or a vendor setup script of ``apt.toml``'s
    ``implicit_update`` table fetched and piped to a shell (``curl ... | bash -``)."""
    text = run.shell_text
    if "apt" in text:
        for view in run.views("apt"):
            if view.has("update_first"):
                return True
        if any(not view.has("no_update") and not view.has("remove") for view in run.views("add-apt-repository")):
            return True
    if "http" not in text:
        return False
    for c, view in run.commands:
        if view is None or view.tool not in ("curl", "wget") or not (c.in_pipeline or c.in_substitution):
            continue
        if any(pattern.match(word.value or "") for word in view.args for pattern in _setup_scripts()):
            return True
    return False


@lru_cache(maxsize=None)
def _setup_scripts() -> tuple:
    import os
    import re

    from ..semantics.datafiles import load_table
    from ..semantics.packages import DATA_DIR

    table = load_table(os.path.join(DATA_DIR, "apt.toml")).get("implicit_update", {})
    return tuple(re.compile(pattern) for pattern in table.get("setup_scripts", ()))


def needs_lists(run: RunView) -> bool:
    return "apt" in run.shell_text and any(view.action in _NEEDS_LISTS for view in run.views("apt"))


def lists_savings(ctx: FileContext, instruction: Instruction) -> int:
    """The size of the lists a RUN of this stage leaves (``semantics/savings.toml``)."""
    from ..semantics.savings import apt_lists_size
    from .package_caches import root_image

    return apt_lists_size(root_image(ctx, instruction))


def only_updates(run: RunView) -> bool:
    """Every command of the RUN is ``apt-get update`` (or ``apt update``): a lone update, which
    SF013 moves or removes; cleaning up inside it would leave a layer that does nothing."""
    commands = run.commands
    return bool(commands) and all(v is not None and v.tool == "apt" and v.action == "update_index"
                                  for _, v in commands)


def mistyped_cleanups(run: RunView) -> List[tuple]:
    """(rm view, word) for each ``rm`` argument that looks meant for the lists but misses them
    (``/var/apt/lists/*``, ``/var/lib/apt/list/*``): a path under ``/var`` with a folder named
    ``list...`` below one naming ``apt``, that neither covers the lists nor lies inside them.
    SF014 replaces them."""
    from fnmatch import fnmatchcase
    from ..shell.rm import normalise_path

    out = []
    if "list" not in run.shell_text:
        return out
    for c, view in run.commands:
        if view is None or view.tool != "rm" or c.in_substitution:
            continue
        for word in view.args:
            value = word.value
            if value is None or "apt" not in value or "list" not in value or not value.startswith("/var/"):
                continue
            pattern = normalise_path(value) or value
            parts = pattern.strip("/").split("/")
            at = next((i for i, part in enumerate(parts) if part.startswith("list")), None)
            if at is None or not any("apt" in part for part in parts[:at]):
                continue  # not a folder named like "lists" below one named like "apt"
            if word.has_glob and (fnmatchcase(LISTS, pattern) or fnmatchcase(LISTS + "/x", pattern)):
                continue
            bare = pattern[:-2] if pattern.endswith("/*") else pattern
            if bare == LISTS or LISTS.startswith(bare + "/") or bare.startswith(LISTS + "/"):
                continue
            out.append((view, word))
    return out


def cleans(run: RunView) -> bool:
    """The lists are on a cache or tmpfs mount, or an ``rm`` after the RUN's last update removes
    them (an ``rm`` before ``apt-get update`` removes nothing the update then downloads)."""
    from ..shell.rm import removes

    if run.mounts_over(LISTS):
        return True
    if "/var/lib/apt" not in run.shell_text:
        return False
    last = max((c.command.start for c, v in run.commands if v is not None and v.tool == "apt"
                and v.action == "update_index"), default=-1)
    return any(removes(v, LISTS + "/*") for c, v in run.commands
               if v is not None and v.tool == "rm" and c.command.start > last)


class AptListsKept(Rule):
    """
    ## What it does
    Finds a `RUN` that downloads apt's package lists (`apt-get update`, or a
    command that runs it: `apt-get install --update`, `add-apt-repository`
    without `-n`, a vendor setup script such as NodeSource's piped to a
    shell, a script of the build context that a `COPY` put in the image and
    the `RUN` runs, when it runs `apt-get update` and never names the lists)
    and leaves them in the image, and appends
    `rm -rf /var/lib/apt/lists/*` to it.

    ## Why is this bad?
    The lists are only needed while packages are installed. Left behind, they
    add tens of megabytes to the layer, and deleting them in a later `RUN`
    does not help: the earlier layer keeps them.

    ## Example
    ```dockerfile
    RUN apt-get update && apt-get install -y curl
    ```

    ## Use instead
    ```dockerfile
    RUN apt-get update && apt-get install -y curl \\
        && rm -rf /var/lib/apt/lists/*
    ```

    ## Fix safety
    Safe. Only stages whose files reach the final image are checked (the last
    stage, stages it is built `FROM`, stages it copies from), as hadolint's
    DL3009 does. Nothing is reported when the lists are already removed in the
    same `RUN` (`rm -rf /var/lib/apt/lists/*`, `rm -r /var/lib/apt/lists`, ...)
    or live on a cache or tmpfs mount. When a later `RUN` of the same stage
    (or of a stage built from it) installs with apt without its own
    `apt-get update`, it still needs the lists: the cleanup goes after that
    `RUN` instead, and the `RUN` with the update keeps a finding without a
    fix: its own layer still carries the lists. A `RUN` that tries to remove
    them by a wrong path with a recursive `rm` (`rm -rf /var/apt/lists/*`)
    gets no fix: SF014 replaces the path rather than adding a second cleanup. A `RUN` that does nothing
    but `apt-get update` and that no later `RUN` reads the lists of gets no
    fix either (the cleanup would leave a layer that does nothing): SF013
    removes it. No fix is offered when the `RUN` cannot be extended safely
    (a heredoc, a trailing `&`, `;` or comment, or shell text slimfix cannot
    read).

    ## Estimated savings
    The size of the lists by the distribution of the stage's root image
    (`slimfix/semantics/savings.toml`): 19.9 MB for Debian and the images
    built on it, measured after `apt-get update` in `debian:bookworm` (main,
    updates and security suites, kept compressed as Debian images do); 45 MB
    for Ubuntu (not measured: uncompressed, with universe); 20 MB otherwise.
    """

    code = "SF002"
    name = "apt-lists-not-removed"
    summary = "apt package lists are left in the image"
    hadolint = ("DL3009",)
    fix_applicability = Applicability.SAFE

    def check(self, ctx: FileContext) -> Iterable[Diagnostic]:
        for stage_index, runs in _lineage_runs(ctx):
            for i, (instruction, run) in enumerate(runs):
                if ctx.stage(instruction).index != stage_index or cleans(run):
                    continue
                if not updates(run) and not _script_updates(ctx, instruction, run):
                    continue
                user, cleaned = _last_user(runs[i + 1:])
                if user is None and only_updates(run):
                    yield self.diagnostic(instruction, "apt lists are left in the layer by a RUN that only updates "
                                          "them; move the update to the RUN that installs or remove it (SF013)")
                elif not cleaned:
                    yield self._diagnose(ctx, instruction, user or (instruction, run))
                else:
                    yield self.diagnostic(
                        instruction,
                        f"apt lists stay in this layer: the RUN on line {user[0].start_line} still needs them and "
                        "removes them, too late to shrink this one; install in the same RUN as the update",
                    )

    def _diagnose(self, ctx: FileContext, instruction: Instruction, target) -> Diagnostic:
        target_instruction, target_run = target
        mistyped = [found for found in mistyped_cleanups(target_run) if found[0].has("recursive")]
        if mistyped:
            return self.diagnostic(instruction, f"apt lists are left in the layer: `rm {mistyped[0][1].text}` misses "
                                   f"them; replace it with `{LISTS}/*` (SF014)")
        edit = target_run.append(CLEANUP)
        message = "apt lists are left in the layer; remove them in the same RUN"
        if target_instruction is not instruction:
            message = (
                f"apt lists are left in the layer; the RUN on line {target_instruction.start_line} "
                "still needs them, remove them there"
            )
        if edit is None:
            return self.diagnostic(instruction, message + " (no automatic fix: the RUN cannot be extended safely)")
        fix = Fix((edit,), Applicability.SAFE, f"append `{CLEANUP}`")
        return self.diagnostic(instruction, message, fix=fix, savings=lists_savings(ctx, instruction))


_UPDATE_IN_SCRIPT = re.compile(r"\bapt(?:-get)?\s+(?:-\S+\s+)*update\b")


def _script_updates(ctx: FileContext, instruction: Instruction, run: RunView) -> bool:
    """The RUN runs a script, copied from the build context, that runs ``apt-get update`` and never
    names the lists (a script that cleans them, or does something slimfix cannot follow, is left
    alone)."""
    from ..semantics.scripts import run_scripts
    from .package_caches import lineage

    if "/" not in run.shell_text and "sh" not in run.shell_text:
        return False
    return any(_UPDATE_IN_SCRIPT.search(text) and LISTS not in text
               for text in run_scripts(ctx, lineage(ctx, instruction), run))


def _last_user(later) -> tuple:
    """(the last later RUN that reads the lists without refreshing them, whether
    it removes them itself); (None, False) when there is none."""
    user, cleaned = None, False
    for instruction, run in later:
        if updates(run):
            break
        if needs_lists(run):
            user, cleaned = (instruction, run), cleans(run)
        if cleans(run):
            break
    return user, cleaned


def _lineage_runs(ctx: FileContext) -> List[tuple]:
    """(stage index, RUNs) for each reaching stage: its shell-form RUNs and
    those of the stages built FROM it, in file order."""
    from ..semantics.stages import parent_stage

    tree = ctx.tree
    out = []
    for stage in tree.stages:
        if stage.index not in ctx.reaching:
            continue
        family = {stage.index}
        for later in tree.stages[stage.index + 1:]:
            parent = parent_stage(tree, later)
            if parent is not None and parent.index in family:
                family.add(later.index)
        runs = []
        for member in tree.stages:
            if member.index in family:
                for instruction in member.instructions:
                    run = ctx.run(instruction)
                    if run is not None:
                        runs.append((instruction, run))
        out.append((stage.index, runs))
    return out
