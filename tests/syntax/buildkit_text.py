"""Text primitives of BuildKit's Dockerfile parser, written out for the tests.

The official parser works on bytes with Go's notion of whitespace; these helpers
reproduce that on Python strings so the tests can reason about lines the same way.
"""

from __future__ import annotations

import re

# unicode.IsSpace in Go (narrower than str.isspace: no \x1c-\x1f).
GO_SPACE = (
    "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
# The parser's reWhitespace.
RE_WHITESPACE = re.compile(r"[\t\v\f\r ]+")
BOM = "\ufeff"


def physical_lines(text: str) -> list[str]:
    """Lines as BuildKit's scanner yields them: split after "\\n" only, endings kept."""
    lines = text.split("\n")
    last = lines.pop()
    lines = [line + "\n" for line in lines]
    if last:
        lines.append(last)
    return lines


def trim_newline(line: str) -> str:
    return line.rstrip("\r\n")


def trim_leading_space(line: str) -> str:
    return line.lstrip(GO_SPACE)


def is_comment(line: str) -> bool:
    return trim_leading_space(line).startswith("#")


def continuation_regex(escape: str) -> re.Pattern[str]:
    """The parser's lineContinuationRegex for an escape token."""
    e = re.escape(escape)
    return re.compile(r"([^" + e + r"])" + e + r"[ \t]*\Z|\A" + e + r"[ \t]*\Z")


def trim_continuation(line: str, escape: str) -> tuple[str, bool]:
    """(line without its continuation token, whether the logical line ends here)."""
    regex = continuation_regex(escape)
    if regex.search(line):
        return regex.sub(r"\1", line), False
    return line, True


def logical_line_end(lines: list[str], start: int, escape: str) -> int:
    """0-based index of the last physical line of the logical line starting at `start`.

    Follows the continuation rules only; heredoc bodies are not counted.
    """
    first = trim_newline(lines[start])
    if start == 0 and first.startswith(BOM):
        first = first[1:]
    first = trim_leading_space(first)
    if is_comment(first):
        return start
    _, ended = trim_continuation(first, escape)
    index = start
    while not ended and index + 1 < len(lines):
        index += 1
        raw = lines[index]
        if is_comment(raw) or not trim_leading_space(trim_newline(raw)):
            continue
        _, ended = trim_continuation(trim_newline(raw), escape)
    return index


def logical_text(lines: list[str], start: int, end: int, escape: str) -> str:
    """The logical line (BuildKit's Node.Original) made of lines[start..end]."""
    first = trim_newline(lines[start])
    if start == 0 and first.startswith(BOM):
        first = first[1:]
    text, _ = trim_continuation(trim_leading_space(first), escape)
    for raw in lines[start + 1 : end + 1]:
        if is_comment(raw) or not trim_leading_space(trim_newline(raw)):
            continue
        piece, _ = trim_continuation(trim_newline(raw), escape)
        text += piece
    return text
