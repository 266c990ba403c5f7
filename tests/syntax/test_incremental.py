"""reparse gives exactly the tree parse gives for the edited text, reusing what it can."""

from __future__ import annotations

import os
from pathlib import Path
from typing import List, NamedTuple, Optional

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from slimfix.syntax import ParseError, parse
from slimfix.syntax.incremental import reparse

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


class E(NamedTuple):
    start: int
    end: int
    content: str


def _apply(text: str, edits: List[E]) -> str:
    for edit in sorted(edits, reverse=True):
        text = text[: edit.start] + edit.content + text[edit.end:]
    return text


def _outcome(make):
    try:
        tree = make()
    except ParseError as exc:
        return ("error", exc.message, exc.line)
    return ("tree", tree.code, repr(tree.body), tree.bom, tree.escape)


def assert_same(text: str, edits: List[E]) -> None:
    tree = parse(text)
    expected = _outcome(lambda: parse(_apply(text, edits)))
    assert _outcome(lambda: reparse(tree, text, edits)) == expected


BASE = "# syntax=docker/dockerfile:1\nFROM debian\n# note\nRUN apt-get update\n\nRUN echo a \\\n    && echo b\nCOPY . /app\nCMD [\"x\"]\n"


def at(text: str, needle: str, after: bool = False) -> int:
    i = text.index(needle)
    return i + len(needle) if after else i


@pytest.mark.parametrize(
    "edits",
    [
        [E(at(BASE, "apt-get update", True), at(BASE, "apt-get update", True), " && rm -rf /var/lib/apt/lists/*")],
        # lines added, so later nodes move down
        [E(at(BASE, "apt-get update", True), at(BASE, "apt-get update", True), " \\\n    && apt-get install -y curl")],
        # two RUNs joined: lines removed
        [E(at(BASE, "apt-get update", True), at(BASE, "echo a"), " \\\n    && ")],
        # two separate groups
        [E(at(BASE, "# note"), at(BASE, "# note", True), "# changed"), E(at(BASE, "COPY"), at(BASE, "COPY") + 4, "ADD")],
        # whole lines deleted
        [E(at(BASE, "\nRUN echo a") + 1, at(BASE, "COPY"), "")],
        # the edit leaves an open continuation: the next line joins the instruction
        [E(at(BASE, "COPY . /app", True), at(BASE, "COPY . /app", True), " \\")],
        # an inserted heredoc takes the following lines as its body
        [E(at(BASE, "COPY . /app", True), at(BASE, "COPY . /app", True), " <<EOF")],
        # inside the directive region
        [E(0, at(BASE, "\n"), "# escape=`")],
        # an unknown instruction is rejected with its line
        [E(at(BASE, "COPY"), at(BASE, "COPY") + 4, "COPYY")],
        # at the very end, and with no final newline left
        [E(len(BASE) - 1, len(BASE), "")],
        [E(len(BASE), len(BASE), "RUN true\n")],
        # a line ending removed: the next line joins this one
        [E(at(BASE, "COPY . /app", True), at(BASE, "COPY . /app", True) + 1, " ")],
        # an insertion between two lines
        [E(at(BASE, "COPY"), at(BASE, "COPY"), "RUN inserted\n")],
    ],
)
def test_edits(edits):
    assert_same(BASE, edits)


CLOSED = "FROM a\nRUN c \\\n# x\n\nCOPY . .\nRUN d\n"
CONTINUED = "FROM a\nRUN b\n# comment\n\nRUN c \\\n# inside\n\n    && d\nCOPY . .\n"


@pytest.mark.parametrize(
    "text, edits",
    [
        # found by test_random_edits: a whitespace-only line ending in the escape, inserted before
        # a comment, continues through it onto FROM debian; alone the window is an empty instruction
        ("FROM a\n# comment\nFROM debian\n", [E(7, 7, " \\\n")]),
        ("FROM a\n# comment\nFROM debian\n", [E(7, 7, "\\\n")]),
        ("FROM a\n\nFROM debian\n", [E(7, 7, "  \\\n")]),
        # an edit that opens a continuation over a following comment, blank line or whitespace line
        (CONTINUED, [E(at(CONTINUED, "RUN b", True), at(CONTINUED, "RUN b", True), " \\")]),
        (CONTINUED, [E(at(CONTINUED, "# comment"), at(CONTINUED, "# comment"), "RUN x \\\n")]),
        (CONTINUED, [E(at(CONTINUED, "\n\nRUN c") + 1, at(CONTINUED, "\n\nRUN c") + 1, "  \\\n")]),
        # the window ends on an empty instruction that a later line completes
        (CONTINUED, [E(at(CONTINUED, "RUN b"), at(CONTINUED, "RUN b", True), " \\")]),
        # ... and one the file's end leaves empty
        ("FROM a\nRUN b\n", [E(at("FROM a\nRUN b\n", "RUN b"), 13, " \\\n# c\n")]),
        # edits before, inside and after comments and blank lines inside a continuation
        (CONTINUED, [E(at(CONTINUED, "# inside"), at(CONTINUED, "# inside"), "\n")]),
        (CONTINUED, [E(at(CONTINUED, "# inside", True), at(CONTINUED, "# inside", True) + 1, "")]),
        (CONTINUED, [E(at(CONTINUED, "c \\"), at(CONTINUED, "c \\", True), "c")]),
        (CONTINUED, [E(at(CONTINUED, "    && d"), at(CONTINUED, "    && d"), "# more\n")]),
        # a continuation closed and another opened in separate groups
        (CONTINUED, [E(at(CONTINUED, "c \\") + 1, at(CONTINUED, "c \\", True), ""),
                     E(at(CONTINUED, "COPY . .", True), at(CONTINUED, "COPY . .", True), " \\")]),
        (CLOSED, [E(at(CLOSED, "c \\") + 1, at(CLOSED, "c \\", True), ""),
                  E(at(CLOSED, "COPY . .", True), at(CLOSED, "COPY . .", True), " \\")]),
        # a genuine error in the window is still reported as a full parse reports it
        (CONTINUED, [E(at(CONTINUED, "RUN b"), at(CONTINUED, "RUN b") + 3, "RUNN")]),
    ],
)
def test_continuations_at_the_window_edges(text, edits):
    assert_same(text, edits)


def test_unchanged_nodes_are_reused_and_keep_their_arguments():
    tree = parse(BASE)
    copy_node = tree.instructions[-2]
    assert copy_node.arguments.command == "COPY"  # computed and cached
    point = at(BASE, "apt-get update", True)
    new = reparse(tree, BASE, [E(point, point, " \\\n    && true")])
    moved = new.instructions[-2]
    assert moved.start_line == copy_node.start_line + 1
    assert "arguments" in vars(moved)  # carried over, not worked out again
    assert new.instructions[0] is tree.instructions[0]


def test_bom_and_crlf():
    text = "\ufeffFROM a\r\nRUN x\r\nRUN y\r\n"
    point = text.index("x") + 1
    assert_same(text, [E(point, point, " \\\r\n    && z")])
    assert_same(text, [E(0, 1, "")])


def test_backtick_escape():
    text = "# escape=`\nFROM a\nRUN x `\n    y\nRUN z\n"
    point = text.index("z") + 1
    assert_same(text, [E(point, point, " `\n    && w")])


def test_every_fixture_line_edited():
    files = [p for p in FIXTURES.rglob("*") if p.is_file() and p.suffix in ("", ".Dockerfile")]
    assert len(files) > 100
    checked = 0
    for path in files:
        try:
            text = path.read_bytes().decode("utf-8")
            tree = parse(text)
        except (UnicodeDecodeError, ParseError):
            continue
        offset = len(tree.bom)
        for node in tree.body:
            end = offset + len(node.code)
            cut = end - len(getattr(node, "newline", "")) or end
            assert_same(text, [E(cut, cut, " # x")])
            offset = end
            checked += 1
    assert checked > 1000


LINES = [
    "FROM debian\n", "RUN a\n", "RUN b \\\n", "    && c\n", "# comment\n", "\n", "  \n", "COPY . .\n",
    "RUN <<EOF\n", "echo hi\n", "EOF\n", "ENV A=1\n", "# escape=`\n", "RUN x `\n", "ARG V\n", "RUN q\r\n",
    "  \\\n", "# c \\\n",
]
INSERTS = ["", "x", "\n", " \\\n", " \\", "RUN y\n", "# c\n", "<<EOF", "\r\n", "`\n", "FROM b\n", "FOO bar\n", "\\\n", "\n\\"]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_random_edits(data):
    text = "FROM a\n" + "".join(data.draw(st.lists(st.sampled_from(LINES), max_size=12)))
    try:
        parse(text)
    except ParseError:
        return
    count = data.draw(st.integers(0, 3))
    points = sorted(data.draw(st.lists(st.integers(0, len(text)), min_size=2 * count, max_size=2 * count)))
    edits = [E(points[2 * i], points[2 * i + 1], data.draw(st.sampled_from(INSERTS))) for i in range(count)]
    # non-overlapping edits only (insertions at one point would be ambiguous)
    if any(a.end > b.start or (a.start == a.end == b.start) for a, b in zip(edits, edits[1:])):
        return
    assert_same(text, edits)


def _cross_check_rounds(monkeypatch):
    """Make the fixer compare each reparse with a full parse; returns (mismatches, rounds)."""
    from slimfix import fixer

    mismatches, rounds = [], []

    def checked(tree, text, edits):
        new = reparse(tree, text, edits)
        expected = parse(_apply(text, list(edits)))
        if new.code != expected.code or repr(new.body) != repr(expected.body):
            mismatches.append(text)  # the fixer would swallow an exception as an internal error
        rounds.append(1)
        return new

    monkeypatch.setattr(fixer, "reparse", checked)
    return mismatches, rounds


def test_fix_loop_rounds_match_a_full_parse(monkeypatch):
    """Every round of the fixer over the rule fixtures, unsafe fixes included: the tree reparse
    gives equals the full parse of the round's output."""
    from slimfix import fixer
    from slimfix.config import Settings

    mismatches, rounds = _cross_check_rounds(monkeypatch)
    for path in sorted((FIXTURES / "rules").rglob("*.Dockerfile")):
        text = path.read_text(encoding="utf-8")
        result = fixer.fix_text(text, str(path), Settings(select=("ALL",), unsafe_fixes=True))
        assert result.internal_error is None, path
    assert mismatches == []
    assert len(rounds) > 100


@pytest.mark.skipif(not os.environ.get("SLIMFIX_CORPUS"), reason="SLIMFIX_CORPUS is not set")
def test_fix_loop_rounds_match_a_full_parse_over_the_corpus(monkeypatch):
    from slimfix import fixer
    from slimfix.config import Settings

    mismatches, rounds = _cross_check_rounds(monkeypatch)
    for folder, _, names in os.walk(os.environ["SLIMFIX_CORPUS"]):
        for name in names:
            try:
                text = Path(folder, name).read_bytes().decode("utf-8")
            except UnicodeDecodeError:
                continue
            fixer.fix_text(text, name, Settings(select=("ALL",), unsafe_fixes=True))
    assert mismatches == []
    assert len(rounds) > 1000
