"""The run-time LALR driver (slimfix.syntax.lalr + _tables.py) parses exactly as lark does."""

from __future__ import annotations

import json
import subprocess
import sys
from functools import lru_cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lark import Token, Transformer

import slimfix
from slimfix import regenerate
from slimfix.syntax import generate, parser
from slimfix.syntax._tables import TABLES
from slimfix.syntax.lalr import Parser, UnexpectedInput
from .fixture_files import FIXTURES, corpus_root, corpus_texts, read_text


def lark_twin(callbacks: object, names) -> Transformer:
    """A lark Transformer that hands the same callbacks lark's tokens as the driver's tuples."""

    def forward(name):
        method = getattr(callbacks, name)
        return lambda self, children: method(
            [(c.type, str(c), c.line) if isinstance(c, Token) else c for c in children]
        )

    return type("LarkTwin", (Transformer,), {name: forward(name) for name in names})()


def callback_names(tables: dict) -> set:
    return {callback for _, _, callback in tables["rules"] if callback}


@lru_cache(maxsize=None)
def lark_for(escape: str):
    twin = lark_twin(parser._Builder(escape), callback_names(TABLES[escape]))
    return generate.lark_parser(parser.grammar_text(escape), transformer=twin)


def outcome(parse, text: str):
    """What a parser makes of the text: the nodes (repr shows every field and line) or 'error'."""
    try:
        return [repr(node) for node in parse(text)]
    except Exception:  # lark raises its own errors, the driver UnexpectedInput
        return "error"


def differences(text: str) -> list:
    found = []
    for escape in parser.ESCAPES:
        ours = outcome(parser._parser(escape).parse, text)
        theirs = outcome(lark_for(escape).parse, text)
        if ours != theirs:
            found.append(f"escape {escape!r}: driver {ours!r}\n  lark {theirs!r}")
    return found


def test_committed_tables_are_a_fresh_generation():
    committed = generate.TARGET.read_text(encoding="utf-8")
    assert committed == generate.render(), "_tables.py is out of date: run python -m slimfix.regenerate"


def test_generate_check_reports_a_stale_module(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(generate, "TARGET", tmp_path / "_tables.py")
    assert regenerate.update(generate, check=True) == 1
    assert regenerate.update(generate, check=False) == 0
    assert regenerate.update(generate, check=True) == 0


FIXTURE_FILES = sorted(p for p in FIXTURES.rglob("*") if p.is_file())


def test_fixtures_cover_every_folder():
    folders = {p.relative_to(FIXTURES).parts[0] for p in FIXTURE_FILES}
    assert {"roundtrip", "negative", "seed", "rules"} <= folders


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda p: str(p.relative_to(FIXTURES)))
def test_fixture_parses_as_lark_does(path):
    text = read_text(path)
    assert not differences(text)


SPACES = ["", " ", "\t", "  ", "\u00a0", "\u2003", "\x85", "\u3000", "\x0b", "\r"]
BODIES = ["", "RUN a", "# c", "#", "FROM x AS y", "echo \\\\", "a`b", "\u00e9\u65e5", "\\", "`", "``", "\\\\", "x #"]
ENDINGS = ["\n", "\n", "\r\n", "\r", "\r\r\n", ""]


@st.composite
def lines(draw) -> str:
    indent = draw(st.sampled_from(SPACES))
    body = draw(st.sampled_from(BODIES) | st.text(st.sampled_from("ab #\\`\t\r\u00a0"), max_size=6))
    escape = draw(st.sampled_from(["", "", "\\", "`"]))
    trailing = draw(st.sampled_from(["", " ", "\t ", "\r"]))
    return indent + body + escape + trailing + draw(st.sampled_from(ENDINGS))


@settings(max_examples=200, deadline=None)
@given(st.lists(lines(), max_size=12).map("".join))
def test_generated_text_parses_as_lark_does(text):
    assert not differences(text)


def test_corpus_parses_as_lark_does():
    root = corpus_root()
    if root is None:
        pytest.skip("SLIMFIX_CORPUS is not set")
    failures, count = [], 0
    for path, text in corpus_texts(root):
        if text is not None:
            count += 1
            failures += [f"{path}: {d}" for d in differences(text)]
    print(f"driver and lark agree on {count} corpus files, both escapes; failures: {len(failures)}")
    assert count and not failures, "\n".join(failures[:20])


# A small grammar exercises what dockerfile.lark does not: dropped tokens
# (anonymous or named with "_"), terminals accepted only in some states,
# input the tables reject.
TOY = r"""
start: _pair+
_pair: KEY "=" value _END
_END: /;\n*/
value: NUMBER | WORD | _list
_list: "[" (value ("," value)*)? "]"
KEY: /[A-Z]+/
NUMBER: /[0-9]+/
WORD: /[a-z]+/
"""


class ToyCallbacks:
    def start(self, children):
        return children

    def value(self, children):
        return ("value", children)


@lru_cache(maxsize=None)
def toy():
    tables = generate.tables(TOY)
    twin = lark_twin(ToyCallbacks(), callback_names(tables))
    return Parser(tables, ToyCallbacks()), generate.lark_parser(TOY, transformer=twin)


@pytest.mark.parametrize("text", ["A=1;", "A=1;B=x;", "A=[];B=[1,[a,2]];", "A=[1,2];\n\nB=c;\n"])
def test_toy_grammar_parses_as_lark_does(text):
    ours, theirs = toy()
    assert ours.parse(text) == theirs.parse(text)


def test_toy_grammar_tokens_and_values():
    ours, _ = toy()
    assert ours.parse("A=[1,x];\n\nB=c;") == [
        ("KEY", "A", 1), ("value", [("value", [("NUMBER", "1", 1)]), ("value", [("WORD", "x", 1)])]),
        ("KEY", "B", 3), ("value", [("WORD", "c", 3)]),
    ]


@pytest.mark.parametrize(
    "text, line",
    [
        ("A=1", 1),  # the text ends where ";" is needed
        ("A=1;\n;", 2),  # ";" starts a terminal, but not one this state accepts
        ("A==1;", 1),
        ("A=1;B=[1,", 1),
    ],
)
def test_toy_grammar_rejects_what_lark_rejects(text, line):
    ours, theirs = toy()
    with pytest.raises(UnexpectedInput) as error:
        ours.parse(text)
    assert error.value.line == line
    with pytest.raises(Exception):
        theirs.parse(text)


def test_driver_error_is_an_internal_parse_error(monkeypatch):
    ours, _ = toy()
    monkeypatch.setattr(parser, "_parser", lambda escape: ours)
    with pytest.raises(slimfix.ParseError, match="internal parser error") as error:
        slimfix.parse("FROM a\nRUN b\n")
    assert error.value.line == 1


def test_parsing_does_not_import_lark():
    code = (
        "import sys, json, slimfix, slimfix.syntax\n"
        "slimfix.parse('FROM a\\nRUN b \\\\\\n  c\\n')\n"
        "slimfix.parse('# escape=`\\nFROM a\\nRUN b `\\n  c\\n')\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] == 'lark')))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(result.stdout) == []
