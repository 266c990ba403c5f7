"""Every rule over a real-world corpus: set SLIMFIX_CORPUS to a folder of Dockerfiles.

Skipped when the variable is unset (the corpus is not part of the repository).
For each file the official parser accepts: fixing with all safe rules raises
no internal error, the output parses with the official parser, keeps every
comment, and a second run changes nothing.
"""

from __future__ import annotations

import os
from pathlib import Path

import dockerfile
import pytest

from slimfix.config import Settings
from slimfix.fixer import fix_text

from .conftest import comment_lines

CORPUS = os.environ.get("SLIMFIX_CORPUS")
SKIP_SUFFIXES = (".tsv", ".txt", ".py", ".sh", ".md", ".json", ".log")


def corpus_files():
    if not CORPUS:
        return []
    files = []
    for folder, _, names in os.walk(CORPUS):
        for name in names:
            if name == "result" or name.endswith(SKIP_SUFFIXES):
                continue
            files.append(Path(folder, name))
    return sorted(files)


@pytest.mark.skipif(not CORPUS, reason="SLIMFIX_CORPUS is not set")
def test_safe_fixes_over_the_corpus():
    failures = []
    checked = changed = 0
    for path in corpus_files():
        try:
            text = path.read_bytes().decode("utf-8")
            dockerfile.parse_string(text)
        except (UnicodeDecodeError, dockerfile.GoParseError):
            continue
        result = fix_text(text, str(path), Settings())
        checked += 1
        if result.error:
            continue  # rejected input (e.g. an unknown instruction): reported, not fixed
        if result.internal_error:
            failures.append(f"{path}: {result.internal_error.splitlines()[0]}")
            continue
        if not result.changed:
            continue
        changed += 1
        try:
            dockerfile.parse_string(result.output)
        except dockerfile.GoParseError as exc:
            failures.append(f"{path}: output rejected by BuildKit: {exc}")
            continue
        if fix_text(result.output, str(path), Settings()).output != result.output:
            failures.append(f"{path}: a second run changes the output")
        kept = comment_lines(result.output)
        lost = [c for c in comment_lines(text) if c not in kept]
        if lost:
            failures.append(f"{path}: comments lost: {lost[:2]}")
    print(f"corpus: {checked} files checked, {changed} changed, {len(failures)} failures")
    assert not failures, "\n".join(failures[:30])
