"""slimfix reads every fixture (and corpus file) exactly as BuildKit HEAD does."""

from __future__ import annotations

import pytest

import slimfix
from .agreement import disagreements
from .buildkit_head import Accepted, CannotEmulate, Rejected, expect, plausible_error_line
from .known_parser_bugs import marked
from .fixture_files import (
    accepted_fixtures,
    corpus_root,
    corpus_texts,
    expected_error_line,
    fixture_id,
    negative_fixtures,
    read_text,
)


@pytest.mark.parametrize("path", accepted_fixtures(), ids=fixture_id)
def test_fixture_is_accepted_by_buildkit(path):
    """Guards the fixtures themselves: each one is a Dockerfile BuildKit HEAD accepts."""
    assert isinstance(expect(read_text(path)), Accepted)


@pytest.mark.parametrize("path", marked(accepted_fixtures()))
def test_fixture_agrees_with_buildkit(path):
    assert disagreements(read_text(path)) == []


@pytest.mark.parametrize("path", negative_fixtures(), ids=fixture_id)
def test_negative_fixture_is_rejected_by_buildkit_at_its_line(path):
    text, line = read_text(path), expected_error_line(path)
    try:
        expected = expect(text)
    except CannotEmulate as why:
        pytest.skip(f"HEAD's answer cannot be derived from the v0.12.5 oracle: {why}")
    assert isinstance(expected, Rejected)
    if expected.line is not None:
        assert expected.line == line
    else:
        assert plausible_error_line(text, line) is None


@pytest.mark.parametrize("path", marked(negative_fixtures()))
def test_negative_fixture_raises_parse_error_at_its_line(path):
    with pytest.raises(slimfix.ParseError) as caught:
        slimfix.parse(read_text(path))
    error = caught.value
    assert (error.line, error.message != "") == (expected_error_line(path), True)
    assert error.column >= 1


def test_corpus_agrees_with_buildkit():
    root = corpus_root()
    if root is None:
        pytest.skip("SLIMFIX_CORPUS is not set")
    counts = {"agree": 0, "disagree": 0, "not UTF-8 text": 0, "HEAD behaviour unknown": 0}
    report = []
    for path, text in corpus_texts(root):
        if text is None:
            counts["not UTF-8 text"] += 1
            continue
        try:
            problems = disagreements(text)
        except CannotEmulate as why:
            counts["HEAD behaviour unknown"] += 1
            print(f"{path}: HEAD behaviour unknown: {why}")
            continue
        if problems:
            counts["disagree"] += 1
            report.append(f"{path}:\n  " + "\n  ".join(problems[:5]))
        else:
            counts["agree"] += 1
    print("corpus agreement:", counts)
    assert not report, "\n".join(report[:40])
