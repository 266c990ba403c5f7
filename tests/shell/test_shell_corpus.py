"""Every RUN of a real-world corpus round-trips (set SLIMFIX_CORPUS to a folder of Dockerfiles)."""

from __future__ import annotations

import os

import pytest

from slimfix.shell import classify, parse_shell, walk_commands

from .corpus_runs import corpus_runs, runs

CORPUS = os.environ.get("SLIMFIX_CORPUS")


def test_crude_run_extraction():
    text = ("FROM x\n# escape=\\\nRUN apt-get update \\\n# comment\n\n    && apt-get install -y a \\\n    b\n"
            "run --mount=type=cache,target=/root/.cache pip install x\nRUN [\"echo\", \"exec\"]\n"
            "RUN cat <<EOF > /f\nbody\nEOF\nCMD x\n")
    assert list(runs(text)) == ["apt-get update     && apt-get install -y a     b", "pip install x",
                                "cat <<EOF > /f\nbody\nEOF"]


@pytest.mark.skipif(not CORPUS, reason="SLIMFIX_CORPUS is not set")
def test_corpus_runs_round_trip():
    failures = []
    count = 0
    for path, run in corpus_runs(CORPUS):
        count += 1
        script = parse_shell(run)
        if script.code != run:
            failures.append(str(path))
            continue
        for ctx in walk_commands(script):
            classify(ctx.command)
    assert count > 0
    assert failures == []
