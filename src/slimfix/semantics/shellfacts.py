"""Facts about a RUN's shell script that decide whether an edit is safe."""

from __future__ import annotations

from typing import Iterator, List, Optional

from ..shell.walk import walk_commands
from ..shell.nodes import FunctionDef, Script, SimpleCommand, Subshell, iter_nodes

# Builtins whose effect outlives the command: later commands of the same shell
# see a changed directory, environment, options, traps or an exited shell.
STATEFUL_BUILTINS = frozenset(
    {
        "cd", "pushd", "popd", "export", "unset", "set", "shopt", "source", ".", "umask", "exit",
        "exec", "return", "alias", "unalias", "ulimit", "trap", "readonly", "declare", "typeset",
        "local", "eval", "read", "getopts", "hash", "enable", "builtin", "shift",
    }
)


def top_level_operators(script: Script) -> List[str]:
    return [op.op for op in script.body.operators]


def is_and_chain(script: Script) -> bool:
    """The script is one ``&&`` chain (or a single command or pipeline)."""
    ops = top_level_operators(script)
    return bool(script.body.items) and all(op == "&&" for op in ops) and len(ops) == len(script.body.items) - 1


def ends_cleanly(script: Script, text: str) -> bool:
    """Nothing but whitespace after the last command: no trailing ``;``, ``&`` or comment,
    so ``&& more`` can be appended."""
    items = script.body.items
    if not items:
        return False
    if len(script.body.operators) >= len(items):
        return False
    return text[items[-1].end:].strip() == ""


def state_leaks(script: Script) -> Iterator[str]:
    """Why commands after this script in the same shell could behave differently.

    A stateful builtin or a bare assignment that runs in the script's own
    shell (not in a subshell, a substitution or an inner pipeline stage),
    a function definition, or a command sent to the background.
    """
    if script.has_opaque:
        yield "part of the script could not be analysed"
    for op in script.body.operators:
        if op.op == "&":
            yield "a command runs in the background (&)"
    for ctx in walk_commands(script):
        if ctx.in_substitution or ctx.in_pipeline or any(isinstance(a, Subshell) for a in ctx.ancestors):
            continue
        if ctx.in_function:
            continue
        command: SimpleCommand = ctx.command
        name = command.name
        if name is None and command.assignments and not command.words:
            yield f"a shell variable is set ({command.assignments[0].name})"
        elif name in STATEFUL_BUILTINS:
            yield f"'{name}' changes the shell's state"
        elif name is None and command.words:
            yield "a command name is computed at run time"
    for node in iter_nodes(script):
        if isinstance(node, FunctionDef):
            yield "a shell function is defined"
            break


def first_leak(script: Script) -> Optional[str]:
    return next(iter(state_leaks(script)), None)
