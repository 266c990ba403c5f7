"""Error recovery: how far an unparsable command reaches, for the parser's Opaque nodes."""

from __future__ import annotations

from slimfix.shell.lexer import BLANKS, DELIMS, LITERAL_RE

OPENERS = frozenset(("if", "case", "do", "{"))
ENDERS = frozenset(("fi", "esac", "done", "}"))
_COMMAND_POSITION_AFTER = frozenset(("then", "do", "else", "elif", "if", "while", "until", "{", "!", "time"))


def skip_command(s: str, start: int, n: int, close: bool, stops: frozenset, case: bool) -> int:
    """Tolerant scan over a command that failed to parse: to the next list separator outside
    quotes, parentheses and keyword pairs, or to a closer of the enclosing construct."""
    pos = start
    while pos < n and s[pos] in ";&|":  # a stray operator where a command should start
        pos += 1
    parens = keywords = 0
    command_position = True
    while pos < n:
        c = s[pos]
        if c in BLANKS:
            pos += 1
        elif c == "\\":
            pos += 2
            command_position = False
        elif c == "#" and s[pos - 1] in DELIMS:
            e = s.find("\n", pos, n)
            pos = n if e < 0 else e
        elif c in "'\"`":
            pos = _skip_quoted(s, pos, n)
            command_position = False
        elif c == "(":
            parens += 1
            pos += 1
            command_position = True
        elif c == ")":
            if parens == 0 and keywords == 0 and close and pos > start:
                return _trim(s, start, pos)
            parens = max(parens - 1, 0)
            pos += 1
        elif c in "\n;&|":
            if parens == 0 and keywords == 0:
                if c == "|" and not s.startswith("||", pos):
                    pos += 1
                elif c == "&" and s.startswith("&>", pos):
                    pos += 2
                elif c == ";" and not case and s.startswith((";;", ";&"), pos):
                    pos += 2
                else:
                    return _trim(s, start, pos)
            else:
                pos += 1
            command_position = True
        elif c in "<>":
            pos += 1
            command_position = False
        elif c == "$":
            pos = _skip_braces(s, pos + 2, n) if s.startswith("${", pos) else pos + 1
            command_position = False
        else:
            m = LITERAL_RE.match(s, pos, n)
            assert m is not None
            word = m.group()
            if command_position and (m.end() >= n or s[m.end()] in DELIMS):
                if word in OPENERS:
                    keywords += 1
                elif word in ENDERS:
                    if keywords == 0 and word in stops and pos > start:
                        return _trim(s, start, pos)
                    keywords = max(keywords - 1, 0)
                command_position = word in _COMMAND_POSITION_AFTER or word in ENDERS
            else:
                command_position = False
            pos = m.end()
    return n


def _skip_quoted(s: str, pos: int, n: int) -> int:
    """Offset after the quoted string starting at ``pos`` (end of text if unterminated)."""
    q = s[pos]
    e = pos + 1
    while e < n and s[e] != q:
        e += 2 if s[e] == "\\" and q != "'" else 1
    return min(e + 1, n)


def _skip_braces(s: str, pos: int, n: int) -> int:
    depth = 1
    while pos < n:
        if s[pos] == "{":
            depth += 1
        elif s[pos] == "}":
            depth -= 1
            if depth == 0:
                return pos + 1
        pos += 1
    return n


def _trim(s: str, start: int, end: int) -> int:
    """``end`` moved back over trailing blanks (they belong to the following operator)."""
    while end > start + 1 and s[end - 1] in BLANKS:
        end -= 1
    return max(end, start + 1)
