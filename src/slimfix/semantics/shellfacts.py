"""Facts about a RUN's shell script that decide whether an edit is safe."""

from __future__ import annotations

import re
from typing import Iterable, List

from ..shell.nodes import CommandList, Script

_STATUS_REFERENCE = re.compile(r"\$\{?#?\?")  # `$?`, `${?}`, `${#?}`, quoted or not

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


def surely_runs_before(lst: CommandList, index: int, position: int) -> bool:
    """Whether item ``index`` of command list ``lst`` has run whenever the command at
    ``position`` (inside a later item of ``lst``) runs: the item starts a new step (nothing or
    ``;``/newline before it: it runs whatever came before), or ``&&`` alone joins everything from
    the step the item is in up to the command's item (a failure skips both)."""
    later = next((j for j, item in enumerate(lst.items) if item.start <= position < item.end), None)
    if later is None or later <= index:
        return False
    ops = [op.op for op in lst.operators]
    if index == 0 or ops[index - 1] in (";", "\n"):
        return True
    step = index
    while step > 0 and ops[step - 1] == "&&":
        step -= 1
    return (step == 0 or ops[step - 1] in (";", "\n")) and all(op == "&&" for op in ops[step:later])


def surely_ran_on_success(lst: CommandList, index: int) -> bool:
    """Whether item ``index`` of ``lst`` has run whenever the list ends with success (when no
    command ends the shell early): it starts a step (nothing, ``;`` or a newline before it), or
    ``&&`` alone joins it to the end (a failure there fails the list); nothing runs in the background."""
    ops = [op.op for op in lst.operators]
    if "&" in ops:
        return False
    return index == 0 or ops[index - 1] in (";", "\n") or (
        ops[index - 1] == "&&" and all(op == "&&" for op in ops[index:]))


def surely_succeeded_before(lst: CommandList, index: int, position: int) -> bool:
    """Whether item ``index`` of ``lst`` has run and succeeded whenever the command at ``position``
    (inside a later item of ``lst``) runs: it surely runs before (``surely_runs_before``) and
    ``&&`` alone joins it to the command's item, so its failure skips the command."""
    later = next((j for j, item in enumerate(lst.items) if item.start <= position < item.end), None)
    if later is None or not surely_runs_before(lst, index, position):
        return False
    return all(op.op == "&&" for op in lst.operators[index:later])


def surely_succeeded_on_success(lst: CommandList, index: int) -> bool:
    """Whether item ``index`` of ``lst`` has run and succeeded whenever the list ends with success
    (when no command ends the shell early): it surely ran (``surely_ran_on_success``) and ``&&``
    alone joins it to the last item, so its failure fails the list."""
    last = len(lst.items) - 1
    return surely_ran_on_success(lst, index) and all(op.op == "&&" for op in lst.operators[index:last])


def reads_status(text: str, words_of_commands: Iterable[List[str]]) -> bool:
    """Whether a script may read the exit status its previous command left: ``$?`` anywhere in
    its text (even in single quotes: a trap or ``sh -c`` string may run it), or ``exit`` or
    ``return`` with no status after it (they exit with ``$?``)."""
    return bool(_STATUS_REFERENCE.search(text)) or any(
        words and words[-1] in ("exit", "return") for words in words_of_commands)
