"""Line numbers of a fixed text, taken back to the text the user wrote.

The fixer finds later rounds' diagnostics in text earlier rounds already edited; a report
about the file as it is on disk (``--check``, ``--diff``, or what a fix removed) must name
the input's lines, in the diagnostic's position and in its message ("the RUN on line 7").
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import List, Sequence, Tuple

from .edits import Edit
from .record import replace

_LINE_IN_MESSAGE = re.compile(r"\b(lines? )(\d+)\b")


def _line_starts(text: str) -> List[int]:
    starts = [0]
    find = text.find
    at = find("\n")
    while at >= 0:
        starts.append(at + 1)
        at = find("\n", at + 1)
    return starts


class _Round:
    """One round's edits (sorted, in the old text's offsets) and both texts' line starts."""

    def __init__(self, old: str, new: str, edits: Sequence[Edit]) -> None:
        self.old_starts = _line_starts(old)
        self.new_starts = _line_starts(new)
        self.edits = list(edits)
        self.new_edit_starts: List[int] = []
        self.shift_after: List[int] = []  # new offset - old offset after each edit
        shift = 0
        for edit in self.edits:
            self.new_edit_starts.append(edit.start + shift)
            shift += len(edit.content) - (edit.end - edit.start)
            self.shift_after.append(shift)

    def old_line(self, new_line: int) -> int:
        offset = self.new_starts[min(max(new_line, 1), len(self.new_starts)) - 1]
        i = bisect_right(self.new_edit_starts, offset) - 1
        if i < 0:
            old = offset
        elif offset < self.new_edit_starts[i] + len(self.edits[i].content):
            old = self.edits[i].start  # inside text an edit wrote: where that edit begins
        else:
            old = offset - self.shift_after[i]
        return bisect_right(self.old_starts, old)


class LineMap:
    """The rounds of one fix run; ``to_input(line, version)`` for a line of text version
    ``version`` (0: the input, k: after k rounds)."""

    def __init__(self) -> None:
        self.rounds: List[_Round] = []

    def add(self, old: str, new: str, edits: Sequence[Edit]) -> None:
        self.rounds.append(_Round(old, new, edits))

    def to_input(self, line: int, version: int) -> int:
        for done in reversed(self.rounds[:version]):
            line = done.old_line(line)
        return line

    def diagnostic(self, diagnostic, version: int):
        """``diagnostic`` (found in text ``version``) with input line numbers, message included."""
        if version == 0 or not self.rounds:
            return diagnostic

        def moved(match: "re.Match") -> str:
            return match.group(1) + str(self.to_input(int(match.group(2)), version))

        return replace(
            diagnostic,
            line=self.to_input(diagnostic.line, version),
            end_line=self.to_input(diagnostic.end_line, version) if diagnostic.end_line else 0,
            message=_LINE_IN_MESSAGE.sub(moved, diagnostic.message),
            related_lines=tuple(self.to_input(line, version) for line in diagnostic.related_lines),
        )


def input_positions(found: Sequence[Tuple[object, int]], lines: LineMap) -> list:
    return [lines.diagnostic(diagnostic, version) for diagnostic, version in found]
