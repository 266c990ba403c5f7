"""What the package-cache rules (SF003, SF004, SF007-SF010) share: the commands of a RUN they may
edit, the environment and earlier RUNs a RUN sees, cache mounts, and option insertions."""

from __future__ import annotations

import posixpath
import re
from bisect import bisect_left
from typing import Callable, Dict, Iterable, List, Optional, Pattern, Sequence, Tuple

from ..semantics.context import FileContext
from ..semantics.images import ImageRef
from ..semantics.run import RunView
from ..shell.commands import CommandView
from ..shell.edit import insert_option
from ..shell.rm import removes
from ..shell.walk import CommandContext
from ..syntax import Instruction
from .base import Applicability, Edit, Fix

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def commands(run: RunView, tools: Iterable[str]) -> List[Tuple[CommandContext, CommandView]]:
    """Commands of ``tools`` in ``run`` that a rule may reason about and edit: not inside a
    command substitution (their output is used, or they run in a context slimfix cannot see)."""
    wanted = frozenset(tools)
    if not any(tool in run.shell_text for tool in wanted):  # every program name contains its tool's
        return []
    return [(c, v) for c, v in run.commands if v is not None and v.tool in wanted and not c.in_substitution]


def after(run: RunView, position: int) -> List[Tuple[CommandContext, CommandView]]:
    """Known commands of ``run`` that start after ``position`` in its shell text."""
    return [(c, v) for c, v in run.commands if v is not None and c.command.start > position]


def _position(ctx: FileContext, instruction: Instruction) -> int:
    """Index of ``instruction`` in its stage's instructions, 0 for its FROM (one pass over the
    file, kept)."""
    memo = ctx.memo.get("positions")
    if memo is None:
        memo = ctx.memo["positions"] = {}
        for stage in ctx.tree.stages:
            memo[id(stage.from_instruction)] = 0
            memo.update((id(i), k) for k, i in enumerate(stage.instructions))
    return memo[id(instruction)]


def lineage_any(ctx: FileContext, instruction: Instruction, key: str, test: Callable[[Instruction], bool]) -> bool:
    """``any(test(i) for i in ctx.lineage(instruction))``, testing each instruction once per
    ``key`` and file, so asking for every instruction stays linear in the file's size."""
    stage = ctx.stage(instruction)
    if stage is None:
        return False
    first, inherited = _stage_facts(ctx, stage, key, test)
    return inherited or first < _position(ctx, instruction)


def _stage_facts(ctx: FileContext, stage, key: str, test) -> Tuple[int, bool]:
    """(index of the stage's first instruction that passes ``test``, or its length;
    whether an instruction of a stage it is built FROM passes)."""
    memo = ctx.memo.setdefault("lineage:" + key, {})
    if stage.index not in memo:
        memo[stage.index] = (len(stage.instructions), False)  # a cycle of FROMs ends here
        parent = ctx.parent(stage)
        inherited = False
        if parent is not None:
            first, above = _stage_facts(ctx, parent, key, test)
            inherited = above or first < len(parent.instructions)
        first = next((k for k, i in enumerate(stage.instructions) if test(i)), len(stage.instructions))
        memo[stage.index] = (first, inherited)
    return memo[stage.index]


def lineage_mentions(ctx: FileContext, instruction: Instruction, needle: str) -> bool:
    """``any(needle in i.code for i in ctx.lineage(instruction))``, searching each stage's
    instructions joined once per file (a search in C, not a walk in Python)."""
    stage = ctx.stage(instruction)
    if stage is None:
        return False
    text, starts = _stage_code(ctx, stage)
    position = _position(ctx, instruction)
    if position and text.find(needle, 0, starts[position] - 1) >= 0:
        return True
    return any(needle in _stage_code(ctx, ancestor)[0] for ancestor in ctx.ancestry(stage)[1:])


def _stage_code(ctx: FileContext, stage) -> Tuple[str, List[int]]:
    """The stage's instructions' code joined by NULs, and where each starts in it."""
    memo = ctx.memo.setdefault("stage-code", {})
    if stage.index not in memo:
        starts, at = [], 0
        for earlier in stage.instructions:
            starts.append(at)
            at += len(earlier.code) + 1
        memo[stage.index] = ("\0".join(i.code for i in stage.instructions), starts)
    return memo[stage.index]


def _script_of(instruction: Instruction) -> str:
    return "\n".join([instruction.original, *(h.content for h in instruction.heredocs)])


def earlier_match(ctx: FileContext, instruction: Instruction, run: RunView, position: int, pattern: Pattern,
                  needle: str = "") -> bool:
    """Whether shell text that runs before ``position`` of ``run`` (its start, or an earlier RUN
    in the lineage, with heredoc bodies) contains ``needle`` and matches ``pattern``; each RUN
    is searched once per pattern and file."""
    def found(text: str) -> bool:
        return needle in text and pattern.search(text) is not None

    if found(run.shell_text[:position]):
        return True
    return lineage_any(ctx, instruction, f"script:{needle}:{pattern.pattern}",
                       lambda i: i.keyword == "RUN" and found(_script_of(i)))


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def variable(ctx: FileContext, instruction: Instruction, run: RunView, view: CommandView,
             names: Sequence[str]) -> Optional[str]:
    """The value ``view`` sees for the first of ``names`` that is set: inline (``NAME=1 cmd``,
    ``env NAME=1 cmd``), exported earlier in the RUN, or from ``ENV``/``ARG``; else None."""
    for name in names:
        value = view.env_value(name)
        if value is not None:
            return value
    exported = _exports(run, view.command.start)
    for name in names:
        if name in exported:
            return exported[name]
        value = env_value(ctx, instruction, name)
        if value is not None:
            return value
    return None


def env_value(ctx: FileContext, instruction: Instruction, name: str) -> Optional[str]:
    """The value of variable ``name`` for ``instruction``: ``ENV`` of its stage and the stages it
    is built FROM, ``ARG`` of its own stage (ARGs do not outlive their stage; one without a
    default counts as set to "", as the author means to pass it); the last before it wins.
    Read from indexes built once per file, so asking for every instruction stays linear."""
    stage = ctx.stage(instruction)
    if stage is None:
        return None
    own, _ = _assignments(ctx, stage)
    found = own.get(name)
    if found:
        at = bisect_left(found[0], _position(ctx, instruction)) - 1
        if at >= 0:
            return found[1][at]
    return _inherited_env(ctx, stage).get(name)


def _assignments(ctx: FileContext, stage) -> Tuple[Dict[str, Tuple[List[int], List[str]]], Dict[str, str]]:
    """The stage's ENV and ARG values by name, as (positions, values); and its ENV alone, last wins."""
    memo = ctx.memo.setdefault("env", {})
    if stage.index not in memo:
        own: Dict[str, Tuple[List[int], List[str]]] = {}
        envs: Dict[str, str] = {}
        for position, earlier in enumerate(stage.instructions):
            pairs: List[Tuple[str, str]] = []
            if earlier.keyword == "ENV":
                pairs = [(key, _unquote(value)) for key, value in earlier.pairs]
                envs.update(pairs)
            elif earlier.keyword == "ARG":
                for item in earlier.value:
                    item_name, _, value = item.partition("=")
                    if _NAME.fullmatch(item_name):
                        pairs.append((item_name, _unquote(value)))
            for item_name, value in pairs:
                positions, values_of = own.setdefault(item_name, ([], []))
                if positions and positions[-1] == position:
                    values_of[-1] = value
                else:
                    positions.append(position)
                    values_of.append(value)
        memo[stage.index] = (own, envs)
    return memo[stage.index]


def _inherited_env(ctx: FileContext, stage) -> Dict[str, str]:
    """ENV values a stage starts with: those of the stages it is built FROM."""
    memo = ctx.memo.setdefault("inherited-env", {})
    if stage.index not in memo:
        memo[stage.index] = {}  # a cycle of FROMs ends here
        parent = ctx.parent(stage)
        if parent is not None:
            memo[stage.index] = {**_inherited_env(ctx, parent), **_assignments(ctx, parent)[1]}
    return memo[stage.index]


def _exports(run: RunView, before: int) -> Dict[str, str]:
    out: Dict[str, str] = {}
    for c, v in run.commands:
        if v is None or v.tool != "export" or c.command.start >= before or c.in_substitution:
            continue
        for word in v.args:
            name, eq, value = (word.value or "").partition("=")
            if eq:
                out[name] = value
    return out


def cache_mounted(run: RunView, paths: Iterable[str] = (), suffixes: Iterable[str] = ()) -> bool:
    """A cache or tmpfs mount covers one of ``paths``, or has a target ending with one of
    ``suffixes`` (for caches under a home directory: ``/.npm``)."""
    if any(run.mounts_over(path) for path in paths):
        return True
    suffixes = tuple(suffixes)
    for mount in run.mounts:
        target = mount.target.rstrip("/")
        if mount.type in ("cache", "tmpfs") and target and suffixes and target.endswith(suffixes):
            return True
    return False


def removes_any(run: RunView, position: int, paths: Iterable[str] = (), suffixes: Iterable[str] = ()) -> bool:
    """An ``rm -r`` after ``position`` removes one of ``paths`` (absolute, ``DIR/*`` allowed), or
    an argument ending with one of ``suffixes`` (``~/.npm``, ``$HOME/.cache/yarn/*``)."""
    paths, suffixes = tuple(paths), tuple(suffixes)
    for c, v in after(run, position):
        if v.tool != "rm" or not v.has("recursive"):
            continue
        if any(removes(v, path) for path in paths):
            return True
        for word in v.args:
            text = word.text.strip("\"'").rstrip("/")
            if text.endswith("/*"):
                text = text[:-2]
            if suffixes and text.endswith(suffixes):
                return True
    return False


def abbreviates(view: CommandView, option: str, shortest: int) -> bool:
    """``view`` has an option the data does not know that abbreviates ``option`` (``--no-cache``
    for pip's ``--no-cache-dir``), at least ``shortest`` characters long: tools built on optparse
    and OptionParser accept unambiguous prefixes."""
    for o in view.unknown_options:
        name = o.name.partition("=")[0]
        if len(name) >= shortest and option.startswith(name):
            return True
    return False


def insertions(run: RunView, views: Iterable[CommandView], option: str) -> Optional[Tuple[Edit, ...]]:
    """File edits inserting ``option`` after the subcommand of each of ``views``; None when part of
    the RUN could not be read (an edit could land in text slimfix does not understand)."""
    if run.script.has_opaque:
        return None
    return tuple(run.file_edit(insert_option(view, option)) for view in views)


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


_OTHER_USER = frozenset({"sudo", "gosu", "su-exec"})


def user_prefix(view: CommandView) -> Optional[str]:
    """How to run a cleanup command as the user ``view`` runs as: "" for the RUN's own user,
    "sudo " when ``view`` starts with a bare ``sudo``, None for any other change of user (its
    cache is somewhere slimfix cannot name)."""
    if not _OTHER_USER.intersection(view.wrappers):
        return ""
    words = view.command.words
    if view.wrappers == ("sudo",) and len(words) > 1 and words[0].value == "sudo" and words[1] is view.program_words[0]:
        return "sudo "
    return None


def append_fix(run: RunView, command: str, applicability) -> Optional[Fix]:
    """A fix running ``command`` at the end of ``run``, or None where that is unsafe."""
    edit = run.append(command)
    return None if edit is None else Fix((edit,), applicability, f"append `{command}`")


# Releases whose own pip (< 6) and RubyGems (< 2) predate --no-cache-dir and --no-document.
_OLD_RELEASES = {
    "ubuntu": re.compile(r"^(12\.04|14\.04|precise|trusty)([.-]|$)"),
    "debian": re.compile(r"^(7|8|wheezy|jessie)([.-]|$)"),
    "centos": re.compile(r"^[56]([.-]|$)"),
}


def old_release(ctx: FileContext, instruction: Instruction) -> Optional[str]:
    """The base image of ``instruction``'s stage when it is a distribution release whose packaged
    tools predate the options these rules add (Ubuntu 14.04, Debian 8, CentOS 6 and older)."""
    image = ctx.root_image(ctx.stage(instruction))
    ref = ImageRef.parse(image)
    pattern = _OLD_RELEASES.get(ref.name)
    return image if pattern is not None and pattern.match(ref.tag) else None


def option_finding(rule, ctx: FileContext, instruction: Instruction, run: RunView, found, message: str,
                   option: str, tool: str, savings: int, level: Applicability = Applicability.SAFE,
                   modern: bool = False):
    """The diagnostic for ``found`` commands that lack ``option``: with a fix of ``level`` that
    inserts it, or without a fix on a release whose ``tool`` may not know the option (unless
    ``modern``: the commands are known to run a newer ``tool`` than the release's), or when part
    of the RUN cannot be read."""
    old = old_release(ctx, instruction)
    if old is not None and not modern:
        return rule.diagnostic(instruction, f"{message} (no automatic fix: the {tool} of {old} may not know it)")
    edits = insertions(run, found, option)
    if edits is None:
        return rule.diagnostic(instruction, message + " (no automatic fix: part of the RUN cannot be read)")
    return rule.diagnostic(instruction, message, fix=Fix(edits, level, f"add `{option}`"), savings=savings)
