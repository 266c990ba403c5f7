"""Compares slimfix's reading of a Dockerfile with BuildKit HEAD's (buildkit_head)."""

from __future__ import annotations

from dataclasses import fields

import slimfix

from .buildkit_directives import read_header
from .buildkit_head import Accepted, Rejected, expect, plausible_error_line, record_of


def disagreements(text: str) -> list[str]:
    """Every way slimfix's parse of `text` differs from BuildKit's; empty if none.

    Raises buildkit_head.CannotEmulate for inputs HEAD's answer is not known for.
    """
    expected = expect(text)
    try:
        tree = slimfix.parse(text)
    except slimfix.ParseError as error:
        if isinstance(expected, Accepted):
            return [f"rejected at line {error.line} ({error.message}) but BuildKit accepts it"]
        if expected.line is not None:
            if error.line == expected.line:
                return []
            return [f"error at line {error.line}, BuildKit: line {expected.line} ({expected.message})"]
        why = plausible_error_line(text, error.line)
        if why is None:
            return []
        return [f"error at line {error.line} ({error.message}) cannot be BuildKit's: {why}"]
    if isinstance(expected, Rejected):
        where = f"line {expected.line}" if expected.line else "a line it does not name"
        return [f"accepted, but BuildKit rejects it at {where}: {expected.message}"]
    problems = _header_disagreements(text, tree)
    got = tuple(record_of(instruction) for instruction in tree.instructions)
    return problems + diff_records(expected.records, got)


def _header_disagreements(text: str, tree) -> list[str]:
    header = read_header(text)
    problems = []
    if tree.escape != header.escape:
        problems.append(f"escape: expected {header.escape!r}, got {tree.escape!r}")
    want = tuple((d.name, d.value) for d in header.directives)
    got = tuple((d.name.lower(), d.value) for d in tree.directives)
    if got != want:
        problems.append(f"directives: expected {want!r}, got {got!r}")
    return problems


def diff_records(expected: tuple, got: tuple) -> list[str]:
    if len(expected) != len(got):
        return [
            "instructions: expected "
            + repr([(r.keyword, r.start_line, r.end_line) for r in expected])
            + ", got "
            + repr([(r.keyword, r.start_line, r.end_line) for r in got])
        ]
    problems = []
    for number, (want, have) in enumerate(zip(expected, got), start=1):
        for field in fields(want):
            a, b = getattr(want, field.name), getattr(have, field.name)
            if a != b:
                problems.append(
                    f"instruction {number} ({want.keyword} at line {want.start_line}) "
                    f"{field.name}: expected {a!r}, got {b!r}"
                )
    return problems
