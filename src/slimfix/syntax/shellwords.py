"""BuildKit's shell word splitter, as far as the Dockerfile parser uses it.

BuildKit finds heredocs (``<<EOF``) by splitting the logical line into words
with its own small shell lexer (``frontend/dockerfile/shell/lex.go``), with no
environment and unset variables kept verbatim. This module reproduces that
behaviour, quirks included, so that slimfix finds exactly the heredocs Docker
finds. It is not the shell model used by the rules (see ``slimfix.shell``).
"""

from __future__ import annotations

from typing import Callable


EOF = ""


class ShellWordError(ValueError):
    """The lexer met text it cannot split (unbalanced quote, bad ``${}``)."""


def _go_is_space(ch: str) -> bool:
    return ch in "\t\n\x0b\x0c\r \x85\xa0" or (
        ch > "\xff" and ch in "\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
    )


def _is_letter(ch: str) -> bool:
    return ch.isalpha()


def _is_digit(ch: str) -> bool:
    return ch.isdecimal()  # Unicode category Nd, as Go's unicode.IsDigit (empty: False)


class _Words:
    """Accumulates words; mirrors Go's ``wordsStruct`` over a shared buffer."""

    def __init__(self, buf: list[str]) -> None:
        self.buf = buf  # pieces; a word exists only once they are non-empty
        self.words: list[str] = []
        self.in_word = False

    def add_char(self, ch: str) -> None:
        if _go_is_space(ch) and self.in_word:
            if any(self.buf):
                self.words.append("".join(self.buf))
                self.buf.clear()
                self.in_word = False
        elif not _go_is_space(ch):
            self.add_raw_char(ch)

    def add_raw_char(self, ch: str) -> None:
        self.buf.append(ch)
        self.in_word = True

    def add_string(self, text: str) -> None:
        for ch in text:
            self.add_char(ch)

    def add_raw_string(self, text: str) -> None:
        self.buf.append(text)
        self.in_word = True

    def get_words(self) -> list[str]:
        if any(self.buf):
            self.words.append("".join(self.buf))
            self.buf.clear()
            self.in_word = False
        return self.words


class _Lexer:
    def __init__(self, text: str, raw_quotes: bool, raw_escapes: bool) -> None:
        self.text = text
        self.pos = 0
        self.raw_quotes = raw_quotes
        self.raw_escapes = raw_escapes
        self.words_buffer: list[str] = []  # shared, as in Go (nested calls reset it)

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else EOF

    def next(self) -> str:
        if self.pos >= len(self.text):
            return EOF
        ch = self.text[self.pos]
        self.pos += 1
        return ch

    def process_stop_on(self, stop: str, raw_escapes: bool) -> tuple[str, list[str]]:
        result: list[str] = []
        self.words_buffer.clear()
        words = _Words(self.words_buffer)
        saved = self.raw_escapes
        self.raw_escapes = raw_escapes
        try:
            while self.peek() != EOF:
                ch = self.peek()
                if stop != EOF and ch == stop:
                    self.next()
                    return "".join(result), words.get_words()
                special = self._special(ch)
                if special is not None:
                    tmp = special()
                    result.append(tmp)
                    if ch == "$":
                        words.add_string(tmp)
                    else:
                        words.add_raw_string(tmp)
                    continue
                ch = self.next()
                if ch == "\\":
                    if self.raw_escapes:
                        words.add_raw_char(ch)
                        result.append(ch)
                    ch = self.next()
                    if ch == EOF:
                        break
                    words.add_raw_char(ch)
                else:
                    words.add_char(ch)
                result.append(ch)
            if stop != EOF:
                raise ShellWordError(f"unexpected end of statement while looking for matching {stop}")
            return "".join(result), words.get_words()
        finally:
            self.raw_escapes = saved

    def _special(self, ch: str):
        if ch == "$":
            return self.process_dollar
        if ch == "<":
            return self.process_possible_heredoc
        if ch == "'":
            return self.process_single_quote
        if ch == '"':
            return self.process_double_quote
        return None

    def process_single_quote(self) -> str:
        return self._quoted("'", "single-quote", self._single_quoted_char)

    def process_double_quote(self) -> str:
        return self._quoted('"', "double-quote", self._double_quoted_char)

    def _quoted(self, quote: str, name: str, inner: Callable[[list[str]], None]) -> str:
        """A quoted string up to its closing ``quote``; ``inner`` reads what stands inside."""
        out: list[str] = []
        self._quote_mark(out)
        while True:
            ch = self.peek()
            if ch == EOF:
                raise ShellWordError(f"unexpected end of statement while looking for matching {name}")
            if ch == quote:
                self._quote_mark(out)
                return "".join(out)
            inner(out)

    def _quote_mark(self, out: list[str]) -> None:
        """Consume an opening or closing quote, kept in ``out`` only with ``raw_quotes``."""
        ch = self.next()
        if self.raw_quotes:
            out.append(ch)

    def _single_quoted_char(self, out: list[str]) -> None:
        out.append(self.next())

    def _double_quoted_char(self, out: list[str]) -> None:
        if self.peek() == "$":
            out.append(self.process_dollar())
            return
        ch = self.next()
        if ch == "\\":
            if self.raw_escapes:
                out.append(ch)
            after = self.peek()
            if after == EOF:
                return
            if after in ('"', "$", "\\"):
                ch = self.next()
        out.append(ch)

    def process_name(self) -> str:
        name: list[str] = []
        while self.peek() != EOF:
            ch = self.peek()
            if not name and _is_digit(ch):
                while self.peek() != EOF and _is_digit(self.peek()):
                    name.append(self.next())
                return "".join(name)
            if not name and ch in "@*#?-$!0":
                return self.next()
            if not (_is_letter(ch) or _is_digit(ch) or ch == "_"):
                break
            name.append(self.next())
        return "".join(name)

    def process_dollar(self) -> str:
        self.next()
        if self.peek() != "{":
            name = self.process_name()
            return "$" + name if name else "$"
        self.next()
        if self.peek() == EOF:
            raise ShellWordError("syntax error: missing '}'")
        if self.peek() in "{}:":
            raise ShellWordError("syntax error: bad substitution")
        name = self.process_name()
        ch = self.next()
        modifier = ch
        null_is_unset = False
        if ch == "}":
            return "${%s}" % name
        if ch == ":":
            null_is_unset = True
            ch = self.next()
            modifier += ch
            return self._modifier(name, modifier, ch, null_is_unset)
        if ch and ch in "+-?#%":
            return self._modifier(name, modifier, ch, null_is_unset)
        if ch == "/":
            if self.peek() == "/":
                self.next()  # replace-all: Go drops this slash from the kept text
            pattern = self._stop_on_or_missing("/", True, "syntax error: missing '/' in ${}")
            replacement = self._stop_on_or_missing("}", True, "syntax error: missing '}'")
            return "${%s/%s/%s}" % (name, pattern, replacement)
        raise ShellWordError(f"unsupported modifier ({modifier}) in substitution")

    def _modifier(self, name: str, modifier: str, ch: str, null_is_unset: bool) -> str:
        raw = ch in ("#", "%")
        if null_is_unset and raw:
            raise ShellWordError(f"unsupported modifier ({modifier}) in substitution")
        word = self._stop_on_or_missing("}", raw, "syntax error: missing '}'")
        return "${%s%s%s}" % (name, modifier, word)

    def _stop_on_or_missing(self, stop: str, raw: bool, missing: str) -> str:
        try:
            word, _ = self.process_stop_on(stop, raw)
        except ShellWordError:
            if self.peek() == EOF:
                raise ShellWordError(missing) from None
            raise
        return word

    def process_possible_heredoc(self) -> str:
        self.next()
        if self.peek() != "<":
            return "<"
        self.next()
        space: list[str] = []
        while self.peek() in ("\t", "\r", " ") and self.peek() != EOF:
            space.append(self.next())
        return "<<" + "".join(space)


def process_words(text: str, raw_quotes: bool = False, raw_escapes: bool = False) -> list[str]:
    """Split ``text`` into words as BuildKit's ``Lex.ProcessWords`` does with no env."""
    lexer = _Lexer(text, raw_quotes, raw_escapes)
    _, words = lexer.process_stop_on(EOF, raw_escapes)
    return words
