"""Lexical layer of the shell parser: blanks, comments, here-doc bodies, words and expansions.

``Lexer`` reads from ``text[pos:n]``; the parser subclasses it and supplies ``command_list`` for
the command lists inside ``$(...)``, backticks and ``<(...)``.
"""

from __future__ import annotations

import re
from typing import List, Optional, Tuple

from slimfix.shell.nodes import (
    AnsiCQuoted,
    ArithmeticExpansion,
    Backtick,
    CommandList,
    CommandSubstitution,
    Comment,
    DoubleQuoted,
    Escape,
    HereDoc,
    Literal,
    Node,
    ParamExpansion,
    ProcessSubstitution,
    SingleQuoted,
    Word,
)

BLANKS = " \t\r\f\v"
DELIMS = frozenset(" \t\r\f\v\n|&;()<>")
BLANK_RE = re.compile(r"(?:[ \t\r\f\v]|\\\n)+")
LITERAL_RE = re.compile(r"[^ \t\r\f\v\n|&;()<>'\"\\$`]+")
NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
NO_STOPS: frozenset = frozenset()
_TRIVIA_START = frozenset(" \t\r\f\v\\#\n")
_DQ_LITERAL_RE = re.compile(r"[^\"\\$`]+")
_PARAM_NAME_RE = re.compile(r"[#!]?([A-Za-z_][A-Za-z0-9_]*|[0-9]+|[@*#?$!-])")
_SPECIAL_PARAMS = frozenset("0123456789@*#?$!-")
_ANSI_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "e": "\x1b", "E": "\x1b",
                 "f": "\f", "v": "\v", "\\": "\\", "'": "'", '"': '"', "?": "?"}
_DQ_ESCAPABLE = frozenset('$`"\\\n')


class ParseError(Exception):
    def __init__(self, pos: int, message: str) -> None:
        super().__init__(f"{message} at offset {pos}")
        self.pos = pos


class Lexer:
    def __init__(self, text: str) -> None:
        self.s = text
        self.n = len(text)
        self.pos = 0
        self.pending: List[Tuple[str, bool, int]] = []  # here-docs awaiting the next newline
        self.heredocs: List[HereDoc] = []

    def command_list(self, close: bool, stops: frozenset, case: bool) -> CommandList:
        raise NotImplementedError  # provided by the parser

    def parenthesized(self, width: int) -> Tuple[list, CommandList]:
        """Consume an opener ``width`` characters long (``(``, ``$(``, ``<(``), a command list and
        its ``)``; the parts and the list."""
        opener = self.s[self.pos:self.pos + width]
        self.pos += width
        body = self.command_list(True, NO_STOPS, False)
        parts: list = [opener, body]
        self.close_paren(parts)
        return parts, body

    def close_paren(self, parts: list) -> None:
        """Consume optional trivia and a ``)``."""
        parts.extend(self.trivia(True))
        if not self.s.startswith(")", self.pos) or self.pos >= self.n:
            raise ParseError(self.pos, "expected ')'")
        parts.append(")")
        self.pos += 1

    # --- trivia -------------------------------------------------------------------------------------

    def blanks(self) -> str:
        m = BLANK_RE.match(self.s, self.pos, self.n)
        if m is None:
            return ""
        self.pos = m.end()
        return m.group()

    def trivia(self, newlines: bool) -> list:
        """Blanks, line continuations, comments and (optionally) newlines with here-doc bodies."""
        s, n = self.s, self.n
        if self.pos >= n or s[self.pos] not in _TRIVIA_START:
            return []
        out: list = []
        while self.pos < n:
            m = BLANK_RE.match(s, self.pos, n)
            if m is not None:
                out.append(m.group())
                self.pos = m.end()
                continue
            c = s[self.pos]
            if c == "#":
                e = s.find("\n", self.pos, n)
                e = n if e < 0 else e
                out.append(Comment(self.pos, e, s[self.pos:e]))
                self.pos = e
            elif c == "\n" and newlines:
                out.extend(self.newline())
            else:
                break
        return out

    def newline(self) -> list:
        """Consume one newline and the bodies of here-docs started on the line it ends."""
        s, n = self.s, self.n
        self.pos += 1
        out: list = ["\n"]
        for delimiter, strip_tabs, redirect_start in self.pending:
            start = pos = self.pos
            while pos < n:
                e = s.find("\n", pos, n)
                line_end, nxt = (n, n) if e < 0 else (e, e + 1)
                line = s[pos:line_end]
                pos = nxt
                if (line.lstrip("\t") if strip_tabs else line) == delimiter:
                    break
            doc = HereDoc(start, pos, s[start:pos], delimiter, redirect_start)
            self.heredocs.append(doc)
            out.append(doc)
            self.pos = pos
        self.pending = []
        return out

    # --- words --------------------------------------------------------------------------------------

    def word(self) -> Optional[Word]:
        s, n = self.s, self.n
        start = pos = self.pos
        m = LITERAL_RE.match(s, pos, n)
        if m is not None:
            end = m.end()
            if end >= n or s[end] in DELIMS:  # the common case: one plain literal
                self.pos = end
                return Word(start, end, (Literal(start, end, m.group()),))
        parts: list = []
        while pos < n:
            end = self._literal(LITERAL_RE, pos, parts)
            if end != pos:
                pos = end
                continue
            c = s[pos]
            self.pos = pos
            if c == "'":
                e = s.find("'", pos + 1, n)
                if e < 0:
                    raise ParseError(pos, "unterminated single quote")
                parts.append(SingleQuoted(pos, e + 1, s[pos:e + 1]))
            elif c == '"':
                parts.append(self._double_quoted(pos, 1))
            elif c == "\\":
                text = s[pos:pos + 2]
                parts.append(Escape(pos, pos + len(text), text, "" if text == "\\\n" else text[-1]))
            elif c == "$":
                parts.append(self._dollar(False))
            elif c == "`":
                parts.append(self._backtick())
            elif c in "<>" and not parts and s.startswith("(", pos + 1):
                parts.append(self._process_substitution())
            else:
                break
            pos = parts[-1].end
        self.pos = pos
        if not parts:
            return None
        return Word(start, pos, tuple(parts))

    def _literal(self, pattern: "re.Pattern[str]", pos: int, parts: list) -> int:
        """Where the plain text that ``pattern`` matches at ``pos`` ends (appended to ``parts``
        as a Literal); ``pos`` itself when there is none."""
        m = pattern.match(self.s, pos, self.n)
        if m is None:
            return pos
        end = m.end()
        parts.append(Literal(pos, end, m.group()))
        return end

    def _double_quoted(self, start: int, prefix: int) -> DoubleQuoted:
        s, n = self.s, self.n
        pos = start + prefix
        parts: list = [s[start:pos]]
        while True:
            if pos >= n:
                raise ParseError(start, "unterminated double quote")
            end = self._literal(_DQ_LITERAL_RE, pos, parts)
            if end != pos:
                pos = end
                continue
            c = s[pos]
            if c == '"':
                parts.append('"')
                pos += 1
                break
            self.pos = pos
            if c == "\\":
                text = s[pos:pos + 2]
                nxt = text[1:]
                value = ("" if nxt == "\n" else nxt) if nxt in _DQ_ESCAPABLE and nxt else text
                node: Node = Escape(pos, pos + len(text), text, value)
            elif c == "$":
                node = self._dollar(True)
            else:
                node = self._backtick()
            parts.append(node)
            pos = node.end
        self.pos = pos
        return DoubleQuoted(start, pos, tuple(parts))

    def _dollar(self, in_quotes: bool) -> Node:
        s, n = self.s, self.n
        start = self.pos
        nxt = s[start + 1] if start + 1 < n else ""
        if nxt == "(":
            if s.startswith("((", start + 1):
                end = self._scan_arithmetic(start + 3)
                if end is not None:
                    return ArithmeticExpansion(start, end, s[start:end])
            return self._command_substitution()
        if nxt == "{":
            end = self._scan_braces(start + 2)
            m = _PARAM_NAME_RE.match(s, start + 2, end)
            return ParamExpansion(start, end, s[start:end], m.group(1) if m else "")
        if not in_quotes and nxt == "'":
            return self._ansi_c(start)
        if not in_quotes and nxt == '"':
            return self._double_quoted(start, 2)
        m = NAME_RE.match(s, start + 1, n)
        if m is not None:
            return ParamExpansion(start, m.end(), s[start:m.end()], m.group())
        if nxt and nxt in _SPECIAL_PARAMS:
            return ParamExpansion(start, start + 2, s[start:start + 2], nxt)
        return Literal(start, start + 1, "$")

    def _ansi_c(self, start: int) -> AnsiCQuoted:
        s, n = self.s, self.n
        pos = start + 2
        out: list = []
        while pos < n:
            c = s[pos]
            if c == "'":
                return AnsiCQuoted(start, pos + 1, s[start:pos + 1], "".join(out))
            if c == "\\" and pos + 1 < n:
                e = s[pos + 1]
                out.append(_ANSI_ESCAPES.get(e, "\\" + e))
                pos += 2
            else:
                out.append(c)
                pos += 1
        raise ParseError(start, "unterminated $'...'")

    def _command_substitution(self) -> CommandSubstitution:
        start = self.pos
        parts, body = self.parenthesized(2)
        return CommandSubstitution(start, self.pos, tuple(parts), body)

    def _process_substitution(self) -> ProcessSubstitution:
        start = self.pos
        parts, body = self.parenthesized(2)
        return ProcessSubstitution(start, self.pos, tuple(parts), body)

    def _backtick(self) -> Backtick:
        s, n = self.s, self.n
        start = self.pos
        pos = start + 1
        while pos < n and s[pos] != "`":
            pos += 2 if s[pos] == "\\" else 1
        if pos >= n:
            raise ParseError(start, "unterminated backtick")
        close = pos
        inner = s[start + 1:close]
        if "\\" in inner:
            self.pos = close + 1
            return Backtick(start, close + 1, ("`", inner, "`"), None)
        saved_n = self.n
        self.n = close
        self.pos = start + 1
        try:
            body = self.command_list(False, NO_STOPS, False)
            parts: list = ["`", body]
            parts.extend(self.trivia(True))
        finally:
            self.n = saved_n
        parts.append("`")
        self.pos = close + 1
        return Backtick(start, close + 1, tuple(parts), body)

    # --- scanners -----------------------------------------------------------------------------------

    def _scan_arithmetic(self, pos: int) -> Optional[int]:
        """End offset of ``((...))`` whose inner text starts at ``pos``, or None if not arithmetic."""
        s, n = self.s, self.n
        depth = 0
        while pos < n:
            c = s[pos]
            if c == "(":
                depth += 1
            elif c == ")":
                if depth == 0:
                    return pos + 2 if s.startswith("))", pos) else None
                depth -= 1
            elif c == "\\":
                pos += 1
            elif c in "'\"`":
                e = s.find(c, pos + 1, n)
                if e < 0:
                    return None
                pos = e
            pos += 1
        return None

    def _scan_braces(self, pos: int) -> int:
        """End offset of a ``${...}`` whose content starts at ``pos``."""
        s, n = self.s, self.n
        depth = 1
        while pos < n:
            c = s[pos]
            if c == "}":
                depth -= 1
                if depth == 0:
                    return pos + 1
            elif c == "\\":
                pos += 1
            elif c == "$" and s.startswith("${", pos):
                depth += 1
                pos += 1
            elif c == "$" and s.startswith("$(", pos):
                self.pos = pos
                pos = self._dollar(True).end
                continue
            elif c == "'":
                e = s.find("'", pos + 1, n)
                if e < 0:
                    break
                pos = e
            elif c == '"':
                pos = self._double_quoted(pos, 1).end
                continue
            elif c == "`":
                self.pos = pos
                pos = self._backtick().end
                continue
            pos += 1
        raise ParseError(pos, "unterminated ${")
