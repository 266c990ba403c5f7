"""Text to concrete syntax tree: pre-lexer, LALR parser (tables from the lark grammar), node builder."""

from __future__ import annotations

import os
import re
from functools import lru_cache
from typing import Optional

from ._tables import TABLES
from .arguments import KNOWN_KEYWORDS, ArgumentError
from .nodes import (
    BlankLine,
    Comment,
    Continuation,
    ContinuationBlank,
    ContinuationComment,
    Directive,
    Dockerfile,
    Heredoc,
    Instruction,
    Text,
)
from .lalr import Parser, UnexpectedInput
from .prelex import BOM, PrelexError, find_heredocs, read_directives, split_lines

_PART = {
    "TEXT": Text,
    "CONTINUATION": Continuation,
    "CONTINUATION_COMMENT": ContinuationComment,
    "CONTINUATION_BLANK": ContinuationBlank,
}
_NOT_ONBUILD_TRIGGERS = ("ONBUILD", "FROM", "MAINTAINER")
ESCAPES = ("\\", "`")


class ParseError(ValueError):
    """Input that BuildKit rejects. ``line`` and ``column`` are 1-based."""

    def __init__(self, message: str, line: int, column: int = 1) -> None:
        super().__init__(f"{line}:{column}: {message}")
        self.message = message
        self.line = line
        self.column = column


def grammar_path() -> str:
    """The grammar file: inside the installed package, or the source tree's."""
    package = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
    for folder in (package, os.path.dirname(os.path.dirname(package))):
        path = os.path.join(folder, "grammar", "dockerfile.lark")
        if os.path.isfile(path):
            return path
    raise FileNotFoundError("grammar/dockerfile.lark not found")


def grammar_text(escape: str) -> str:
    """The grammar for one escape character (what generate.py hands to lark)."""
    with open(grammar_path(), encoding="utf-8") as handle:
        return handle.read().replace("@E@", re.escape(escape))


_SPACES = "\t\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_SPLIT_LINE = re.compile(f"([{_SPACES}]*)(.*?)(\\r*\\n|\\r*\\Z)", re.S)
_INDENT = re.compile(f"[{_SPACES}]*")  # an instruction's first line: its text follows


class _Builder:
    """Builds nodes while the LALR parser reduces (no intermediate tree).

    Tokens are ``(terminal, text, line)`` tuples of whole physical lines; this
    splits each into the node fields (indentation, text, continuation, line
    ending).
    """

    def __init__(self, escape: str) -> None:
        self.escape = escape
        self._continued = re.compile(re.escape(escape) + r"[ \t]*\r*\n?\Z")

    def start(self, children):
        return children

    def blank(self, children):
        _, line, number = children[0]
        indent, _, newline = _SPLIT_LINE.fullmatch(line).groups()
        return BlankLine(indent=indent, newline=newline, start_line=number)

    def comment(self, children):
        _, line, number = children[0]
        indent, text, newline = _SPLIT_LINE.fullmatch(line).groups()
        return Comment(text, indent, newline, start_line=number)

    def instruction(self, children):
        parts = []
        kind, first, start_line = children[0]
        indent = _INDENT.match(first).group()
        if len(children) == 1 and kind == "TEXT_LINE":  # the usual one-line instruction
            line = first[len(indent):]
            body = line.rstrip("\r\n")
            return Instruction((Text(body),) if body else (), indent, line[len(body):], escape=self.escape,
                               start_line=start_line, end_line=start_line)
        newline = ""
        for i, (kind, line, _) in enumerate(children):
            if i == 0:
                line = line[len(indent):]
            if kind == "CONTINUED_LINE":
                cut = self._continued.search(line).start()
                if cut:
                    parts.append(Text(line[:cut]))
                parts.append(Continuation(line[cut:]))
            elif kind == "TEXT_LINE":
                body = line.rstrip("\r\n")
                if body:
                    parts.append(Text(body))
                newline = line[len(body):]
            elif kind == "COMMENT_LINE":
                parts.append(ContinuationComment(line))
            else:
                parts.append(ContinuationBlank(line))
        return Instruction(
            tuple(parts),
            indent,
            newline,
            escape=self.escape,
            start_line=children[0][2],
            end_line=children[-1][2],
        )


@lru_cache(maxsize=None)
def _parser(escape: str) -> Parser:
    return Parser(TABLES[escape], _Builder(escape))


def parse(source: str) -> Dockerfile:
    """Parse Dockerfile text into a lossless tree; ``tree.code == source``."""
    if not isinstance(source, str):
        raise TypeError("parse() takes text (str); decode bytes first")
    bom = BOM if source.startswith(BOM) else ""
    text = source[len(bom):]
    lines = split_lines(text)
    try:
        directives, escape = read_directives(lines)
    except PrelexError as exc:
        raise ParseError(exc.message, exc.line) from None
    try:
        blocks = find_heredocs(lines, escape) if "<<" in text else []
    except PrelexError as exc:
        # BuildKit stops at the first bad line: an instruction before this
        # heredoc may be rejected first.
        if exc.line > 1:
            parse(bom + "".join(lines[: exc.line - 1]))
        raise ParseError(exc.message, exc.line) from None
    if blocks:
        kept = []
        skip = set()
        for block in blocks:
            skip.update(range(block.first_line, block.first_line + block.line_count))
        kept = [line for number, line in enumerate(lines, start=1) if number not in skip]
        text = "".join(kept)
    try:
        body = _parser(escape).parse(text) if text else []
    except UnexpectedInput as exc:  # the grammar accepts any text; this is a bug
        raise ParseError(f"internal parser error: {exc}", exc.line) from None
    body = _finish(body, directives, blocks)
    tree = Dockerfile(tuple(body), bom, escape)
    check_instructions(tree.body)
    return tree


def _finish(body, directives, blocks):
    """Map lines back to the source, attach heredocs, mark directives."""
    directive_at = {d.line: d for d in directives}
    pending = list(blocks)
    offset = 0
    out = []
    for node in body:
        start = node.start_line + offset
        if type(node) is Instruction:
            end = node.end_line + offset
            heredocs = ()
            if pending and pending[0].after_line == end:
                block = pending.pop(0)
                heredocs = tuple(
                    Heredoc(spec.name, tuple(lines), term, spec.chomp, spec.expand, spec.file_descriptor)
                    for spec, lines, term in zip(block.specs, block.bodies, block.terminators)
                )
                offset += block.line_count
                end += block.line_count
            if offset or heredocs:
                node = node.with_changes(heredocs=heredocs, start_line=start, end_line=end)
        elif type(node) is Comment and start in directive_at:
            d = directive_at[start]
            node = Directive(node.text, node.indent, node.newline, start, d.name, d.value)
        elif offset:
            node = node.with_changes(start_line=start)
        out.append(node)
    if pending:
        raise ParseError("internal parser error: heredoc without instruction", pending[0].after_line)
    return out


def parse_lines(text: str, escape: str, first_line: int) -> list:
    """The line-level nodes of ``text``, whole lines taken from the middle of a file whose
    escape character is ``escape``: no parser directives and no heredocs are looked for. Lines
    are numbered from ``first_line``. Instructions are not checked (``check_instructions``): the
    last one may go on past ``text`` and read differently in the whole file."""
    try:
        return _parser(escape).parse(text, first_line) if text else []
    except UnexpectedInput as exc:  # the grammar accepts any text; this is a bug
        raise ParseError(f"internal parser error: {exc}", exc.line) from None


def check_instructions(nodes) -> None:
    """Reject what BuildKit rejects: bad arguments, unknown instructions."""
    for node in nodes:
        if type(node) is Instruction:
            _check_instruction(node)


def _check_instruction(instruction: Instruction) -> None:
    try:
        args = instruction.arguments
    except ArgumentError as exc:
        raise ParseError(str(exc), instruction.start_line) from None
    keyword = args.command.upper()
    if keyword not in KNOWN_KEYWORDS:
        raise ParseError(f"unknown instruction: {args.command}", instruction.start_line)
    if keyword == "ONBUILD":
        _check_trigger(instruction, args.sub)


def _check_trigger(instruction: Instruction, sub: Optional[object]) -> None:
    if sub is None:
        raise ParseError("ONBUILD requires at least one argument", instruction.start_line)
    trigger = sub.command.upper()  # type: ignore[attr-defined]
    if trigger not in KNOWN_KEYWORDS:
        raise ParseError(f"unknown instruction: {sub.command}", instruction.start_line)  # type: ignore[attr-defined]
    if trigger == "ONBUILD":
        raise ParseError("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed", instruction.start_line)
    if trigger in _NOT_ONBUILD_TRIGGERS:
        raise ParseError(f"{trigger} isn't allowed as an ONBUILD trigger", instruction.start_line)
