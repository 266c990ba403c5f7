"""SF018: one package manager installs twice in a row in one chain."""

from __future__ import annotations

from typing import Iterable, List, Optional, Tuple

from ..semantics.context import FileContext
from ..semantics.run import RunView
from ..shell.commands import CommandView
from ..edits import Edit
from ..shell.walk import CommandContext
from ..syntax import ContinuationComment
from .base import Applicability, Diagnostic, Fix, Rule

_TOOLS = frozenset({"apt", "apk", "yum", "dnf", "microdnf", "zypper"})


def _signature(view: CommandView) -> Optional[tuple]:
    """What must be equal for two installs to merge: program, wrappers, environment, subcommand
    and options as written; None when the command cannot take more packages safely."""
    command = view.command
    if command.redirects or view.hidden_arguments or not view.takes_packages or view.action != "install":
        return None
    if any(word.value is None for word in view.args) or not view.args:
        return None
    if any(option.word in view.args or option.value_word in view.args for option in view.options):
        return None
    if view.args[-1] is not command.words[-1]:
        return None  # an option after the packages: keep the order as written
    return (view.program, view.wrappers, view.env, view.subcommand,
            tuple(option.word.code for option in view.options))


def _pairs(run: RunView) -> List[Tuple[CommandView, CommandView]]:
    """Consecutive installs of the same manager with the same options, joined by ``&&`` or ``;``
    in the same command list."""
    out = []
    previous: Optional[Tuple[CommandContext, CommandView]] = None
    for c, view in run.commands:
        current = (c, view) if view is not None and view.tool in _TOOLS and not c.in_substitution else None
        if current and previous:
            pc, pv = previous
            joined = (pc.list is c.list and c.index == pc.index + 1 and pc.item is pc.command
                      and c.item is c.command and c.joiner_before is not None and c.joiner_before.op in ("&&", ";"))
            if joined and pv.tool == view.tool and _signature(pv) is not None and _signature(pv) == _signature(view):
                out.append((pv, view))
                previous = None  # one merge per pair and round; the fixpoint merges longer chains
                continue
        previous = current
    return out


class PackageInstallsSplit(Rule, summary="One package manager installs twice in a row",
                                 fix_applicability=Applicability.UNSAFE):
    """
    ## What it does
    Finds two installs of the same package manager one after the other,
    joined by `&&` or `;`, with the same options (`apk add --no-cache a && apk add
    --no-cache b`), and merges them into one command.

    ## Why is this bad?
    Each install resolves dependencies, reads the package index and runs the
    triggers again; one command does it once, and often lets the first
    command's cleanup options cover everything.

    ## Example
    ```dockerfile
    RUN apk add --no-cache curl && apk add --no-cache git
    ```

    ## Use instead
    ```dockerfile
    RUN apk add --no-cache curl git
    ```

    ## Fix safety
    Unsafe: one transaction is not the same as two. The first install no
    longer completes (and runs its triggers) before the second starts, a
    package that fails to resolve now stops both, and the solver may pick
    other versions when it sees all the packages at once. Only commands with
    the same program, wrappers, variables and options written the same way,
    directly joined by `&&` or `;` in the same list (with `;`, a failure of
    the first no longer lets the second run), with literal packages written
    last and no redirection, are merged; no fix is offered when a comment
    sits inside the instruction.

    `RUN <<EOF` scripts (a `RUN` whose command is one heredoc, with no `#!`
    line or a POSIX shell's) and `ONBUILD RUN` are checked and fixed like any
    `RUN`: only installs joined by `&&` merge, never lines of the script.

    ## Estimated savings
    None in size; one package-manager run less.
    """

    def check(self, ctx: FileContext) -> Iterable[Diagnostic]:
        for run in ctx.runs():
            instruction = run.instruction
            if run.script.has_opaque:
                continue
            pairs = _pairs(run)
            if not pairs:
                continue
            message = f"{pairs[0][0].program} installs in {len(pairs) + 1} commands in a row; install in one"
            if any(isinstance(part, ContinuationComment) for part in instruction.parts):
                yield self.diagnostic(instruction, message + " (no automatic fix: a comment sits inside the RUN)")
                continue
            edits = []
            for first, second in pairs:
                packages = " ".join(word.code for word in second.args)
                edits.append(run.file_edit(Edit(first.command.end, second.command.end, " " + packages)))
            yield self.diagnostic(instruction, message, fix=Fix(tuple(edits), Applicability.UNSAFE, "merge the installs"))
