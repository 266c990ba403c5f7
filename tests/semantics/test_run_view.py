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


def _views(text: str):
    ctx = FileContext(parse(text))
    return ctx, [ctx.run(i) for i in ctx.tree.instructions[1:]]


def test_a_heredoc_script_is_read_at_its_place_in_the_file():
    text = "FROM alpine\nRUN --mount=type=cache,target=/x <<EOF\napk add curl\necho done\nEOF\n"
    ctx, (run,) = _views(text)
    assert run.shell_text == "apk add curl\necho done" and run.has_heredoc and not run.unread_heredoc
    (apk,) = run.views("apk")
    start = run.file_offset(apk.command.start)
    assert text[start:start + len("apk add")] == "apk add"
    assert run.mounts_over("/x/y")
    edit = run.append("rm -rf /tmp/x")
    assert text[:edit.start] + edit.content + text[edit.end:] == text.replace("echo done", "echo done && rm -rf /tmp/x")


def test_which_heredocs_are_shell_scripts():
    _, runs = _views(
        "FROM alpine\n"
        "RUN <<EOF\n#!/usr/bin/env python3\nprint(1)\nEOF\n"  # another interpreter
        "RUN <<EOF\n#!/bin/sh -e\necho\nEOF\n"  # a shebang with options
        "RUN python3 <<EOF\nprint(1)\nEOF\n"  # the body is a program's input
        "RUN <<EOF\n#!/bin/bash\necho\nEOF\n"
        "RUN <<-EOF\n\techo a\n\tEOF\n"
        "RUN <<-EOF\n\techo 'a\n\tb'\n\tEOF\n"  # stripping the tab changes the quoted text
    )
    kinds = [type(run).__name__ for run in runs]
    assert kinds == ["RunView", "RunView", "RunView", "HeredocRunView", "HeredocRunView", "RunView"]
    assert all(runs[i].unread_heredoc and not runs[i].commands[0][1] for i in (0, 1))  # `<<EOF` only
    assert runs[2].unread_heredoc and runs[5].cannot_append() == "a heredoc is involved"


def test_heredocs_with_cr_line_endings_or_a_final_continuation_are_not_read():
    _, runs = _views("FROM alpine\nRUN <<EOF\r\napk add curl\r\nEOF\r\nRUN <<EOF\napk add \\\nEOF\n")
    assert all(run.unread_heredoc and run.append("rm -rf /x") is None for run in runs)


def test_onbuild_run_is_read_under_the_shell_its_stage_ends_with():
    _, runs = _views('FROM alpine\nONBUILD RUN --mount=type=cache,target=/c apk add curl\nSHELL ["/bin/bash", "-c"]\n')
    assert runs[0].onbuild and runs[0].shell_text == "apk add curl" and runs[0].mounts_over("/c")
    _, runs = _views('FROM alpine\nONBUILD RUN apk add curl\nSHELL ["cmd", "/S", "/C"]\n')
    assert runs[0] is None
    _, runs = _views("FROM alpine\nONBUILD RUN <<EOF\napk add curl\nEOF\n")
    assert runs[0] is None
