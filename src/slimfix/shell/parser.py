"""Hand-written recursive-descent parser for the POSIX sh / bash subset found in Dockerfile RUNs.

``parse_shell(text)`` never raises on malformed input: a command it cannot model becomes an ``Opaque``
node spanning that command (found by a tolerant scan to the next separator), and parsing resumes after
it. Every node is built from contiguous slices of ``text``, so ``parse_shell(text).code == text``.
"""

from __future__ import annotations

import re
from typing import List, Optional, Tuple

from slimfix.shell.nodes import (
    AnsiCQuoted,
    ArrayLiteral,
    ArithmeticCommand,
    ArithmeticExpansion,
    Assignment,
    Backtick,
    BraceGroup,
    Case,
    CaseClause,
    CommandList,
    CommandSubstitution,
    Comment,
    Compound,
    DoubleBracket,
    DoubleQuoted,
    Escape,
    For,
    FunctionDef,
    HereDoc,
    If,
    Literal,
    Node,
    Opaque,
    Operator,
    ParamExpansion,
    Pipeline,
    ProcessSubstitution,
    Redirect,
    Script,
    SimpleCommand,
    SingleQuoted,
    Subshell,
    Until,
    While,
    Word,
)

_BLANKS = " \t\r\f\v"
_DELIMS = frozenset(" \t\r\f\v\n|&;()<>")
_TRIVIA_START = frozenset(" \t\r\f\v\\#\n")
_BLANK_RE = re.compile(r"(?:[ \t\r\f\v]|\\\n)+")
_LITERAL_RE = re.compile(r"[^ \t\r\f\v\n|&;()<>'\"\\$`]+")
_DQ_LITERAL_RE = re.compile(r"[^\"\\$`]+")
_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ASSIGN_RE = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(\+?=)")
_REDIRECT_RE = re.compile(r"(\d*)(>>|>&|>\||<<<|<<-|<<|<&|<>|>|<)|()(&>>|&>)")
_PARAM_NAME_RE = re.compile(r"[#!]?([A-Za-z_][A-Za-z0-9_]*|[0-9]+|[@*#?$!-])")
_FUNC_PARENS_RE = re.compile(r"\([ \t]*\)")
_SPECIAL_PARAMS = frozenset("0123456789@*#?$!-")
_CLOSERS = frozenset(("then", "else", "elif", "fi", "do", "done", "esac", "}"))
_RESERVED = _CLOSERS | {"if", "case", "for", "while", "until", "{", "!", "function", "select", "[["}
_OPENERS = frozenset(("if", "case", "do", "{"))
_ENDERS = frozenset(("fi", "esac", "done", "}"))
_CMD_POSITION_AFTER = frozenset(("then", "do", "else", "elif", "if", "while", "until", "{", "!", "time"))
_NO_STOPS: frozenset = frozenset()
_ANSI_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "e": "\x1b", "E": "\x1b",
                 "f": "\f", "v": "\v", "\\": "\\", "'": "'", '"': '"', "?": "?"}
_DQ_ESCAPABLE = frozenset('$`"\\\n')


class ParseError(Exception):
    def __init__(self, pos: int, message: str) -> None:
        super().__init__(f"{message} at offset {pos}")
        self.pos = pos


class _Parser:
    def __init__(self, text: str) -> None:
        self.s = text
        self.n = len(text)
        self.pos = 0
        self.pending: List[Tuple[str, bool, int]] = []  # here-docs awaiting the next newline
        self.heredocs: List[HereDoc] = []
        self.opaque = False

    # --- entry --------------------------------------------------------------------------------------

    def script(self) -> Script:
        body = self.command_list(False, _NO_STOPS, False)
        parts: list = [body]
        parts.extend(self.trivia(True))
        if self.pos < self.n:  # defensive: the list stops only at the end of the text at top level
            parts.append(self._opaque(self.pos, self.n, "unparsed trailing text"))
        return Script(0, self.n, tuple(parts), body, self.opaque, tuple(self.heredocs))

    # --- trivia -------------------------------------------------------------------------------------

    def blanks(self) -> str:
        m = _BLANK_RE.match(self.s, self.pos, self.n)
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
            m = _BLANK_RE.match(s, self.pos, n)
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

    # --- lists and pipelines ------------------------------------------------------------------------

    def command_list(self, close: bool, stops: frozenset, case: bool) -> CommandList:
        """Commands up to the end of the text, an unmatched ``)`` (close), a keyword in ``stops``, or
        ``;;`` (case)."""
        start = self.pos
        parts = self.trivia(True)
        items: list = []
        ops: list = []
        while not self._at_list_end(close, stops, case):
            item = self._item(close, stops, case)
            save = self.pos
            op = self._operator()
            if op is not None and op.op in ("&&", "||") and self._at_list_end(close, stops, case):
                item = self._opaque(item.start, self.pos, f"nothing after {op.op}")
                items.append(item)
                parts.append(item)
                break
            items.append(item)
            parts.append(item)
            if op is None:
                self.pos = save
                break
            ops.append(op)
            parts.append(op)
        return CommandList(start, self.pos, tuple(parts), tuple(items), tuple(ops))

    def _at_list_end(self, close: bool, stops: frozenset, case: bool) -> bool:
        if self.pos >= self.n:
            return True
        c = self.s[self.pos]
        if c == ")":
            return close
        if c == ";":
            return case and self.s.startswith((";;", ";&"), self.pos)
        return bool(stops) and self._keyword() in stops

    def _item(self, close: bool, stops: frozenset, case: bool) -> Node:
        """One and-or element (a pipeline), or an Opaque node when it cannot be parsed."""
        start = self.pos
        n_pending, n_docs = len(self.pending), len(self.heredocs)
        try:
            node = self.pipeline()
            last = node.commands[-1] if isinstance(node, Pipeline) else node
            # after a compound command a closing keyword may follow directly: `(cd x) fi`
            self._expect_list_follower(close, case, stops if isinstance(last, (Compound, FunctionDef)) else None)
            return node
        except ParseError as err:
            del self.pending[n_pending:]
            del self.heredocs[n_docs:]
            end = self._skip_command(start, close, stops, case)
            self.pos = end
            return self._opaque(start, end, str(err))

    def _expect_list_follower(self, close: bool, case: bool, keywords: Optional[frozenset]) -> None:
        s, pos, n = self.s, self.pos, self.n
        m = _BLANK_RE.match(s, pos, n)
        if m is not None:
            pos = m.end()
        if pos < n and s[pos] == "#":
            pos = s.find("\n", pos, n)
            pos = n if pos < 0 else pos
        if pos >= n:
            return
        c = s[pos]
        if c in "\n&|" or (c == ")" and close):
            return
        if c == ";" and (case or not s.startswith((";;", ";&"), pos)):
            return
        if keywords and self._keyword(pos) in keywords:
            return
        raise ParseError(pos, f"unexpected {c!r}")

    def _operator(self) -> Optional[Operator]:
        s, n = self.s, self.n
        start = self.pos
        parts = self.trivia(False)
        pos = self.pos
        if pos >= n:
            return None
        c = s[pos]
        if c == "&":
            op = "&&" if s.startswith("&&", pos) else "&"
        elif c == "|" and s.startswith("||", pos):
            op = "||"
        elif c == ";":
            if s.startswith((";;", ";&"), pos):
                return None
            op = ";"
        elif c == "\n":
            op = "\n"
        else:
            return None
        if op == "\n":
            parts.extend(self.newline())
        else:
            parts.append(op)
            self.pos = pos + len(op)
        parts.extend(self.trivia(True))
        return Operator(start, self.pos, tuple(parts), op)

    def pipeline(self) -> Node:
        s = self.s
        start = self.pos
        parts: list = []
        negated = False
        if s.startswith("!", start) and (start + 1 >= self.n or s[start + 1] in " \t\n"):
            negated = True
            self.pos += 1
            parts.append("!")
            parts.extend(self.trivia(False))
        cmd = self.command()
        parts.append(cmd)
        commands = [cmd]
        while True:
            save = self.pos
            before = self.blanks()
            pos = self.pos
            if pos < self.n and s[pos] == "|" and not s.startswith("||", pos):
                op = "|&" if s.startswith("|&", pos) else "|"
                self.pos = pos + len(op)
                op_parts = [before, op] if before else [op]
                op_parts.extend(self.trivia(True))
                parts.append(Operator(save, self.pos, tuple(op_parts), op))
                cmd = self.command()
                parts.append(cmd)
                commands.append(cmd)
            else:
                self.pos = save
                break
        if len(commands) == 1 and not negated:
            return cmd
        return Pipeline(start, self.pos, tuple(parts), tuple(commands), negated)

    # --- commands -----------------------------------------------------------------------------------

    def _keyword(self, pos: Optional[int] = None) -> Optional[str]:
        """The reserved word at ``pos`` (default: the current position) if one stands there as a
        whole word."""
        s, n = self.s, self.n
        pos = self.pos if pos is None else pos
        m = _LITERAL_RE.match(s, pos, n)
        if m is None:
            return None
        end = m.end()
        if end < n and s[end] not in _DELIMS:
            return None
        word = m.group()
        return word if word in _RESERVED else None

    def command(self) -> Node:
        s, pos = self.s, self.pos
        if pos >= self.n:
            raise ParseError(pos, "expected a command")
        c = s[pos]
        if c == "(":
            if s.startswith("((", pos):
                end = self._scan_arithmetic(pos + 2)
                if end is not None:
                    self.pos = end
                    return self._compound_tail(ArithmeticCommand, pos, [s[pos:end]])
            return self._subshell()
        kw = self._keyword()
        if kw is None:
            return self.simple_command()
        if kw == "{":
            return self._brace_group()
        if kw == "if":
            return self._if()
        if kw in ("while", "until"):
            return self._while(kw)
        if kw == "for":
            return self._for()
        if kw == "case":
            return self._case()
        if kw == "[[":
            return self._double_bracket()
        if kw == "function":
            return self._function_keyword()
        raise ParseError(pos, f"unexpected {kw!r}")

    def simple_command(self) -> Node:
        s, n = self.s, self.n
        start = self.pos
        parts: list = []
        assignments: list = []
        words: list = []
        redirects: list = []
        while True:
            save = pos = self.pos
            gap = ""
            if parts:
                m = _BLANK_RE.match(s, pos, n)
                if m is not None:
                    gap = m.group()
                    pos = self.pos = m.end()
            if pos >= n:
                self.pos = save
                break
            c = s[pos]
            node: Node
            if c in "<>" and s.startswith("(", pos + 1):
                node = self.word()  # type: ignore[assignment]
                words.append(node)
            elif c in "<>&0123456789" and _REDIRECT_RE.match(s, pos, n):
                node = self._redirect()
                redirects.append(node)
            elif c in "\n;|&)#":
                self.pos = save
                break
            elif c == "(":
                if len(words) == 1 and not assignments and not redirects \
                        and _FUNC_PARENS_RE.match(s, pos, n):
                    self.pos = save
                    return self._function_def(start, parts)
                if gap or not parts or parts[-1] is not (assignments[-1] if assignments else None) \
                        or assignments[-1].value.parts:
                    raise ParseError(pos, "unexpected '('")
                node = assignments[-1] = parts[-1] = self._array_assignment(assignments[-1])
                continue
            else:
                w = self.word()
                if w is None:
                    raise ParseError(pos, f"unexpected {c!r}")
                node = w
                if not words and w.parts[0].__class__ is Literal:
                    m = _ASSIGN_RE.match(w.parts[0].text)  # type: ignore[union-attr]
                    if m is not None:
                        node = self._assignment(w, m)
                        assignments.append(node)
                    else:
                        words.append(w)
                else:
                    words.append(w)
            if gap:
                parts.append(gap)
            parts.append(node)
        if not parts:
            raise ParseError(start, "expected a command")
        return SimpleCommand(start, self.pos, tuple(parts), tuple(assignments), tuple(words),
                             tuple(redirects))

    def _assignment(self, w: Word, m: "re.Match[str]") -> Assignment:
        first = w.parts[0]
        name, op = m.group(1), m.group(2)
        split = first.start + m.end()
        rest: list = []
        if first.end > split:
            rest.append(Literal(split, first.end, first.text[m.end():]))  # type: ignore[union-attr]
        rest.extend(w.parts[1:])
        value = Word(split, w.end, tuple(rest))
        return Assignment(w.start, w.end, (name + op, value), name, op, value)

    def _array_assignment(self, empty: Assignment) -> Assignment:
        """``NAME=`` followed by ``( words... )``."""
        start = self.pos
        self.pos += 1
        parts: list = ["("]
        words: list = []
        while True:
            parts.extend(self.trivia(True))
            if self.pos >= self.n:
                raise ParseError(start, "unterminated array")
            if self.s[self.pos] == ")":
                parts.append(")")
                self.pos += 1
                break
            w = self.word()
            if w is None:
                raise ParseError(self.pos, "unexpected text in array")
            parts.append(w)
            words.append(w)
        array = ArrayLiteral(start, self.pos, tuple(parts), tuple(words))
        value = Word(start, self.pos, (array,))
        return Assignment(empty.start, self.pos, (empty.parts[0], value), empty.name, empty.op, value)

    def _redirect(self) -> Redirect:
        s = self.s
        start = self.pos
        m = _REDIRECT_RE.match(s, start, self.n)
        assert m is not None
        fd = m.group(1) or ""
        op = m.group(2) or m.group(4)
        self.pos = m.end()
        parts: list = [s[start:self.pos]]
        gap = self.blanks()
        if gap:
            parts.append(gap)
        target = self.word()
        if target is None:
            raise ParseError(self.pos, f"missing target after {op}")
        parts.append(target)
        if op in ("<<", "<<-"):
            delimiter = target.value
            if delimiter is None:
                raise ParseError(target.start, "unsupported here-doc delimiter")
            self.pending.append((delimiter, op == "<<-", start))
        return Redirect(start, self.pos, tuple(parts), fd, op, target)

    def _compound_tail(self, cls, start: int, parts: list, **fields) -> Compound:
        """Finish a compound command: redirections after its closing keyword."""
        redirects: list = []
        while True:
            save = self.pos
            gap = self.blanks()
            if self.pos < self.n and self.s[self.pos] in "<>&0123456789" \
                    and _REDIRECT_RE.match(self.s, self.pos, self.n):
                if gap:
                    parts.append(gap)
                r = self._redirect()
                parts.append(r)
                redirects.append(r)
            else:
                self.pos = save
                break
        return cls(start, self.pos, tuple(parts), tuple(redirects), **fields)

    def _take(self, keyword: str, parts: list) -> None:
        """Consume optional trivia and then ``keyword`` (a reserved word or operator)."""
        parts.extend(self.trivia(True))
        if keyword in _RESERVED:
            ok = self._keyword() == keyword
        else:
            ok = self.s.startswith(keyword, self.pos)
        if not ok:
            raise ParseError(self.pos, f"expected {keyword!r}")
        parts.append(keyword)
        self.pos += len(keyword)

    def _subshell(self) -> Compound:
        start = self.pos
        self.pos += 1
        body = self.command_list(True, _NO_STOPS, False)
        parts: list = ["(", body]
        self._take(")", parts)
        return self._compound_tail(Subshell, start, parts, body=body)

    def _brace_group(self) -> Compound:
        start = self.pos
        self.pos += 1
        body = self.command_list(False, frozenset(("}",)), False)
        parts: list = ["{", body]
        self._take("}", parts)
        return self._compound_tail(BraceGroup, start, parts, body=body)

    def _if(self) -> Compound:
        start = self.pos
        self.pos += 2
        parts: list = ["if"]
        conditions: list = []
        branches: list = []
        else_body = None
        while True:
            cond = self.command_list(False, frozenset(("then",)), False)
            parts.append(cond)
            conditions.append(cond)
            self._take("then", parts)
            branch = self.command_list(False, frozenset(("elif", "else", "fi")), False)
            parts.append(branch)
            branches.append(branch)
            parts.extend(self.trivia(True))
            kw = self._keyword()
            if kw == "elif":
                parts.append("elif")
                self.pos += 4
                continue
            if kw == "else":
                parts.append("else")
                self.pos += 4
                else_body = self.command_list(False, frozenset(("fi",)), False)
                parts.append(else_body)
            self._take("fi", parts)
            break
        return self._compound_tail(If, start, parts, conditions=tuple(conditions),
                                   branches=tuple(branches), else_body=else_body)

    def _while(self, keyword: str) -> Compound:
        start = self.pos
        self.pos += len(keyword)
        condition = self.command_list(False, frozenset(("do",)), False)
        parts: list = [keyword, condition]
        body = self._do_group(parts)
        cls = While if keyword == "while" else Until
        return self._compound_tail(cls, start, parts, condition=condition, body=body)

    def _do_group(self, parts: list) -> CommandList:
        self._take("do", parts)
        body = self.command_list(False, frozenset(("done",)), False)
        parts.append(body)
        self._take("done", parts)
        return body

    def _for(self) -> Compound:
        s = self.s
        start = self.pos
        self.pos += 3
        parts: list = ["for"]
        gap = self.blanks()
        m = _NAME_RE.match(s, self.pos, self.n)
        if not gap or m is None or (m.end() < self.n and s[m.end()] not in _DELIMS):
            raise ParseError(self.pos, "expected a loop variable")
        parts.extend((gap, m.group()))
        self.pos = m.end()
        items: Optional[list] = None
        save = self.pos
        lead = self.trivia(True)
        m_in = _LITERAL_RE.match(s, self.pos, self.n)
        if m_in is not None and m_in.group() == "in" and (m_in.end() >= self.n or s[m_in.end()] in _DELIMS):
            parts.extend(lead)
            parts.append("in")
            self.pos = m_in.end()
            items = []
            while True:
                save_w = self.pos
                gap = self.blanks()
                w = self.word() if self.pos < self.n and s[self.pos] not in "#" else None
                if w is None:
                    self.pos = save_w
                    break
                parts.extend((gap, w) if gap else (w,))
                items.append(w)
            parts.extend(self.trivia(False))
            if self.pos < self.n and s[self.pos] == ";":
                parts.append(";")
                self.pos += 1
        else:
            self.pos = save
            parts.extend(self.trivia(False))
            if self.pos < self.n and s[self.pos] == ";":
                parts.append(";")
                self.pos += 1
        body = self._do_group(parts)
        return self._compound_tail(For, start, parts, variable=m.group(),
                                   items=None if items is None else tuple(items), body=body)

    def _case(self) -> Compound:
        s = self.s
        start = self.pos
        self.pos += 4
        parts: list = ["case"]
        parts.extend(self.trivia(False))
        subject = self.word()
        if subject is None:
            raise ParseError(self.pos, "expected a case subject")
        parts.append(subject)
        parts.extend(self.trivia(True))
        m = _LITERAL_RE.match(s, self.pos, self.n)
        if m is None or m.group() != "in":
            raise ParseError(self.pos, "expected 'in'")
        parts.append("in")
        self.pos = m.end()
        clauses: list = []
        while True:
            parts.extend(self.trivia(True))
            if self._keyword() == "esac" or self.pos >= self.n:
                break
            clause = self._case_clause()
            parts.append(clause)
            clauses.append(clause)
            if not clause.terminator:
                break
        self._take("esac", parts)
        return self._compound_tail(Case, start, parts, subject=subject, clauses=tuple(clauses))

    def _case_clause(self) -> CaseClause:
        s = self.s
        start = self.pos
        parts: list = []
        if s.startswith("(", start):
            parts.append("(")
            self.pos += 1
            parts.extend(self.trivia(False))
        patterns: list = []
        while True:
            w = self.word()
            if w is None:
                raise ParseError(self.pos, "expected a case pattern")
            parts.append(w)
            patterns.append(w)
            parts.extend(self.trivia(False))
            c = s[self.pos] if self.pos < self.n else ""
            if c == "|":
                parts.append("|")
                self.pos += 1
                parts.extend(self.trivia(False))
            elif c == ")":
                parts.append(")")
                self.pos += 1
                break
            else:
                raise ParseError(self.pos, "expected ')' after case pattern")
        body = self.command_list(False, frozenset(("esac",)), True)
        parts.append(body)
        parts.extend(self.trivia(True))
        terminator = ""
        for t in (";;&", ";;", ";&"):
            if s.startswith(t, self.pos):
                terminator = t
                parts.append(t)
                self.pos += len(t)
                break
        return CaseClause(start, self.pos, tuple(parts), tuple(patterns), body, terminator)

    def _double_bracket(self) -> Compound:
        s, n = self.s, self.n
        start = self.pos
        self.pos += 2
        parts: list = ["[["]
        words: list = []
        while True:
            parts.extend(self.trivia(True))
            pos = self.pos
            if pos >= n:
                raise ParseError(pos, "unterminated [[")
            if s.startswith("]]", pos) and (pos + 2 >= n or s[pos + 2] in _DELIMS):
                parts.append("]]")
                self.pos += 2
                break
            c = s[pos]
            if c in "()<>!&|;":
                op = s[pos:pos + 2] if s.startswith(("&&", "||"), pos) else c
                parts.append(op)
                self.pos += len(op)
                continue
            w = self.word()
            if w is None:
                raise ParseError(pos, "unexpected text in [[")
            parts.append(w)
            words.append(w)
        return self._compound_tail(DoubleBracket, start, parts, words=tuple(words))

    def _function_keyword(self) -> FunctionDef:
        s = self.s
        start = self.pos
        self.pos += len("function")
        parts: list = ["function"]
        gap = self.blanks()
        name = self.word()
        if not gap or name is None:
            raise ParseError(self.pos, "expected a function name")
        parts.extend((gap, name))
        save = self.pos
        gap = self.blanks()
        m = _FUNC_PARENS_RE.match(s, self.pos, self.n)
        if m is not None:
            parts.extend((gap, m.group()) if gap else (m.group(),))
            self.pos = m.end()
        else:
            self.pos = save
        return self._function_body(start, parts, name)

    def _function_def(self, start: int, parts: list) -> FunctionDef:
        name = parts[0]
        gap = self.blanks()
        m = _FUNC_PARENS_RE.match(self.s, self.pos, self.n)
        assert m is not None
        parts = [name, gap, m.group()] if gap else [name, m.group()]
        self.pos = m.end()
        return self._function_body(start, parts, name)

    def _function_body(self, start: int, parts: list, name: Word) -> FunctionDef:
        parts.extend(self.trivia(True))
        body = self.command()
        if not isinstance(body, Compound):
            raise ParseError(body.start, "function body must be a compound command")
        parts.append(body)
        return FunctionDef(start, self.pos, tuple(parts), name.code, body)

    # --- words --------------------------------------------------------------------------------------

    def word(self) -> Optional[Word]:
        s, n = self.s, self.n
        start = pos = self.pos
        m = _LITERAL_RE.match(s, pos, n)
        if m is not None:
            end = m.end()
            if end >= n or s[end] in _DELIMS:  # the common case: one plain literal
                self.pos = end
                return Word(start, end, (Literal(start, end, m.group()),))
        parts: list = []
        while pos < n:
            m = _LITERAL_RE.match(s, pos, n)
            if m is not None:
                parts.append(Literal(pos, m.end(), m.group()))
                pos = m.end()
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

    def _double_quoted(self, start: int, prefix: int) -> DoubleQuoted:
        s, n = self.s, self.n
        pos = start + prefix
        parts: list = [s[start:pos]]
        while True:
            if pos >= n:
                raise ParseError(start, "unterminated double quote")
            m = _DQ_LITERAL_RE.match(s, pos, n)
            if m is not None:
                parts.append(Literal(pos, m.end(), m.group()))
                pos = m.end()
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
        m = _NAME_RE.match(s, start + 1, n)
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
        self.pos += 2
        body = self.command_list(True, _NO_STOPS, False)
        parts: list = ["$(", body]
        self._take(")", parts)
        return CommandSubstitution(start, self.pos, tuple(parts), body)

    def _process_substitution(self) -> ProcessSubstitution:
        start = self.pos
        opener = self.s[start:start + 2]
        self.pos += 2
        body = self.command_list(True, _NO_STOPS, False)
        parts: list = [opener, body]
        self._take(")", parts)
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
            body = self.command_list(False, _NO_STOPS, False)
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

    def _skip_command(self, start: int, close: bool, stops: frozenset, case: bool) -> int:
        """Tolerant scan over a command that failed to parse: to the next list separator outside
        quotes, parentheses and keyword pairs, or to a closer of the enclosing construct."""
        s, n = self.s, self.n
        pos = start
        while pos < n and s[pos] in ";&|":  # a stray operator where a command should start
            pos += 1
        parens = keywords = 0
        command_position = True
        while pos < n:
            c = s[pos]
            if c in _BLANKS:
                pos += 1
            elif c == "\\":
                pos += 2
                command_position = False
            elif c == "#" and s[pos - 1] in _DELIMS:
                e = s.find("\n", pos, n)
                pos = n if e < 0 else e
            elif c in "'\"`":
                pos = self._skip_quoted(pos)
                command_position = False
            elif c == "(":
                parens += 1
                pos += 1
                command_position = True
            elif c == ")":
                if parens == 0 and keywords == 0 and close and pos > start:
                    return self._trim(start, pos)
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
                        return self._trim(start, pos)
                else:
                    pos += 1
                command_position = True
            elif c in "<>":
                pos += 1
                command_position = False
            elif c == "$":
                pos = self._skip_braces(pos + 2) if s.startswith("${", pos) else pos + 1
                command_position = False
            else:
                m = _LITERAL_RE.match(s, pos, n)
                assert m is not None
                word = m.group()
                if command_position and (m.end() >= n or s[m.end()] in _DELIMS):
                    if word in _OPENERS:
                        keywords += 1
                    elif word in _ENDERS:
                        if keywords == 0 and word in stops and pos > start:
                            return self._trim(start, pos)
                        keywords = max(keywords - 1, 0)
                    command_position = word in _CMD_POSITION_AFTER or word in _ENDERS
                else:
                    command_position = False
                pos = m.end()
        return n

    def _skip_quoted(self, pos: int) -> int:
        """Offset after the quoted string starting at ``pos`` (end of text if unterminated)."""
        s, n = self.s, self.n
        q = s[pos]
        e = pos + 1
        while e < n and s[e] != q:
            e += 2 if s[e] == "\\" and q != "'" else 1
        return min(e + 1, n)

    def _skip_braces(self, pos: int) -> int:
        s, n = self.s, self.n
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

    def _trim(self, start: int, end: int) -> int:
        """``end`` moved back over trailing blanks (they belong to the following operator)."""
        while end > start + 1 and self.s[end - 1] in _BLANKS:
            end -= 1
        return max(end, start + 1)

    def _opaque(self, start: int, end: int, reason: str) -> Opaque:
        self.opaque = True
        return Opaque(start, end, self.s[start:end], reason)


def parse_shell(text: str) -> Script:
    """Parse shell text into a lossless ``Script``; never raises on malformed input."""
    parser = _Parser(text)
    try:
        return parser.script()
    except (ParseError, RecursionError) as err:  # nesting too deep for the recursive parser
        opaque = Opaque(0, len(text), text, str(err))
        body = CommandList(0, len(text), (opaque,), (opaque,), ())
        return Script(0, len(text), (body,), body, True, ())
