"""SF002: apt lists left in the layer."""

from __future__ import annotations

from typing import Iterable, List, Optional

from ..semantics.context import FileContext
from ..semantics.run import RunView
from ..semantics.shellfacts import surely_ran_on_success, surely_runs_before
from ..semantics.shellstate import effects_before
from ..shell.rm import removes
from ..syntax import Instruction
from .apt_lists import LISTS, implicit_update, lists_savings, mistyped_cleanups, only_updates, script_updates
from .base import Applicability, Diagnostic, Fix, Rule

CLEANUP = "rm -rf /var/lib/apt/lists/*"
# apt actions that read the package lists
_NEEDS_LISTS = frozenset({"install", "upgrade", "download", "build"})


def updates(run: RunView) -> bool:
    """The RUN downloads the lists: ``apt-get update``, or an implicit update (see
    ``implicit_update``)."""
    if "apt" in run.shell_text and any(view.action == "update_index" for view in run.views("apt")):
        return True
    return implicit_update(run)


def needs_lists(run: RunView) -> bool:
    """An apt command of the RUN reads the lists; a RUN whose shell is not read in full (a heredoc
    body left unread, text slimfix cannot parse) that mentions apt anywhere may."""
    if not run.read_in_full:
        return "apt" in run.instruction.code
    return "apt" in run.shell_text and any(view.action in _NEEDS_LISTS for view in run.views("apt"))


def reads_before_update(run: RunView) -> bool:
    """An apt command of the RUN may read the lists before the RUN has refreshed them: no update
    (``apt-get update``, or an implicit one: ``add-apt-repository`` without ``-n``, a vendor
    setup script fetched and piped to a shell) surely runs before it (``_surely_before``)."""
    if "apt" not in run.shell_text:
        return False
    vendor = "http" in run.shell_text and implicit_update(run)
    updates_seen = []  # (list, index) of each update
    for ctx, view in run.commands:
        if _refreshes(ctx, view, vendor):
            updates_seen.append((ctx.list, ctx.index))
        elif view is not None and view.tool == "apt" and view.action in _NEEDS_LISTS:
            if not any(surely_runs_before(lst, index, ctx.command.start) for lst, index in updates_seen):
                return True
    return False


def surely_refreshes(run: RunView) -> bool:
    """Whenever the RUN succeeds, an update has run in it, so a later RUN reads no lists of an
    earlier one: an update is an item of the script's top-level list that surely ran when the
    list succeeded (``shellfacts.surely_ran_on_success``), and nothing in the script's own shell
    before the update can end it with success (``exec``, functions, ``eval``, an
    ``exit`` that may be 0: only the variable, directory, mask and option changes of the
    allow-list, and ``exit`` with a literal failing status)."""
    script = run.script
    if "apt" not in run.shell_text or script is None or script.has_opaque:
        return False
    lst = script.body
    for ctx, view in run.commands:
        if ctx.list is not lst or lst.items[ctx.index] is not ctx.command or not _refreshes(ctx, view, False):
            continue
        if not all(_continues(effect) for effect in effects_before(script, ctx.index)):
            return False
        if surely_ran_on_success(lst, ctx.index):
            return True
    return False


# State changes that never end the shell: the script goes on to its next command.
_CONTINUING = frozenset({"cwd", "umask", "variable", "option", "positional"})


def _continues(effect) -> bool:
    """The effect cannot end the RUN with success before its update: a state change that goes
    on, or an ``exit`` with a literal non-zero status (the RUN fails)."""
    return effect.kind in _CONTINUING or (effect.kind == "exit" and effect.detail not in ("", "0")
                                          and int(effect.detail) % 256 != 0)


def _refreshes(ctx, view, vendor: bool) -> bool:
    if vendor and "http" in ctx.command.code:
        return True
    if view is None:
        return False
    if view.tool == "add-apt-repository":
        return not view.has("no_update") and not view.has("remove")
    return view.tool == "apt" and (view.action == "update_index" or view.has("update_first"))


def cleans(run: RunView) -> bool:
    """The lists are on a cache or tmpfs mount, or an ``rm`` after the RUN's last update removes
    them (an ``rm`` before ``apt-get update`` removes nothing the update then downloads)."""
    if run.mounts_over(LISTS):
        return True
    if "/var/lib/apt" not in run.shell_text:
        return False
    last = max((c.command.start for c, v in run.commands if v is not None and v.tool == "apt"
                and v.action == "update_index"), default=-1)
    return any(removes(v, LISTS + "/*") for c, v in run.commands
               if v is not None and v.tool == "rm" and c.command.start > last)


class AptListsNotRemoved(Rule, summary="apt package lists are left in the image",
                               hadolint=("DL3009",), fix_applicability=Applicability.SAFE):
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
    same `RUN` (`rm -rf /var/lib/apt/lists/*`, `rm -r /var/lib/apt/lists`,
    ...) or live on a cache or tmpfs mount. When a later `RUN` of the same
    stage (or of a stage built from it) installs with apt without its own
    `apt-get update`, it still needs the lists: the cleanup goes after that
    `RUN` instead, and the `RUN` with the update keeps a finding without a
    fix: its own layer still carries the lists. A `RUN` that tries to remove
    them by a wrong path with a recursive `rm` (`rm -rf /var/apt/lists/*`)
    gets no fix: SF014 replaces the path rather than adding a second cleanup.
    A `RUN` that does nothing but `apt-get update` and that no later `RUN`
    reads the lists of gets no fix either (the cleanup would leave a layer
    that does nothing): SF013 removes it. No fix is offered when the `RUN`
    cannot be extended safely: a trailing `&` or `;` (a comment after the
    last command stays last, after the cleanup),
    shell text slimfix cannot read, a final `exit`, or a command before the
    end that could change what the appended `rm` does. That is checked
    against an allow-list (`shell_state.toml`): only a directory change,
    `umask`, ordinary variables, the positional parameters and the options
    `-e`, `-u`, `-x` and `pipefail` may come before it (an `exit` on the way
    ends the `RUN` before the cleanup, as it did); a function, an alias,
    `PATH`, `set -f` and anything unknown may not.

    `RUN <<EOF` scripts (a `RUN` whose command is one heredoc, with no `#!`
    line or a POSIX shell's) and `ONBUILD RUN` are checked and fixed like any
    `RUN`: the `rm` joins the script's last command with `&&` on its
    line, so the script's status stays that command's; a script ending in a
    comment line or an `exit` gets no fix; a body with CR line endings is not
    read. An `ONBUILD RUN`
    runs after the whole stage, in images built from it: one that installs
    from the lists without refreshing them leaves the `RUN` that updates them
    a finding without a fix.

    ## Estimated savings
    The size of the lists, measured after `apt-get update` of the suite set of
    the release the stage's root image names in its tag (release, updates and
    security; Ubuntu's with backports and all four components; kept compressed
    as the official images keep them; `measured_sizes.toml`, by
    `scripts/measure-sizes.sh`): 21.7 MB for Debian 13, 19.9 MB for Debian 12,
    18.5 MB for Debian 11, 56.2 MB for Ubuntu 24.04, 82.8 MB for Ubuntu 22.04.
    A tag that names no release counts its distribution's current one (Debian
    13, Ubuntu 24.04), as do the images built on Debian and those of unknown
    distribution.
    """

    def check(self, ctx: FileContext) -> Iterable[Diagnostic]:
        for stage_index, runs in _lineage_runs(ctx):
            for i, (instruction, run) in enumerate(runs):
                if ctx.stage(instruction).index != stage_index or cleans(run):
                    continue
                if not updates(run) and not script_updates(ctx, instruction, run):
                    continue
                user, cleaned = _last_user(runs[i + 1:])
                trigger = None if run.onbuild else _trigger_user(runs)
                if trigger is not None:
                    yield self.diagnostic(instruction, "apt lists are left in the layer; the ONBUILD RUN on line "
                                          f"{trigger.start_line} installs from them in images built from this one")
                elif user is None and only_updates(run):
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
            return self.diagnostic(instruction, f"{message} (no automatic fix: {target_run.cannot_append()})")
        fix = Fix((edit,), Applicability.SAFE, f"append `{CLEANUP}`")
        return self.diagnostic(instruction, message, fix=fix, savings=lists_savings(ctx, instruction))


def _last_user(later) -> tuple:
    """(the last later RUN that reads the lists without refreshing them, whether
    it removes them itself); (None, False) when there is none."""
    user, cleaned = None, False
    for instruction, run in later:
        if run.onbuild:
            continue  # runs after the whole stage, in images built from it (``_trigger_user``)
        if surely_refreshes(run) and not reads_before_update(run):
            break
        if needs_lists(run):
            user, cleaned = (instruction, run), cleans(run)
        if cleans(run):
            break
    return user, cleaned


def _trigger_user(runs) -> Optional[Instruction]:
    """An ONBUILD RUN that reads the lists before refreshing them: the image must keep them."""
    for instruction, run in runs:
        if run.onbuild and needs_lists(run) and (not updates(run) or reads_before_update(run)):
            return instruction
    return None


def _lineage_runs(ctx: FileContext) -> List[tuple]:
    """(stage index, RUNs) for each reaching stage: its shell-form RUNs and
    those of the stages built FROM it, in file order."""
    out = []
    for stage in ctx.tree.stages:
        if stage.index not in ctx.reaching:
            continue
        runs = []
        for member in ctx.family(stage):
            for instruction in member.instructions:
                run = ctx.run(instruction)
                if run is not None:
                    runs.append((instruction, run))
        out.append((stage.index, runs))
    return out
