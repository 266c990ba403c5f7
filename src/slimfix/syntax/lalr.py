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
from itertools import chain
from operator import itemgetter
from typing import Any, Callable, List, Optional

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
        # per line, any line anywhere), the text is cut into tokens in one pass (``_parse_all``).
        used = {self._lexers[i] for i in set(self._lexer_of_state)} - {()}
        self._one_lexer: Optional[int] = self._lexers.index(used.pop()) if len(used) == 1 else None

    def _matcher(self, state: int) -> Callable:
        """The state's lexer's match."""
        match = self._match_in_state[state] = self._pattern(self._lexer_of_state[state]).match
        return match

    def parse(self, text: str, first_line: int = 1) -> Any:
        """Parse ``text``; tokens are numbered from ``first_line``."""
        if self._one_lexer is not None:
            return self._parse_all(text, first_line)
        return self._parse_in_states(text, first_line)

    def _pattern(self, index: int) -> "re.Pattern[str]":
        """A lexer's regex, compiled on first use (states share lexers)."""
        compiled = self._compiled[index]
        if compiled is None:
            pattern = "|".join(f"(?P<{name}>{self._terminals[name]})" for name in self._lexers[index])
            compiled = self._compiled[index] = re.compile(pattern or "(?!)")
        return compiled

    def _parse_all(self, text: str, first_line: int) -> Any:
        """``_parse_in_states`` for a grammar with one lexer: the same tokens, the same actions,
        with the lexing and the stacks' bookkeeping in fewer steps. A state that accepts no
        token meets one here as an unexpected token instead of an unexpected character."""
        actions, rules, end = self._actions, self._rules, self._end
        state = self._start
        states = [state]
        values: list = []
        push_state, push_value = states.append, values.append
        line, pos = first_line, 0
        for match in chain(self._pattern(self._one_lexer).finditer(text), (None,)):
            if match is not None:
                if match.start() != pos:
                    raise UnexpectedInput(f"unexpected character {text[pos]!r}", line)
                pos = match.end()
                kind = match.lastgroup
                value = match.group()
                token: Any = (kind, value, line)
                line += value.count("\n")
            else:
                if pos < len(text):
                    raise UnexpectedInput(f"unexpected character {text[pos]!r}", line)
                kind, token = END, None
            while True:
                action = actions[state].get(kind)
                if action is None:
                    raise UnexpectedInput(f"unexpected {kind}", line if token is None else token[2])
                if action >= 0:
                    if token is None:
                        raise UnexpectedInput("unexpected end of text", line)
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
                    if state == end and token is None:
                        return values[-1]
                    continue
                if count:
                    children = values[-count:]
                    del values[-count:]
                    del states[-count:]
                else:
                    children = []
                if child_filter is not None:
                    children = child_filter(children)
                state = actions[states[-1]][origin]
                push_state(state)
                push_value(callback(children) if callback is not None else children)
                if state == end and token is None:
                    return values[-1]
        raise UnexpectedInput("unexpected end of text", line)  # pragma: no cover - END always returns or raises

    def _parse_in_states(self, text: str, first_line: int) -> Any:
        actions, rules, matchers, end = self._actions, self._rules, self._match_in_state, self._end
        state = self._start
        states = [state]
        values: list = []
        pos, line, size = 0, first_line, len(text)
        while True:
            if pos < size:
                match = (matchers[state] or self._matcher(state))(text, pos)
                if match is None:
                    raise UnexpectedInput(f"unexpected character {text[pos]!r}", line)
                kind = match.lastgroup
                value = match.group()
                token: Any = (kind, value, line)
                line += value.count("\n")
                pos = match.end()
            else:
                kind, token = END, None
            while True:
                action = actions[state].get(kind)
                if action is None:
                    raise UnexpectedInput(f"unexpected {kind}", line if token is None else token[2])
                if action >= 0:
                    if token is None:
                        raise UnexpectedInput("unexpected end of text", line)
                    state = action
                    states.append(state)
                    values.append(token)
                    break
                origin, count, child_filter, callback = rules[~action]
                if count:
                    children = values[-count:]
                    del values[-count:]
                    del states[-count:]
                else:
                    children = []
                if child_filter is not None:
                    children = child_filter(children)
                value = callback(children) if callback is not None else children
                state = actions[states[-1]][origin]
                states.append(state)
                values.append(value)
                if state == end and token is None:
                    return value


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
