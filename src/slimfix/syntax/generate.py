"""Write ``_tables.py``: lark's LALR tables for grammar/dockerfile.lark.

A development tool, run by ``python -m slimfix.regenerate``: it needs lark, which the
run-time parser (``lalr.py``) does not. lark compiles the grammar once per escape
character; this keeps only the data (terminal regexes in the order lark's contextual lexer
tries them, the parse table, the shape of each rule) with states and rules renumbered
canonically, so regenerating gives the same bytes.
"""

from __future__ import annotations

import re
from pathlib import Path

import lark
from lark import Lark
from lark.grammar import Terminal
from lark.parsers.lalr_analysis import Shift

from .parser import ESCAPES, grammar_text

TARGET = Path(__file__).with_name("_tables.py")


def lark_parser(grammar: str, **options) -> Lark:
    """The parser the tables come from (tests build it with a transformer to compare)."""
    return Lark(grammar, parser="lalr", lexer="contextual", maybe_placeholders=False, **options)


def tables(grammar: str) -> dict:
    """The data lalr.Parser runs, from lark's LALR analysis of ``grammar``
    (plus ``rule_text``, each rule as lark reads it, for the comments)."""
    parser = lark_parser(grammar)
    table = parser.parser.parser.parser.parse_table
    lexers = parser.parser.lexer.lexers
    (start,) = table.start_states.values()
    (end,) = table.end_states.values()

    # Canonical state numbers: breadth first from the start, symbols sorted.
    order = [start]
    for state in order:
        for symbol in sorted(table.states[state]):
            action, target = table.states[state][symbol]
            if action is Shift and target not in order:
                order.append(target)
    number = {state: i for i, state in enumerate(order)}
    reductions = {arg for acts in table.states.values() for action, arg in acts.values() if action is not Shift}
    rules = sorted(reductions, key=lambda r: (r.origin.name, [s.name for s in r.expansion]))
    rule_number = {rule: i for i, rule in enumerate(rules)}

    terminals = {}
    lexer_names: list = []
    lexer_of_state = []
    for state in order:
        scanned = _scanner_terminals(lexers[state])
        terminals.update((t.name, t.pattern.to_regexp()) for t in scanned)
        names = tuple(t.name for t in scanned)
        if names not in lexer_names:
            lexer_names.append(names)
        lexer_of_state.append(lexer_names.index(names))

    actions = []
    for state in order:
        row = {}
        for symbol, (action, arg) in table.states[state].items():
            row[symbol] = number[arg] if action is Shift else ~rule_number[arg]
        actions.append(row)
    return {
        "terminals": terminals,
        "lexers": lexer_names,
        "lexer_of_state": lexer_of_state,
        "actions": actions,
        "rules": [_rule_shape(rule) for rule in rules],
        "rule_text": [f"{rule.origin.name}: {' '.join(s.name for s in rule.expansion)}" for rule in rules],
        "start": number[start],
        "end": number[end],
    }


def _scanner_terminals(lexer) -> list:
    """The terminals in the order lark tries them; refuses what lalr.py does not do."""
    scanner = lexer.scanner
    if lexer.callback or lexer.ignore_types or lexer.g_regex_flags or lexer.re is not re or len(scanner._mres) > 1:
        raise ValueError("the grammar uses a lexer feature lalr.py does not implement")
    return scanner.terminals


def _rule_shape(rule) -> tuple:
    """(origin, per child: k keep / s splice an inlined rule / - drop, callback or None if inlined)."""
    options = rule.options
    if options.expand1 or options.keep_all_tokens:
        raise ValueError(f"rule {rule} uses a tree option lalr.py does not implement")
    shape = ""
    for symbol in rule.expansion:
        if isinstance(symbol, Terminal):
            shape += "-" if symbol.filter_out else "k"
        else:
            shape += "s" if symbol.name.startswith("_") else "k"
    name = rule.origin.name
    callback = None if name.startswith("_") else (rule.alias or options.template_source or name)
    return (str(name), shape, callback and str(callback))


def render() -> str:
    version = ".".join(lark.__version__.split(".")[:2])
    out = [
        f'"""Generated from grammar/dockerfile.lark by `python -m slimfix.regenerate` with lark {version}.',
        "",
        "Do not edit: change the grammar and regenerate. Read by lalr.py; per escape",
        "character: actions[state][symbol] is a target state to shift to (>= 0) or",
        "~rule to reduce by; rules are (origin, child shape, callback); lexers list",
        "terminal names in the order they are tried.",
        '"""',
        "",
        "# fmt: off",
        "TABLES = {",
    ]
    for escape in ESCAPES:
        data = tables(grammar_text(escape))
        notes = data.pop("rule_text")
        out.append(f"    {escape!r}: {{")
        out.append("        'terminals': {")
        out += [f"            {name!r}: {regex!r}," for name, regex in sorted(data["terminals"].items())]
        out.append("        },")
        out.append("        'lexers': (")
        out += [f"            {names!r}," for names in data["lexers"]]
        out.append("        ),")
        out.append(f"        'lexer_of_state': {tuple(data['lexer_of_state'])!r},")
        out.append("        'actions': (")
        for state, row in enumerate(data["actions"]):
            items = ", ".join(f"{symbol!r}: {row[symbol]}" for symbol in sorted(row))
            out.append(f"            {{{items}}},  # {state}")
        out.append("        ),")
        out.append("        'rules': (")
        for i, (rule, note) in enumerate(zip(data["rules"], notes)):
            out.append(f"            {rule!r},  # {i} {note}".rstrip())
        out.append("        ),")
        out.append(f"        'start': {data['start']},")
        out.append(f"        'end': {data['end']},")
        out.append("    },")
    out.append("}")
    return "\n".join(out) + "\n"

