"""A table-driven LALR(1) parser with a contextual lexer.

The tables (``_tables.py``) are made by lark from grammar/dockerfile.lark
(see ``generate.py``); this runs them the way lark's LALR parser does, without
importing lark. At each position only the terminals the current state accepts
are tried, in lark's order, and the first that matches wins. Tokens are
``(terminal name, text, 1-based line)`` tuples. A rule whose name starts with
``_`` is inlined: its children are spliced into its parent's; any other rule
hands its children to the callback of the same name.
"""

from __future__ import annotations

import re
from operator import itemgetter
from typing import Any, Callable, Iterator, List, Optional, Tuple

END = "$END"


class UnexpectedInput(ValueError):
    """Text the tables do not accept; ``line`` is 1-based."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


class Parser:
    """One grammar's tables with the callbacks its named rules reduce to."""

    def __init__(self, tables: dict, callbacks: object) -> None:
        self._terminals = tables["terminals"]
        self._lexers = tables["lexers"]
        self._lexer_of_state = tables["lexer_of_state"]
        self._actions = tables["actions"]
        self._start = tables["start"]
        self._end = tables["end"]
        self._rules = tuple(
            (origin, len(shape), _child_filter(shape), getattr(callbacks, callback) if callback else None)
            for origin, shape, callback in tables["rules"]
        )
        self._compiled: List[Optional["re.Pattern[str]"]] = [None] * len(self._lexers)
        self._match_in_state: List[Optional[Callable]] = [None] * len(self._actions)
        # When every state that reads a token has the same lexer (the Dockerfile grammar: one token
        # per line, any line anywhere), the text is cut into tokens in one pass (``_tokens``).
        used = {self._lexers[i] for i in set(self._lexer_of_state)} - {()}
        self._one_lexer: Optional[int] = self._lexers.index(used.pop()) if len(used) == 1 else None

    def _matcher(self, state: int) -> Callable:
        """The state's lexer's match."""
        match = self._match_in_state[state] = self._pattern(self._lexer_of_state[state]).match
        return match

    def _pattern(self, index: int) -> "re.Pattern[str]":
        """A lexer's regex, compiled on first use (states share lexers)."""
        compiled = self._compiled[index]
        if compiled is None:
            pattern = "|".join(f"(?P<{name}>{self._terminals[name]})" for name in self._lexers[index])
            compiled = self._compiled[index] = re.compile(pattern or "(?!)")
        return compiled

    def _tokens(self, text: str, first_line: int, states: list) -> Iterator[Tuple[str, Optional[str], int]]:
        """The tokens of ``text``, then ``(END, None, the last line)``.
        Each token is read by the lexer of the parser's current state (``states[-1]``), or, when
        the grammar has one lexer, the text is cut in one pass: then a state that accepts no token
        meets one as an unexpected token instead of an unexpected character."""
        line, pos, size = first_line, 0, len(text)
        if self._one_lexer is not None:
            matches: Iterator[Any] = self._pattern(self._one_lexer).finditer(text)
        else:
            matches = self._matches_in_states(text, states)
        for match in matches:
            if match.start() != pos:
                break
            pos = match.end()
            value = match.group()
            yield match.lastgroup, value, line
            line += value.count("\n")
        if pos < size:
            raise UnexpectedInput(f"unexpected character {text[pos]!r}", line)
        yield END, None, line

    def _matches_in_states(self, text: str, states: list) -> Iterator[Any]:
        """The matches of the current state's lexer, one after the other, until none matches."""
        pos, size, matchers = 0, len(text), self._match_in_state
        while pos < size:
            match = (matchers[states[-1]] or self._matcher(states[-1]))(text, pos)
            if match is None:
                return
            pos = match.end()
            yield match

    def parse(self, text: str, first_line: int = 1) -> Any:
        """Parse ``text``; tokens are numbered from ``first_line``."""
        actions, rules, end = self._actions, self._rules, self._end
        state = self._start
        states = [state]
        values: list = []
        push_state, push_value = states.append, values.append
        for token in self._tokens(text, first_line, states):
            kind = token[0]
            while True:
                action = actions[state].get(kind)
                if action is None:
                    raise UnexpectedInput(f"unexpected {kind}", token[2])
                if action >= 0:
                    if kind is END:
                        raise UnexpectedInput("unexpected end of text", token[2])
                    state = action
                    push_state(state)
                    push_value(token)
                    break
                origin, count, child_filter, callback = rules[~action]
                if count == 1:  # the usual case: replace the top in place
                    children = [values[-1]]
                    if child_filter is not None:
                        children = child_filter(children)
                    state = states[-1] = actions[states[-2]][origin]
                    values[-1] = callback(children) if callback is not None else children
                elif count:
                    children = values[-count:]
                    del values[-count:]
                    del states[-count:]
                    if child_filter is not None:
                        children = child_filter(children)
                    state = actions[states[-1]][origin]
                    push_state(state)
                    push_value(callback(children) if callback is not None else children)
                else:
                    children = child_filter([]) if child_filter is not None else []
                    state = actions[states[-1]][origin]
                    push_state(state)
                    push_value(callback(children) if callback is not None else children)
                if state == end and kind is END:
                    return values[-1]
        raise UnexpectedInput("unexpected end of text", first_line)  # pragma: no cover - END always returns or raises


def _child_filter(shape: str) -> Optional[Callable[[list], list]]:
    """Per child: ``k`` keep, ``s`` splice (an inlined rule's list), ``-`` drop."""
    if "s" not in shape and "-" not in shape:
        return None
    if shape == "s":  # an inlined rule's list, as it is
        return itemgetter(0)
    if shape == "ss":  # a list grown by one more (the repetitions): as ``filtered`` does it
        return _join_two
    plan = tuple((i, code == "s") for i, code in enumerate(shape) if code != "-")

    def filtered(children: list) -> list:
        out: list = []
        for i, splice in plan:
            if not splice:
                out.append(children[i])
            elif out:
                out += children[i]
            else:  # reuse the first list: left recursion stays linear
                out = children[i]
        return out

    return filtered


def _join_two(children: list) -> list:
    first = children[0]
    if first:
        first += children[1]
        return first
    return children[1]
