"""The indexed lineage queries (``lineage_any``, ``earlier_match``, ``env_value``) answer
exactly what the plain definitions over ``lineage`` answer, on every fixture file, while
costing a constant per question instead of a walk over every earlier instruction."""

from __future__ import annotations

import re
from typing import Dict, List

import pytest

from slimfix.rules import package_caches as pc
from slimfix.semantics.context import FileContext
from slimfix.syntax import ParseError, parse

from .conftest import FIXTURES

FILES = sorted(FIXTURES.parent.glob("**/*.Dockerfile"))
PATTERN = re.compile(r"apt|pip|gem|install|^RUN", re.M)
MULTI_STAGE = """\
FROM debian AS base
ENV A=1 B=2
ARG C=3
RUN echo one
FROM base AS next
ENV A=4
RUN pip install x
ARG D
FROM next
ENV E="5"
RUN gem install y
"""


def environment(ctx: FileContext, instruction) -> Dict[str, str]:
    """The plain definition: ENV along the lineage, ARG of the own stage, last wins."""
    stage = ctx.stage(instruction)
    own = {id(i) for i in stage.instructions}
    env: Dict[str, str] = {}
    for earlier in ctx.lineage(instruction):
        if earlier.keyword == "ENV":
            for key, value in earlier.pairs:
                env[key] = pc._unquote(value)
        elif earlier.keyword == "ARG" and id(earlier) in own:
            for item in earlier.value:
                name, _, value = item.partition("=")
                if pc._NAME.fullmatch(name):
                    env[name] = pc._unquote(value)
    return env


def earlier_scripts(ctx: FileContext, instruction, run, position: int) -> List[str]:
    out = ["\n".join([e.original, *(h.content for h in e.heredocs)])
           for e in ctx.lineage(instruction) if e.keyword == "RUN"]
    return out + [run.shell_text[:position]]


@pytest.mark.parametrize("text", [MULTI_STAGE] + [p.read_text(encoding="utf-8") for p in FILES],
                         ids=["multi-stage"] + [str(p.relative_to(FIXTURES.parent)) for p in FILES])
def test_indexed_queries_agree_with_the_plain_definitions(text: str):
    try:
        tree = parse(text)
    except ParseError:
        return
    ctx = FileContext(tree)
    for instruction in tree.instructions:
        if ctx.stage(instruction) is None or instruction.keyword == "FROM":
            continue
        env = environment(ctx, instruction)
        for name in [*env, "PATH", "UNSET"]:
            assert pc.env_value(ctx, instruction, name) == env.get(name), (instruction.start_line, name)
        run = ctx.run(instruction)
        if run is None:
            continue
        for position in (0, len(run.shell_text) // 2, len(run.shell_text)):
            expected = any(PATTERN.search(t) for t in earlier_scripts(ctx, instruction, run, position))
            assert pc.earlier_match(ctx, instruction, run, position, PATTERN) is expected
            expected = any("gem" in t and PATTERN.search(t) for t in earlier_scripts(ctx, instruction, run, position))
            assert pc.earlier_match(ctx, instruction, run, position, PATTERN, needle="gem") is expected


def test_multi_stage_environment():
    tree = parse(MULTI_STAGE)
    ctx = FileContext(tree)
    last = tree.instructions[-1]
    assert [pc.env_value(ctx, last, n) for n in "ABCDE"] == ["4", "2", None, None, "5"]
