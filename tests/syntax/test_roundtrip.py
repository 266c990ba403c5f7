"""parse(text).code gives back every byte of the text."""

from __future__ import annotations

import pytest

import slimfix
from .buildkit_head import Accepted, CannotEmulate, expect
from .known_parser_bugs import marked
from .fixture_files import (
    ROUNDTRIP,
    accepted_fixtures,
    corpus_root,
    corpus_texts,
    read_text,
)


@pytest.mark.parametrize("path", marked(accepted_fixtures(), round_trip=True))
def test_fixture_round_trips(path):
    text = read_text(path)
    assert slimfix.parse(text).code == text


@pytest.mark.parametrize(
    "name, marker",
    [
        ("crlf.Dockerfile", "\r\n"),
        ("bom.Dockerfile", "\ufeff"),
        ("cr-alone-mid-line.Dockerfile", "a\rb"),
        ("heredoc-chomp-tabs.Dockerfile", "\n\tEOF\n"),
    ],
)
def test_fixture_bytes_survive_checkout(name, marker):
    """.gitattributes keeps git from normalising the byte-level fixtures."""
    assert marker in read_text(ROUNDTRIP / name)


def test_fixture_without_final_newline_keeps_it_missing():
    text = read_text(ROUNDTRIP / "no-final-newline.Dockerfile")
    assert not text.endswith("\n")
    assert slimfix.parse(text).code == text


def test_corpus_round_trips():
    """Every corpus file BuildKit accepts round-trips; every file it rejects raises."""
    root = corpus_root()
    if root is None:
        pytest.skip("SLIMFIX_CORPUS is not set")
    counts = {"round-tripped": 0, "rejected as BuildKit does": 0, "not UTF-8 text": 0,
              "HEAD behaviour unknown": 0}
    failures = []
    for path, text in corpus_texts(root):
        if text is None:
            counts["not UTF-8 text"] += 1
            continue
        try:
            accepted = isinstance(expect(text), Accepted)
        except CannotEmulate:
            counts["HEAD behaviour unknown"] += 1
            continue
        try:
            code = slimfix.parse(text).code
        except slimfix.ParseError as error:
            if accepted:
                failures.append(f"{path}: ParseError {error} on a file BuildKit accepts")
            else:
                counts["rejected as BuildKit does"] += 1
            continue
        if not accepted:
            failures.append(f"{path}: parsed, but BuildKit rejects it")
        elif code != text:
            failures.append(f"{path}: code differs from the file")
        else:
            counts["round-tripped"] += 1
    print("corpus round trip:", counts, "failures:", len(failures))
    assert not failures, "\n".join(failures[:40])
