"""SF004: apk keeps its package index in the layer."""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Callable, Dict, Iterable, List, Optional, Tuple

from ..semantics.context import FileContext
from ..semantics.images import ImageRef
from ..semantics.run import RunView
from ..semantics.savings import typical
from ..semantics.shellfacts import reads_status, surely_runs_before
from ..shell.commands import CommandView
from ..shell.edit import remove_command
from ..shell.walk import CommandContext
from .base import Applicability, Diagnostic, Edit, Fix, Rule
from .package_caches import cache_mounted, commands, insertions, plural, removes_any

OPTION = "--no-cache"
CACHE = "/var/cache/apk"
_FETCHING = frozenset({"install", "upgrade"})  # actions that read (and refresh) the index
_WITHOUT_INDEX = frozenset({"install", "upgrade", "remove"})
_COMMENT_LINE = re.compile(r"\n[ \t]*#")  # a comment line inside the instruction
# apk learned --no-cache in Alpine 3.3
_TOO_OLD = re.compile(r"^(2\.|3\.[0-2](\.|$|-))")


def _needs_option(view: CommandView) -> bool:
    return (view.action in _FETCHING and not view.has("no_cache") and not view.has("cache_dir")
            and not view.has("simulate") and view.option("--no-network") is None and not view.unknown_options)


def _fine_without_index(view: CommandView) -> bool:
    """An apk command that does not need an index ``apk update`` stored: it gets or has
    ``--no-cache``, or it only removes packages."""
    if view.action not in _WITHOUT_INDEX or view.unknown_options or view.has("cache_dir"):
        return False
    return view.action == "remove" or view.has("no_cache") or _needs_option(view)


def _plain_update(view: CommandView) -> bool:
    return (view.subcommand == "update" and not view.has("no_cache") and not view.has("cache_dir")
            and all(o.known and o.value_word is None for o in view.options))


class ApkCacheKept(Rule, summary="apk keeps its package index in the layer",
                         hadolint=("DL3019",), fix_applicability=Applicability.SAFE):
    """
    ## What it does
    Finds `apk add` and `apk upgrade` commands without `--no-cache`, and adds
    it after the subcommand. An `apk update` whose index only serves commands
    of the same `RUN` that now use `--no-cache` is removed with its `&&`:
    `apk update && apk add curl` becomes `apk add --no-cache curl`.

    ## Why is this bad?
    Without `--no-cache`, apk stores the repository index (`APKINDEX`) in
    `/var/cache/apk`, where it stays in the layer. With `--no-cache` apk
    fetches a fresh index into memory for each command, so there is nothing
    to clean up and no stale index for later layers.

    ## Example
    ```dockerfile
    RUN apk update && apk add curl
    ```

    ## Use instead
    ```dockerfile
    RUN apk add --no-cache curl
    ```

    ## Fix safety
    Safe: `--no-cache` changes where apk keeps the index, not what it
    installs. An `apk update` is only removed when every later apk command in
    the `RUN` is an `add`, `upgrade` or `del` that has or gets `--no-cache`;
    a later `RUN` that runs apk without `--no-cache` fetches the index itself
    when it is missing. Nothing is reported when a cache or tmpfs mount covers
    `/var/cache/apk` or `/etc/apk/cache`, for commands with `--cache-dir`,
    `--no-network` (nothing is fetched), `--simulate`, or an option slimfix
    does not know, or inside `$(...)`. No
    fix is offered for Alpine before 3.3 (no `--no-cache` yet), when part of
    the `RUN` cannot be read, or for a `RUN` that is nothing but
    `apk update` (delete it by hand). The update stays when the `RUN` reads
    what the commands before leave in its shell (`$_`, `type`, `hash`).

    `RUN <<EOF` scripts (a `RUN` whose command is one heredoc, with no `#!`
    line or a POSIX shell's) and `ONBUILD RUN` are checked and fixed like any
    `RUN`: the option is a word inserted in the script's line.

    ## Estimated savings
    3 MB per `RUN`: the `main` and `community` indexes of one Alpine release;
    nothing when the same `RUN` already deletes `/var/cache/apk/*`.
    """

    def check(self, ctx: FileContext) -> Iterable[Diagnostic]:
        for run in ctx.runs():
            instruction = run.instruction
            if cache_mounted(run, (CACHE, "/etc/apk/cache")):
                continue
            apk = commands(run, ("apk",))
            targets = [v for _, v in apk if _needs_option(v)]
            update = _removable_update(ctx, run, apk)
            if not targets and update is None:
                continue
            yield self._diagnose(ctx, instruction, run, targets, update)

    def _diagnose(self, ctx: FileContext, instruction, run: RunView, targets: List[CommandView],
                  update: Optional[CommandContext]) -> Diagnostic:
        what = []
        if targets:
            what.append(f"{plural(len(targets), 'command')} without `{OPTION}`")
        if update is not None:
            what.append("`apk update` stores an index")
        message = "apk keeps its index in /var/cache/apk (" + "; ".join(what) + ")"
        edits = insertions(run, targets, OPTION)
        reason = _too_old(ctx, instruction) or ("part of the RUN cannot be read" if edits is None else None)
        if reason is None and targets:
            reason = _index_reader(ctx, run, targets) or _cache_observer(
                ctx, run, min(v.command.start for v in targets))
        done = [f"add `{OPTION}`"] if targets else []
        if reason is None and update is not None:
            removal, unremovable = _removal(ctx.text, run, update)
            if removal is not None:
                edits += (removal,)
                done.append("remove `apk update`")
            elif not targets:
                reason = unremovable
        if reason is not None or not edits:
            return self.diagnostic(instruction, f"{message} (no automatic fix: {reason})")
        start = min(c.command.start for c, _ in commands(run, ("apk",)))
        savings = 0 if removes_any(run, start, (CACHE + "/*",)) else typical("apk_indexes")
        return self.diagnostic(instruction, message, fix=Fix(edits, Applicability.SAFE, " and ".join(done)),
                               savings=savings)


def _removable_update(ctx: FileContext, run: RunView, apk) -> Optional[CommandContext]:
    """The first ``apk update`` whose index only serves commands that no longer need it."""
    for c, v in apk:
        if _plain_update(v) and _first_later(ctx, run, c.command.start, "needs-index", _needs_index) is None:
            return c
    return None


def _needs_index(view: CommandView) -> bool:
    return not _fine_without_index(view)


def _reads_index(view: CommandView) -> bool:
    return view.action not in _WITHOUT_INDEX


def _first_later(ctx: FileContext, run: RunView, position: int, key: str,
                 test: Callable[[CommandView], bool]) -> Optional[str]:
    """The first apk command passing ``test`` that may read an index stored at ``position`` of
    ``run``: in the rest of ``run``, then in each later RUN that sees its files (later in its stage
    or in a stage built FROM it), unless an ``apk update`` of its own RUN surely runs before it."""
    found = _first_unrefreshed(run, position, test)
    if found is not None:
        return found
    return _first_seeing(ctx, run, "apk-firsts:" + key, lambda other: _first_unrefreshed(other, -1, test))


def _first_seeing(ctx: FileContext, run: RunView, key: str, answer: Callable[[RunView], object]):
    """The first non-empty ``answer`` of an apk RUN that sees ``run``'s files (later in its stage or
    in a stage built FROM it); each stage's answers are found once per file and ``key``."""
    stage = ctx.stage(run.instruction)
    if stage is None:
        return None
    at = ctx.offset(run.instruction)
    for member in ctx.family(stage):
        offsets, answers = _stage_answers(ctx, member, key, answer)
        k = bisect_right(offsets, at) if member is stage else 0
        if k < len(answers):
            return answers[k]
    return None


def _stage_answers(ctx: FileContext, stage, key: str, answer) -> Tuple[List[int], list]:
    """The offsets of the stage's apk RUNs with a non-empty ``answer``, and those answers, in file order."""
    memo = ctx.memo.setdefault(key, {})
    if stage.index not in memo:
        found = [(ctx.offset(other.instruction), answer(other)) for other in _apk_runs(ctx).get(stage.index, ())]
        memo[stage.index] = ([at for at, got in found if got is not None], [got for _, got in found if got is not None])
    return memo[stage.index]


def _first_unrefreshed(run: RunView, position: int, test) -> Optional[str]:
    """The first apk command of ``run`` after ``position`` passing ``test`` that no ``apk update``
    of the RUN surely runs before (one after ``||`` may not run: the old index is read), quoted;
    a RUN not read in full that mentions apk may hold one. The answer quotes it with its verb."""
    if run.may_hide("apk"):
        return _unread(run)
    updates = []
    for c, v in commands(run, ("apk",)):
        if c.command.start <= position:
            continue
        if _plain_update(v):
            updates.append((c.list, c.index))
        elif test(v) and not any(surely_runs_before(lst, i, c.command.start) for lst, i in updates):
            return f"`{v.command.code}` reads"
    return None


def _unread(run: RunView) -> str:
    return f"`{run.instruction.code.splitlines()[0].strip()}`, not read in full, mentions apk and may read"


def _cache_observer(ctx: FileContext, run: RunView, start: int) -> Optional[str]:
    """Why ``--no-cache`` would change what a later command shows: after the install, in this
    RUN or a later one that sees its files, a command names the cache folder other than to
    remove it (``ls /var/cache/apk``), or an ``rm`` of it runs in a shell that reads what
    the last command expanded to (``echo "$_"``)."""
    return _observes_cache(run, start) or _first_seeing(
        ctx, run, "apk-cache-observers", lambda other: _observes_cache(other, 0))


def _observes_cache(run: RunView, start: int) -> Optional[str]:
    if run.may_hide("apk"):
        return f"{_unread(run)} or show the cache folder"
    if CACHE not in run.shell_text:
        return None
    for c, _ in run.commands:
        command = c.command
        if command.start < start or CACHE not in command.code:
            continue
        if (command.words[0].value if command.words else None) != "rm":
            return f"`{command.code}` may show the cache folder"
        if run.state.history is not None:
            return f"`{command.code}` runs in a shell that reads its history ({run.state.history})"
    return None


def _apk_runs(ctx: FileContext) -> Dict[int, List[RunView]]:
    """The file's RUNs that mention apk (in what they run, or anywhere when not read in full) by
    stage index, found once per file."""
    found = ctx.memo.get("apk-runs")
    if found is None:
        found = ctx.memo["apk-runs"] = {}
        for run in ctx.runs():
            stage = ctx.stage(run.instruction)
            if stage is not None and ("apk" in run.shell_text or run.may_hide("apk")):
                found.setdefault(stage.index, []).append(run)
    return found


def _index_reader(ctx: FileContext, run: RunView, targets: List[CommandView]) -> Optional[str]:
    """Why ``--no-cache`` would starve a later apk command that reads the stored index (``apk
    search``, ``apk list``, ``apk policy``...), in this RUN or in a later one that sees its
    files, with no ``apk update`` of its own before it."""
    start = min(v.command.start for v in targets)
    if any(_plain_update(v) and surely_runs_before(c.list, c.index, start)
           for c, v in commands(run, ("apk",)) if c.command.start < start):
        return None  # an update that surely runs before the install stores the index; --no-cache keeps it
    reader = _first_later(ctx, run, start, "reads-index", _reads_index)
    return f"{reader} the index that `apk add` stores" if reader is not None else None


def _too_old(ctx: FileContext, instruction) -> Optional[str]:
    image = ImageRef.parse(ctx.root_image(ctx.stage(instruction)))
    if image.name == "alpine" and _TOO_OLD.match(image.tag):
        return "apk of Alpine before 3.3 has no --no-cache"
    return None


def _removal(text: str, run: RunView, update: CommandContext) -> Tuple[Optional[Edit], Optional[str]]:
    """The file edit deleting ``apk update`` with one of its joiners, or why there is none.

    Only an update that the RUN's outcome cannot depend on goes: a plain command (no redirection,
    no assignment) of the RUN's top-level list, not its last, joined by ``&&``, ``;`` or a
    newline on both sides (no ``||``), and not ending an ``&&`` chain, so that what runs after
    it, and the RUN's status, are as they were (bar a failing download, which ``apk add
    --no-cache`` meets as well)."""
    if update.pipeline is not None:
        return None, "`apk update` is part of a pipeline"
    lst, index = update.list, update.index
    if lst is run.script.body and len(lst.items) == 1:
        return None, "the RUN only runs `apk update`; delete it"
    command = update.command
    before, after_ = update.joiner_before, update.joiner_after
    joiners = ("&&", ";", "\n")
    if (lst is not run.script.body or command.redirects or command.assignments or after_ is None
            or after_.op not in joiners or (before is not None and before.op not in joiners)):
        return None, "what the RUN does next, or its status, depends on `apk update`"
    if run.state.history is not None:  # `$_`, `type`, `hash`...: the update is part of what they read
        return None, run.state.history
    if before is not None and before.op == "&&" and after_.op != "&&":
        # `a && apk update; b` -> `a; b`: `a` would end its chain, and `set -e` (from SHELL, too)
        # stops the RUN where `a` fails at the end of a chain but not inside one
        return None, "the command before `apk update` would end its `&&` chain, where `set -e` treats its failure otherwise"
    if before is not None and before.op != "&&" and reads_status(
            run.shell_text, ([w.value for w in c.command.words] for c, _ in run.commands)):
        # `a; apk update && exit` -> `a; exit`: `$?` would be `a`'s status instead of 0
        return None, "a command reads the exit status, which `apk update` sets to 0 where the command before it may have failed"
    candidates = [run.file_edit(remove_command(run.script, update.command))]
    ops = lst.operators
    if 0 < index < len(ops) and ops[index - 1].op == ops[index].op:  # either joiner can go
        candidates.append(run.file_edit(Edit(lst.items[index].start, lst.items[index + 1].start, "")))
    for edit in candidates:
        if not _COMMENT_LINE.search(text, edit.start, edit.end):
            return edit, None
    return None, "a comment line sits next to `apk update`"
