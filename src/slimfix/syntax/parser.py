"""Text to concrete syntax tree: pre-lexer, lark grammar, node builder."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Optional

from lark import Lark, Transformer
from lark.exceptions import LarkError

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
from .prelex import BOM, PrelexError, find_heredocs, read_directives, split_lines

_PART = {
    "TEXT": Text,
    "CONTINUATION": Continuation,
    "CONTINUATION_COMMENT": ContinuationComment,
    "CONTINUATION_BLANK": ContinuationBlank,
}
_NOT_ONBUILD_TRIGGERS = ("ONBUILD", "FROM", "MAINTAINER")


class ParseError(ValueError):
    """Input that BuildKit rejects. ``line`` and ``column`` are 1-based."""

    def __init__(self, message: str, line: int, column: int = 1) -> None:
        super().__init__(f"{line}:{column}: {message}")
        self.message = message
        self.line = line
        self.column = column


def grammar_path() -> Path:
    """The grammar file: inside the installed package, or the source tree's."""
    here = Path(__file__).resolve()
    for candidate in (here.parents[1] / "grammar", here.parents[3] / "grammar"):
        path = candidate / "dockerfile.lark"
        if path.is_file():
            return path
    raise FileNotFoundError("grammar/dockerfile.lark not found")


class _Builder(Transformer):
    """Builds nodes while the LALR parser reduces (no intermediate tree)."""

    def __init__(self, escape: str) -> None:
        super().__init__()
        self.escape = escape

    def start(self, children):
        return children

    def blank(self, children):
        indent = newline = ""
        for token in children:
            if token.type == "INDENT":
                indent = str(token)
            else:
                newline = str(token)
        return BlankLine(indent, newline, start_line=children[0].line)

    def comment(self, children):
        indent = text = newline = ""
        for token in children:
            kind = token.type
            if kind == "INDENT":
                indent = str(token)
            elif kind == "COMMENT":
                text = str(token)
            else:
                newline = str(token)
        return Comment(text, indent, newline, start_line=children[0].line)

    def instruction(self, children):
        indent = newline = ""
        parts = []
        for token in children:
            kind = token.type
            if kind == "INDENT":
                indent = str(token)
            elif kind == "EOL":
                newline = str(token)
            else:
                parts.append(_PART[kind](str(token)))
        last = children[-1]
        if last.type == "EOL" and len(children) > 1:
            last = children[-2]
        return Instruction(
            tuple(parts),
            indent,
            newline,
            escape=self.escape,
            start_line=children[0].line,
            end_line=last.line,
        )


@lru_cache(maxsize=None)
def _parser(escape: str) -> Lark:
    grammar = grammar_path().read_text(encoding="utf-8").replace("@E@", re.escape(escape))
    return Lark(
        grammar,
        parser="lalr",
        lexer="contextual",
        transformer=_Builder(escape),
        maybe_placeholders=False,
        cache=True,
    )


def parse(source: str) -> Dockerfile:
    """Parse Dockerfile text into a lossless tree; ``tree.code == source``."""
    if not isinstance(source, str):
        raise TypeError("parse() takes text (str); decode bytes first")
    bom = BOM if source.startswith(BOM) else ""
    text = source[len(bom):]
    lines = split_lines(text)
    try:
        directives, escape = read_directives(lines)
        blocks = find_heredocs(lines, escape) if "<<" in text else []
    except PrelexError as exc:
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
    except LarkError as exc:  # the grammar accepts any text; this is a bug
        line = getattr(exc, "line", 1) or 1
        raise ParseError(f"internal parser error: {exc}", line) from None
    body = _finish(body, directives, blocks)
    tree = Dockerfile(tuple(body), bom, escape)
    _check(tree)
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


def _check(tree: Dockerfile) -> None:
    """Reject what BuildKit rejects: bad arguments, unknown instructions."""
    for instruction in tree.instructions:
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
