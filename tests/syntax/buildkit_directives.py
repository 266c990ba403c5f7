"""The parser-directive header as BuildKit HEAD reads it, written out for the tests."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .buildkit_text import BOM, GO_SPACE, physical_lines, trim_newline

VALID_NAMES = ("syntax", "escape", "check")
# directiveRegexp after the "#" and leading whitespace are cut; \s in Go is [\t\n\f\r ].
_DIRECTIVE = re.compile(r"([a-zA-Z][a-zA-Z0-9]*)[\t\n\f\r ]*=[\t\n\f\r ]*([^\n]+?)[\t\n\f\r ]*\Z")


@dataclass(frozen=True)
class Directive:
    line: int  # 1-based
    name: str  # lower case
    value: str


@dataclass(frozen=True)
class Header:
    directives: tuple[Directive, ...]
    escape: str
    error_line: int | None = None
    error: str | None = None


def read_header(text: str) -> Header:
    """Directives at the top of `text`, the escape token, and a directive error if any."""
    found: list[Directive] = []
    escape = "\\"
    for index, raw in enumerate(physical_lines(text)):
        line = trim_newline(raw[1:] if index == 0 and raw.startswith(BOM) else raw)
        line = line.lstrip(GO_SPACE)
        if not line.startswith("#"):
            break
        match = _DIRECTIVE.match(line[1:].lstrip(GO_SPACE))
        if not match or match.group(1).lower() not in VALID_NAMES:
            break
        name, value = match.group(1).lower(), match.group(2)
        if any(d.name == name for d in found):
            message = f"only one {name} parser directive can be used"
            return Header(tuple(found), escape, index + 1, message)
        if name == "escape":
            if value not in ("`", "\\"):
                message = f"invalid escape token '{value}' does not match ` or \\"
                return Header(tuple(found), escape, index + 1, message)
            escape = value
        found.append(Directive(index + 1, name, value))
    return Header(tuple(found), escape)
