"""A text edit on a file: the unit every fix is made of."""

from __future__ import annotations

from .record import record


@record(order=True)
class Edit:
    """Replace ``text[start:end]`` with ``content`` (offsets into the file's text)."""

    start: int
    end: int
    content: str = ""

    @classmethod
    def insert(cls, at: int, content: str) -> "Edit":
        return cls(at, at, content)

    @classmethod
    def delete(cls, start: int, end: int) -> "Edit":
        return cls(start, end, "")
