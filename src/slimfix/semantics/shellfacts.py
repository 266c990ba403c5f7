"""Facts about a RUN's shell script that decide whether an edit is safe."""

from __future__ import annotations

from typing import List

from ..shell.nodes import Script

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
