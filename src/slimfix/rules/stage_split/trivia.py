"""The comment and blank lines of a stage, each owned by an instruction, written back with the
instructions of a new stage."""

from __future__ import annotations

from typing import Dict, List

from ...syntax import BlankLine, Comment, Instruction
from ...semantics.context import FileContext
from .model import Emission


class Trivia:
    """Lines before an instruction are its own, except comments right below the previous instruction
    that a blank line separates from it: those close the previous one (``# [END ...]``)."""

    def __init__(self, ctx: FileContext, start: Instruction) -> None:
        self.leading: Dict[int, list] = {}
        self.closing: Dict[int, list] = {}
        pending: list = []
        previous = None
        for line in ctx.tree.body[ctx.tree.body.index(start) + 1:]:
            if not isinstance(line, Instruction):
                pending.append(line)
                continue
            blank = next((k for k, item in enumerate(pending) if isinstance(item, BlankLine)), 0)
            if previous is not None and blank:
                self.closing[id(previous)], pending = pending[:blank], pending[blank:]
            self.leading[id(line)] = pending
            previous, pending = line, []
        self.end = pending  # after the last instruction

    def write_stage(self, emissions: List[Emission], instructions, newline: str, carry: bool,
                    elsewhere: set) -> str:
        """A stage's instructions, the first one from each source with the lines that source owns.

        Where a source has nothing in this stage, a blank line before it still separates what
        follows; with ``carry``, its comments move to the next instruction written, unless the
        source is written in the other stage (``elsewhere``)."""
        by_source: Dict[int, List[Emission]] = {}
        for emission in emissions:
            by_source.setdefault(id(emission.source), []).append(emission)
        out: List[str] = []
        blank = False
        carried: List[str] = []
        for instruction in instructions:
            lines = self.leading.get(id(instruction), [])
            closing = self.closing.get(id(instruction), [])
            own = by_source.get(id(instruction))
            if not own:
                blank = blank or any(isinstance(line, BlankLine) for line in lines)
                if carry and id(instruction) not in elsewhere:
                    carried.extend(line.code for line in lines + closing if isinstance(line, Comment))
                continue
            head = 0
            while head < len(lines) and isinstance(lines[head], BlankLine):
                head += 1
            blanks = "".join(line.code for line in lines[:head]) or (newline if blank else "")
            out.append(blanks + "".join(carried) + "".join(line.code for line in lines[head:]))
            out.extend(emission.text for emission in own)
            out.extend(line.code for line in closing)
            blank, carried = False, []
        out.extend(carried)
        return "".join(out)
