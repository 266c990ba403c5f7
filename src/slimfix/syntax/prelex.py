"""The non-context-free parts of the format, read before the grammar runs.

- the UTF-8 byte-order mark;
- parser directives (``# syntax=``, ``# escape=``, ``# check=``) at the top,
  which pick the escape character the grammar is compiled for;
- heredoc bodies (``RUN <<EOF`` ... ``EOF``), which depend on the logical
  line of the instruction before them. They are lifted out of the text, so the
  grammar sees only instruction lines, and put back onto their instruction.

Each step follows BuildKit's ``frontend/dockerfile/parser`` line by line.
"""

from __future__ import annotations

import re

from ..record import field, record
from .arguments import ArgumentError, is_go_space, parse_arguments
from .shellwords import ShellWordError, process_words

BOM = "\ufeff"
_DIRECTIVE = re.compile(r"([a-zA-Z][a-zA-Z0-9]*)[\t\n\x0c\r ]*=[\t\n\x0c\r ]*(.+?)[\t\n\x0c\r ]*\Z", re.S)
_HEREDOC = re.compile(r"([0-9]*)<<(-?)[\t\n\x0c\r ]*([^<]*)\Z")
_KNOWN_DIRECTIVES = ("syntax", "escape", "check")
_HEREDOC_KINDS = ("ADD", "COPY", "RUN")


class PrelexError(ValueError):
    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


@record
class DirectiveLine:
    line: int  # 1-based
    name: str
    value: str


@record
class HeredocSpec:
    name: str
    file_descriptor: int
    expand: bool
    chomp: bool


@record(frozen=False)
class HeredocBlock:
    """Body lines (and terminator) of the heredocs of one instruction."""

    after_line: int  # 1-based line of the instruction's last line before the bodies
    first_line: int  # 1-based first body line
    specs: list[HeredocSpec] = field(default_factory=list)
    bodies: list[list[str]] = field(default_factory=list)  # raw lines, endings kept
    terminators: list[str] = field(default_factory=list)  # raw terminator lines

    @property
    def line_count(self) -> int:
        return sum(len(body) + 1 for body in self.bodies)


def split_lines(text: str) -> list[str]:
    """Physical lines with their endings kept (BuildKit splits on ``\\n`` only)."""
    lines = text.split("\n")
    out = [line + "\n" for line in lines[:-1]]
    if lines[-1]:
        out.append(lines[-1])
    return out


def trim_newline(line: str) -> str:
    return line.rstrip("\r\n")


def _trim_left_space(line: str) -> str:
    i = 0
    while i < len(line) and is_go_space(line[i]):
        i += 1
    return line[i:]


def read_directives(lines: list[str]) -> tuple[list[DirectiveLine], str]:
    """The parser directives at the top of the file and the escape character."""
    directives: list[DirectiveLine] = []
    escape = "\\"
    seen: set[str] = set()
    for number, raw in enumerate(lines, start=1):
        line = _trim_left_space(trim_newline(raw))
        if not line.startswith("#"):
            break
        match = _DIRECTIVE.match(_trim_left_space(line[1:]))
        if not match or match.group(1).lower() not in _KNOWN_DIRECTIVES:
            break
        name, value = match.group(1).lower(), match.group(2)
        if name in seen:
            raise PrelexError(f"only one {name} parser directive can be used", number)
        seen.add(name)
        if name == "escape":
            if value not in ("`", "\\"):
                raise PrelexError(f"invalid escape token '{value}' does not match ` or \\", number)
            escape = value
        directives.append(DirectiveLine(number, name, value))
    return directives, escape


def _continues(line: str, escape: str) -> tuple[str, bool]:
    """BuildKit's ``trimContinuationCharacter``: (text, ends here?)."""
    stripped = line.rstrip(" \t")
    if stripped.endswith(escape) and (len(stripped) == 1 or stripped[-2] != escape):
        return stripped[:-1], False
    return line, True


def _is_comment(line: str) -> bool:
    return _trim_left_space(line).startswith("#")


def find_heredocs(lines: list[str], escape: str) -> list[HeredocBlock]:
    """Walk the file as BuildKit does and collect every heredoc body."""
    blocks: list[HeredocBlock] = []
    i, n = 0, len(lines)
    while i < n:
        first = _trim_left_space(trim_newline(lines[i]))
        if _is_comment(first):
            first = ""
        i += 1
        start = i
        logical, at_end = _continues(first, escape)
        if at_end and not logical:
            continue
        parts = [logical]
        while not at_end and i < n:
            raw = lines[i]
            i += 1
            if _is_comment(raw):
                continue
            text = trim_newline(raw)
            if not _trim_left_space(text):
                continue
            text, at_end = _continues(text, escape)
            parts.append(text)
        line = "".join(parts)
        if "<<" not in line or not _can_contain_heredoc(line, escape):
            continue
        try:
            specs = heredocs_from_line(line)
        except ShellWordError as exc:
            raise PrelexError(str(exc), start) from None
        if not specs:
            continue
        block = HeredocBlock(after_line=i, first_line=i + 1, specs=specs)
        for spec in specs:
            body: list[str] = []
            terminator = None
            while i < n:
                raw = lines[i]
                i += 1
                candidate = trim_newline(raw)
                if spec.chomp:
                    candidate = candidate.lstrip("\t")
                if candidate == spec.name:
                    terminator = raw
                    break
                body.append(raw)
            if terminator is None:
                raise PrelexError("unterminated heredoc", start)
            block.bodies.append(body)
            block.terminators.append(terminator)
        blocks.append(block)
    return blocks


def _can_contain_heredoc(line: str, escape: str) -> bool:
    try:
        args = parse_arguments(line, escape)
    except ArgumentError:
        return False  # reported with its line by the parser proper
    if args.command.upper() == "ONBUILD" and args.sub is not None:
        args = args.sub
    return args.command.upper() in _HEREDOC_KINDS and not args.is_json


def heredocs_from_line(line: str) -> list[HeredocSpec]:
    try:
        words = process_words(line, raw_quotes=True, raw_escapes=True)
    except ShellWordError:
        words = []  # BuildKit ignores this error and finds no heredoc
    specs = []
    for word in words:
        spec = parse_heredoc(word)
        if spec is not None:
            specs.append(spec)
    return specs


def parse_heredoc(word: str) -> HeredocSpec | None:
    match = _HEREDOC.match(word)
    if not match:
        return None
    fd, chomp, rest = match.groups()
    if not rest:
        return None
    words = process_words(rest)
    if len(words) != 1:
        return None
    raw = process_words(rest, raw_quotes=True)
    if len(raw) != len(words):
        raise ShellWordError(f"internal lexing of heredoc produced inconsistent results: {rest}")
    quotes = words[0].count("'") + words[0].count('"')
    raw_quotes = raw[0].count("'") + raw[0].count('"')
    return HeredocSpec(
        name=words[0], file_descriptor=int(fd or 0), expand=quotes == raw_quotes, chomp=chomp == "-"
    )
