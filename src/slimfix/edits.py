"""A text edit: the unit every fix is made of, on a file or on a RUN's shell text."""

from __future__ import annotations

from typing import Iterable

from .record import record


@record(order=True)
class Edit:
    """Replace ``text[start:end]`` with ``content``."""

    start: int
    end: int
    content: str = ""

    @classmethod
    def insert(cls, at: int, content: str) -> "Edit":
        return cls(at, at, content)

    @classmethod
    def delete(cls, start: int, end: int) -> "Edit":
        return cls(start, end, "")


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """``text`` with non-overlapping ``edits`` applied, in offset order."""
    pieces = []
    last = 0
    for edit in sorted(edits):
        pieces.append(text[last:edit.start])
        pieces.append(edit.content)
        last = edit.end
    pieces.append(text[last:])
    return "".join(pieces)
