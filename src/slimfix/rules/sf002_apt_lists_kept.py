"""SF002: apt lists left in the layer."""

from __future__ import annotations

from typing import Iterable, List

from ..semantics.context import FileContext
from ..semantics.run import RunView
from ..syntax import Instruction
from .base import Applicability, Diagnostic, Fix, Rule

LISTS = "/var/lib/apt/lists"
CLEANUP = "rm -rf /var/lib/apt/lists/*"
SAVINGS = 45_000_000
# apt actions that read the package lists
_NEEDS_LISTS = frozenset({"install", "upgrade", "download", "build"})


def updates(run: RunView) -> bool:
    return "apt" in run.shell_text and any(view.action == "update_index" for view in run.views("apt"))


def needs_lists(run: RunView) -> bool:
    return "apt" in run.shell_text and any(view.action in _NEEDS_LISTS for view in run.views("apt"))


def cleans(run: RunView) -> bool:
    return run.mounts_over(LISTS) or ("/var/lib/apt" in run.shell_text and run.removes(LISTS + "/*"))


class AptListsKept(Rule):
    """
    ## What it does
    Finds a `RUN` that downloads apt's package lists (`apt-get update`) and
    leaves them in the image, and appends `rm -rf /var/lib/apt/lists/*` to
    it.

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
    fix: its own layer still carries the lists. No fix is offered when the
    `RUN` cannot be extended safely: a heredoc, a trailing `&`, `;` or
    comment, shell text slimfix cannot read, or a command before the end that
    could change what the appended `rm` does. That is checked against an
    allow-list (`shell_state.toml`): only a directory change, `umask`,
    ordinary variables and the options `-e`, `-u`, `-x` and `pipefail` may
    come before it; a function, an alias, `PATH`, `set -f`, `exit` and
    anything unknown may not.

    ## Estimated savings
    45 MB per `RUN` (the uncompressed package lists of a Debian or Ubuntu
    release with its security and update suites).
    """

    code = "SF002"
    name = "apt-lists-not-removed"
    summary = "apt package lists are left in the image"
    hadolint = ("DL3009",)
    fix_applicability = Applicability.SAFE

    def check(self, ctx: FileContext) -> Iterable[Diagnostic]:
        for stage_index, runs in _lineage_runs(ctx):
            for i, (instruction, run) in enumerate(runs):
                if ctx.stage(instruction).index != stage_index or not updates(run) or cleans(run):
                    continue
                user, cleaned = _last_user(runs[i + 1:])
                if not cleaned:
                    yield self._diagnose(instruction, user or (instruction, run))
                else:
                    yield self.diagnostic(
                        instruction,
                        f"apt lists stay in this layer: the RUN on line {user[0].start_line} still needs them and "
                        "removes them, too late to shrink this one; install in the same RUN as the update",
                    )

    def _diagnose(self, instruction: Instruction, target) -> Diagnostic:
        target_instruction, target_run = target
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
        return self.diagnostic(instruction, message, fix=fix, savings=SAVINGS)


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
