"""SF001: consecutive RUN instructions."""

from __future__ import annotations

import re
from typing import FrozenSet, Iterable, List, Optional, Tuple

from ..semantics.context import FileContext
from ..semantics.run import RunView
from ..semantics.shellfacts import ends_cleanly, is_and_chain
from ..semantics.shellstate import ShellState, join_blocker, merge_states
from ..syntax import BlankLine, Comment, ContinuationComment, Directive, Instruction
from .base import Applicability, Diagnostic, Edit, Fix, Rule


class ConsecutiveRunInstructions(Rule, summary="Consecutive RUN instructions can be one layer",
                                       hadolint=("DL3059",), fix_applicability=Applicability.SAFE):
    """
    ## What it does
    Finds a `RUN` that directly follows another `RUN` (only comments or blank
    lines between them) and joins the two into one `RUN` with `&&`.

    ## Why is this bad?
    Every `RUN` makes a layer. Files a step creates and a later step deletes
    stay in the earlier layer for good, so cleanup only saves space in the
    same `RUN` that made the mess. `RUN apt-get update` on its own line is
    worse still: its layer is cached, and a later `RUN apt-get install` can
    install from stale package lists.

    ## Example
    ```dockerfile
    RUN apt-get update
    RUN apt-get install -y curl
    ```

    ## Use instead
    ```dockerfile
    RUN apt-get update \\
        && apt-get install -y curl
    ```

    ## Fix safety
    Safe, and only offered when the join is proven not to change what runs.
    Both are shell-form `RUN`s with the same flags and no heredoc, under a
    POSIX shell; the second is a single `&&` chain (so a failure of the first
    still stops the build with the same status) and the first ends cleanly (no
    trailing `;` or `&`; a comment after its last command, on its last line,
    moves to a comment line of its own inside the joined `RUN`). The first `RUN` must leave nothing behind
    that the second could see, and this is checked against an allow-list, not
    a list of known-bad cases: every command that runs in the first `RUN`'s
    own shell is an external program or a builtin listed as harmless in
    `shell_state.toml`, and no word assigns (`${X:=d}`, `$((I=5))`). So a
    `cd` in any spelling, a variable set in any way, `set`, `umask`, `trap`,
    `alias`, a function, `source`, `eval`, `exec`, `exit`, a background job,
    a loop variable, an unknown builtin, a command name computed at run time
    or text slimfix cannot read each keep the two apart; a computed name with
    a literal `/` before any unquoted expansion (`"$DIR/tool"`) always names
    a file the shell runs as a program, so it leaves nothing behind. The second `RUN` must not read what an earlier command of
    its shell leaves (`$_`, `$PIPESTATUS`, `type`, `hash`, `set`), and when
    both run a program that the first may have put anew on `PATH` (`pip
    install -U pip`, then `pip`), the shell's memory of where it found the
    program would run the old one, so they stay apart. The first must not
    clean a package manager's cache that the second fills again (`dnf clean
    all` then `dnf install`). Three more cases are left alone to keep
    hadolint's own reading unchanged: a pragma comment (`# hadolint
    ignore=...`, `# slimfix: ...`) between the two belongs to the second
    `RUN`; a second `RUN` that assigns shell variables would, joined, look
    to shellcheck as if they could be unset; and a second `RUN` whose `yum`
    or `dnf` install comes before its cleanup stays apart from a first `RUN`
    with an `rm -rf` (hadolint's DL3032/DL3040 take the first `rm -rf` for
    the cleanup and would flag the joined `RUN`). Comments between the two
    are kept inside the joined instruction; blank lines between them are
    dropped (inside a continuation they are an error in waiting). A chain of
    such `RUN`s is joined at once, in the layout of its first `RUN`, and
    every check covers all the `RUN`s of the chain before the join point.
    The test suite runs original and joined files under dash, bash and
    busybox sh and compares what they do.

    ## Estimated savings
    None by itself (a few hundred bytes of layer metadata); it lets the
    cleanup rules remove in the same layer what an earlier one added.
    """

    def check(self, ctx: FileContext) -> Iterable[Diagnostic]:
        body = ctx.tree.body
        previous: Optional[Instruction] = None
        between: List[object] = []
        chain: List[Instruction] = []  # RUNs this round's fixes join, up to ``previous``
        for line in body:
            if isinstance(line, Instruction):
                joins = False
                if previous is not None and previous.keyword == "RUN" and line.keyword == "RUN":
                    if ctx.stage(previous) is ctx.stage(line):
                        diagnostic = self._diagnose(ctx, chain or [previous], line, between)
                        joins = diagnostic.fix is not None
                        yield diagnostic
                if joins:  # grown in place: copying it per RUN made long chains quadratic
                    chain = chain or [previous]
                    chain.append(line)
                else:
                    chain = []
                previous, between = line, []
            elif isinstance(line, Directive):
                previous, between, chain = None, [], []
            elif isinstance(line, (Comment, BlankLine)):
                between.append(line)

    def _diagnose(self, ctx: FileContext, chain: List[Instruction], second: Instruction, between: list) -> Diagnostic:
        """``chain``: the RUN before ``second``, and before it the RUNs joined to it in the same
        round; the fix reads the chain as the one RUN it becomes."""
        first = chain[-1]
        reason = self._unsafe_reason(ctx, chain, second)
        if reason is None and any(isinstance(line, Comment) and _PRAGMA.match(line.body) for line in between):
            reason = "a pragma comment above the second RUN belongs to it"
        message = f"RUN follows the RUN on line {first.start_line}; join them into one layer"
        if reason is not None:
            return self.diagnostic(second, f"{message} (no automatic fix: {reason})", related=(first,))
        return self.diagnostic(second, message, fix=self._fix(ctx, chain[0], first, second, between), related=(first,))

    @staticmethod
    def _unsafe_reason(ctx: FileContext, chain: List[Instruction], second: Instruction) -> Optional[str]:
        first = chain[-1]
        a, b = ctx.run(first), ctx.run(second)
        if a is None or b is None:
            return "exec form, or not a POSIX shell"
        if first.flags != second.flags:
            return "the two RUNs have different flags"
        if a.has_heredoc or b.has_heredoc:
            return "a heredoc is involved"
        if not a.shell_text.strip() or not b.shell_text.strip():
            return "an empty RUN"
        if not ends_cleanly(a.script, a.shell_text) and _trailing_comment(ctx, first) is None:
            return "the first RUN ends with an operator or a comment"
        if b.script.has_opaque or not is_and_chain(b.script):
            return "the second RUN is not a single && chain"
        state, cleaned = _chain_facts(ctx, chain)
        blocker = join_blocker([state], b.state, ctx.workdir(first))
        if blocker is not None:
            return blocker
        if _sets_variables(b):
            return "the second RUN sets shell variables (joined, shellcheck reads them as possibly unset)"
        tool = _cleans_then_installs(cleaned, b)
        if tool is not None:
            return f"the first RUN cleans {tool}'s cache and the second installs with {tool} again"
        tool = _removes_then_installs(ctx, chain, b)
        if tool is not None:
            return (f"the first RUN runs 'rm -rf' and the second installs with {tool} (joined, hadolint "
                    "would take the 'rm -rf' for the cache cleanup and read it as coming too early)")
        return None

    @staticmethod
    def _fix(ctx: FileContext, head: Instruction, first: Instruction, second: Instruction, between: list) -> Fix:
        """Join ``second`` to ``first`` in the layout of ``head``, the RUN the chain starts with.

        Only the text between the two RUNs' commands changes, so the joins of one chain apply
        in the same round (``Fix.joins``)."""
        b: RunView = ctx.run(second)  # type: ignore[assignment]
        style = ctx.run(head).style  # type: ignore[union-attr]
        start = ctx.offset(first) + len(first.code) - len(first.newline)
        end = b.file_offset(0, after_break=True)
        if not style.multiline:
            indent = head.indent + ("\t" if "\t" in head.indent else "    ")  # the RUN's own indent style
            style = style.__class__(f" {style.escape}{head.newline}{indent}&& ", head.newline, style.escape, indent, True)
        comments = "".join(line.code for line in between if isinstance(line, Comment))
        comments += _comments_before(second, end - ctx.offset(second))
        trailing = _trailing_comment(ctx, first)
        if trailing is not None:  # `RUN a  # why`: the comment moves to a comment line of its own
            start, comment = trailing
            comments = style.indent + comment + head.newline + comments
        before, sep, after = style.joiner.rpartition(style.newline)
        joiner = before + sep + comments + after
        return Fix((Edit(start, end, joiner),), Applicability.SAFE, "join with the previous RUN", joins=True)


def _trailing_comment(ctx: FileContext, instruction: Instruction) -> Optional[Tuple[int, str]]:
    run = ctx.run(instruction)
    return None if run is None else run.trailing_comment()


_INSTALLS = ("install", "upgrade")
_HADOLINT_CLEAN_FIRST = ("yum", "dnf")
_PRAGMA = re.compile(r"(hadolint\s|slimfix:)", re.I)
_SETTERS = frozenset({"export", "declare", "typeset", "readonly", "local"})


def _sets_variables(run: RunView) -> bool:
    """The RUN assigns shell variables in its own shell (``export``, ``X=1`` alone)."""
    for ctx, _ in run.commands:
        command = ctx.command
        if ctx.in_substitution or ctx.in_pipeline:
            continue
        if command.name in _SETTERS or (command.assignments and not command.words):
            return True
    return False


def _chain_facts(ctx: FileContext, chain: List[Instruction]) -> Tuple[ShellState, FrozenSet[str]]:
    """The shell state the chain's RUNs leave, run in one shell, and the package managers
    whose caches they clean; built on the facts of the chain up to its previous RUN (kept
    per file), so a chain of n RUNs costs n steps, not n squared."""
    memo = ctx.memo.setdefault("SF001.chain", {})
    key = id(chain[-1])
    if key not in memo:
        view: RunView = ctx.run(chain[-1])  # type: ignore[assignment]
        cleaned = frozenset(v.tool for _, v in view.commands if v is not None and v.action == "cache_clean")
        if len(chain) == 1:
            memo[key] = (view.state, cleaned)
        else:
            state, before = memo.get(id(chain[-2])) or _chain_facts(ctx, chain[:-1])
            memo[key] = (merge_states(state, view.state, ctx.workdir(chain[-1])), before | cleaned)
    return memo[key]


def _cleans_then_installs(cleaned: FrozenSet[str], last: RunView) -> Optional[str]:
    """A package manager whose cache one of the first RUNs cleans and the last fills
    again: joined, the clean would run mid-chain (and hadolint's DL3032/DL3040/
    DL3036 would read the joined RUN as never cleaned)."""
    for _, view in last.commands:
        if view is not None and view.tool in cleaned and view.action in _INSTALLS:
            return view.tool
    return None


def _removes_then_installs(ctx: FileContext, chain: List[Instruction], last: RunView) -> Optional[str]:
    """hadolint's DL3032/DL3040 pass a RUN when its first yum/dnf install comes before its first
    cleanup, and take any `rm -rf` for one: a join must not turn a second RUN that passes into a
    RUN that fails by putting the first RUN's `rm -rf` before its install."""
    for tool in _HADOLINT_CLEAN_FIRST:
        if _hadolint_order(last.commands, tool)[:2] == ("install", "clean"):
            for instruction in chain:
                order = _hadolint_order(ctx.run(instruction).commands, tool)  # type: ignore[union-attr]
                if order[:1] == ("clean",):
                    return tool
                if order[:1] == ("install",):
                    break
    return None


def _hadolint_order(commands, tool: str) -> Tuple[str, ...]:
    """The first `tool` install and the first cleanup as hadolint reads them, in their order."""
    order: List[str] = []
    for command_ctx, view in commands:
        words = command_ctx.command.words
        if view is not None and view.tool == tool and view.action in _INSTALLS:
            kind = "install"
        elif (view is not None and view.tool == tool and view.action == "cache_clean") or (
            words and words[0].value == "rm" and any(w.value == "-rf" for w in words[1:])
        ):
            kind = "clean"
        else:
            continue
        if kind not in order:
            order.append(kind)
    return tuple(order)


def _comments_before(instruction: Instruction, offset: int) -> str:
    """The comment lines inside ``instruction`` before ``offset`` (of its code)."""
    out = []
    position = len(instruction.indent)
    for part in instruction.parts:
        if position >= offset:
            break
        if isinstance(part, ContinuationComment):
            out.append(part.value if part.value.endswith("\n") else part.value + instruction.newline)
        position += len(part.value)
    return "".join(out)
