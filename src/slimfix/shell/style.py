"""How a shell text joins its commands, so added commands read like the author's own."""

from __future__ import annotations

import re
from collections import Counter

from ..record import record

_LEADING_AND = re.compile(r"^[ \t]*&&")
_TRAILING_AND_CONTINUED = re.compile(r"&&[ \t]*\\$")
_TRAILING_AND = re.compile(r"&&[ \t]*$")


@record
class Style:
    joiner: str = " && "  # put between the end of a command and the next one


def _indent(lines) -> str:
    indents = Counter(re.match(r"[ \t]*", line).group() for line in lines if line.strip())
    return indents.most_common(1)[0][0] if indents else ""


def detect_style(text: str) -> Style:
    """The joiner ``text`` uses between commands.

    One line: ``" && "``. With backslash continuations: ``&&`` at line ends (``" && \\\\\\n" + indent``) or at
    line starts (``" \\\\\\n" + indent + "&& "``). Newline-separated scripts: ``" &&\\n" + indent`` when
    lines end with ``&&``, else ``"\\n" + indent``."""
    lines = text.split("\n")
    if len(lines) == 1:
        return Style()
    rest = lines[1:]
    if any(line.rstrip().endswith("\\") for line in lines):
        leading = sum(1 for line in rest if _LEADING_AND.match(line))
        trailing = sum(1 for line in lines if _TRAILING_AND_CONTINUED.search(line.rstrip()))
        indent = _indent(rest)
        if leading > trailing:
            return Style(" \\\n" + indent + "&& ")
        return Style(" && \\\n" + indent)
    indent = _indent(rest)
    if any(_TRAILING_AND.search(line) for line in lines):
        return Style(" &&\n" + indent)
    return Style("\n" + indent)
