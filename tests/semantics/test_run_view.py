"""RunView: its shell tree and command views always belong together."""

from __future__ import annotations

from functools import lru_cache

from slimfix.semantics import run as run_module
from slimfix.semantics.context import FileContext
from slimfix.shell.walk import context_of
from slimfix.syntax import parse


def test_commands_point_into_the_script_even_when_the_cache_evicts(monkeypatch):
    # A cache of one entry evicts a RUN's tree as soon as another RUN is read: the views a
    # RunView hands out must still be nodes of its own script (edits find them by identity).
    monkeypatch.setattr(run_module, "_shell", lru_cache(maxsize=1)(run_module._Shell))
    tree = parse("FROM alpine\nRUN apk update && apk add curl\nRUN echo other\n")
    ctx = FileContext(tree)
    first, second = ctx.runs()
    script = first.script
    second.script  # evicts the first RUN's entry
    for command_ctx, _ in first.commands:
        assert context_of(script, command_ctx.command).command is command_ctx.command


def test_same_text_shares_one_parse():
    tree = parse("FROM alpine\nRUN apk add curl\nFROM alpine\nRUN apk add curl\n")
    a, b = FileContext(tree).runs()
    assert a.script is b.script
