"""Text edits on shell text for rules: computed from the tree, never mutating it.

Every function returns ``slimfix.edits.Edit``s in shell-text coordinates; ``RunView.file_edit``
turns one into an edit of the file.
"""

from __future__ import annotations

from typing import Sequence, Tuple

from slimfix.shell.commands import CommandView
from slimfix.shell.nodes import Node, Operator, Script, SimpleCommand, Word
from slimfix.shell.walk import context_of

from ..edits import Edit


def insert_option(view: CommandView, option_text: str) -> Edit:
    """Insert ``option_text`` (e.g. ``"--no-cache"``) right after the subcommand, or the program."""
    end = view.anchor.end
    return Edit(end, end, " " + option_text)


def replace_word(word: Word, replacement: str) -> Edit:
    return Edit(word.start, word.end, replacement)


def remove_words(command: SimpleCommand, words: Sequence[Word]) -> Tuple[Edit, ...]:
    """Remove ``words`` of ``command`` with the blanks before each (after it, for the first)."""
    parts = command.parts
    edits = []
    for word in words:
        i = next(k for k, p in enumerate(parts) if p is word)
        if i > 0 and isinstance(parts[i - 1], str):
            edits.append(Edit(word.start - len(parts[i - 1]), word.end, ""))
        elif i + 1 < len(parts) and isinstance(parts[i + 1], str):
            edits.append(Edit(word.start, word.end + len(parts[i + 1]), ""))
        else:
            edits.append(Edit(word.start, word.end, ""))
    return tuple(edits)


def _operator_start(op: Operator) -> int:
    """Offset of ``op``'s operator token, including the blanks just before it."""
    pos = op.start
    blanks = 0
    for p in op.parts:
        if isinstance(p, str):
            if p == op.op:
                return pos - blanks
            blanks = len(p) if not p.strip(" \t") else 0
            pos += len(p)
        else:
            blanks = 0
            pos = p.end
    return op.start  # pragma: no cover - every operator holds its token


def remove_command(script: Script, command: SimpleCommand) -> Edit:
    """Remove ``command`` (an element of its list) with the joiner that ties it to its chain: the
    one before it inside an ``&&``/``||`` chain, else the one after it (``a; b && c`` minus ``b``
    gives ``a; c``). A command that is its list's only element becomes ``true``."""
    ctx = context_of(script, command)
    if ctx.pipeline is not None:
        raise ValueError("cannot remove one command of a pipeline")
    lst, index = ctx.list, ctx.index
    items, ops = lst.items, lst.operators
    item: Node = items[index]
    if len(items) == 1:
        return Edit(item.start, item.end, "true")
    if index == len(items) - 1 or (index > 0 and ops[index - 1].op in ("&&", "||")):
        return Edit(_operator_start(ops[index - 1]), item.end, "")
    return Edit(item.start, items[index + 1].start, "")
