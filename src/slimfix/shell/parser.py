"""Hand-written recursive-descent parser for the POSIX sh / bash subset found in Dockerfile RUNs.

``parse_shell(text)`` never raises on malformed input: a command it cannot model becomes an ``Opaque``
node spanning that command (found by a tolerant scan to the next separator), and parsing resumes after
it. Every node is built from contiguous slices of ``text``, so ``parse_shell(text).code == text``.
"""

from __future__ import annotations

import re
from typing import Optional, Tuple

from slimfix.shell.lexer import BLANK_RE, DELIMS, LITERAL_RE, NAME_RE, NO_STOPS, Lexer, ParseError
from slimfix.shell.nodes import (
    ArithmeticCommand,
    ArrayLiteral,
    Assignment,
    BraceGroup,
    Case,
    CaseClause,
    CommandList,
    Compound,
    DoubleBracket,
    For,
    FunctionDef,
    If,
    Literal,
    Node,
    Opaque,
    Operator,
    Pipeline,
    Redirect,
    Script,
    SimpleCommand,
    Subshell,
    Until,
    While,
    Word,
)
from slimfix.shell.recovery import skip_command

_ASSIGN_RE = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(\+?=)")
_REDIRECT_RE = re.compile(r"(\d*)(>>|>&|>\||<<<|<<-|<<|<&|<>|>|<)|()(&>>|&>)")
_FUNC_PARENS_RE = re.compile(r"\([ \t]*\)")
_GAP_START = frozenset(" \t\r\f\v\\")  # what BLANK_RE can start with
_CLOSERS = frozenset(("then", "else", "elif", "fi", "do", "done", "esac", "}"))
_RESERVED = _CLOSERS | {"if", "case", "for", "while", "until", "{", "!", "function", "select", "[["}


class _Parser(Lexer):
    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.opaque = False

    # --- entry --------------------------------------------------------------------------------------

    def script(self) -> Script:
        body = self.command_list(False, NO_STOPS, False)
        parts: list = [body]
        parts.extend(self.trivia(True))
        if self.pos < self.n:  # defensive: the list stops only at the end of the text at top level
            parts.append(self._opaque(self.pos, self.n, "unparsed trailing text"))
        return Script(0, self.n, tuple(parts), body, self.opaque, tuple(self.heredocs))

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
            end = skip_command(self.s, start, self.n, close, stops, case)
            self.pos = end
            return self._opaque(start, end, str(err))

    def _expect_list_follower(self, close: bool, case: bool, keywords: Optional[frozenset]) -> None:
        s, pos, n = self.s, self.pos, self.n
        m = BLANK_RE.match(s, pos, n)
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
        m = LITERAL_RE.match(s, pos, n)
        if m is None:
            return None
        end = m.end()
        if end < n and s[end] not in DELIMS:
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
            if parts and pos < n and s[pos] in _GAP_START:
                if s[pos] == " " and (pos + 1 >= n or s[pos + 1] not in _GAP_START):
                    gap = " "  # the usual single space, without the regex
                    pos = self.pos = pos + 1
                else:
                    m = BLANK_RE.match(s, pos, n)
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
        parts, words = self._words_between("(", ")", "", "array")
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
            if not (self.pos < self.n and self.s[self.pos] in "<>&0123456789"
                    and _REDIRECT_RE.match(self.s, self.pos, self.n)):
                self.pos = save  # the blanks belong to what follows
                break
            if gap:
                parts.append(gap)
            redirect = self._redirect()
            parts.append(redirect)
            redirects.append(redirect)
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
        parts, body = self.parenthesized(1)
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
        m = NAME_RE.match(s, self.pos, self.n)
        if not gap or m is None or (m.end() < self.n and s[m.end()] not in DELIMS):
            raise ParseError(self.pos, "expected a loop variable")
        parts.extend((gap, m.group()))
        self.pos = m.end()
        items: Optional[list] = None
        save = self.pos
        lead = self.trivia(True)
        m_in = LITERAL_RE.match(s, self.pos, self.n)
        if m_in is not None and m_in.group() == "in" and (m_in.end() >= self.n or s[m_in.end()] in DELIMS):
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
        m = LITERAL_RE.match(s, self.pos, self.n)
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
        start = self.pos
        parts, words = self._words_between("[[", "]]", "()<>!&|;", "[[")
        return self._compound_tail(DoubleBracket, start, parts, words=tuple(words))

    def _words_between(self, opener: str, closer: str, operators: str, what: str) -> Tuple[list, list]:
        """``opener``, words and trivia, ``closer`` (which must end a word): an array's ``( )`` or a
        test's ``[[ ]]``. The characters in ``operators`` (and ``&&``, ``||``) stay plain strings.
        The parts and the words."""
        s, n = self.s, self.n
        start = self.pos
        self.pos += len(opener)
        parts: list = [opener]
        words: list = []
        while True:
            parts.extend(self.trivia(True))
            pos = self.pos
            if pos >= n:
                raise ParseError(start, f"unterminated {what}")
            end = pos + len(closer)
            if s.startswith(closer, pos) and (end >= n or s[end] in DELIMS or closer in DELIMS):
                parts.append(closer)
                self.pos = end
                return parts, words
            c = s[pos]
            if c in operators:
                op = s[pos:pos + 2] if s.startswith(("&&", "||"), pos) else c
                parts.append(op)
                self.pos += len(op)
                continue
            w = self.word()
            if w is None:
                raise ParseError(pos, f"unexpected text in {what}")
            parts.append(w)
            words.append(w)

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
