"""SF004 apk-cache-kept: when `apk update` goes, savings, guards, agreement with hadolint."""

from __future__ import annotations

import pytest

from slimfix.config import Settings
from slimfix.fixer import fix_text

from .conftest import assert_fix_removes_hadolint_code


def _run(text: str):
    return fix_text(text, "Dockerfile", Settings(select=("SF004",)))


def test_update_stays_when_a_later_command_reads_the_index():
    result = _run("FROM alpine:3.19\nRUN apk update && apk add curl && apk info -a curl\n")
    assert result.output.endswith("RUN apk update && apk add --no-cache curl && apk info -a curl\n")


def test_update_goes_when_later_commands_only_add_and_delete():
    result = _run("FROM alpine:3.19\nRUN apk update; apk add --virtual .b gcc; make; apk del .b\n")
    assert result.output.endswith("RUN apk add --no-cache --virtual .b gcc; make; apk del .b\n")


def test_a_run_of_only_apk_update_is_reported_without_a_fix():
    [diagnostic] = _run("FROM alpine:3.19\nRUN apk update\n").diagnostics
    assert diagnostic.fix is None and "delete it" in diagnostic.message


def test_no_savings_when_the_run_already_deletes_the_cache():
    [fixed] = _run("FROM alpine:3.19\nRUN apk add curl && rm -rf /var/cache/apk/*\n").fixed
    assert fixed.savings == 0
    [fixed] = _run("FROM alpine:3.19\nRUN apk add curl\n").fixed
    assert fixed.savings == 3_000_000


@pytest.mark.parametrize("run", [
    "RUN --mount=type=cache,target=/var/cache/apk apk add curl",
    "RUN apk add --cache-dir /tmp/c curl",
    "RUN apk add --made-up-option curl",
    "RUN apk add --no-cache curl",
    "RUN echo $(apk add curl)",
])
def test_guards_report_nothing(run):
    assert _run(f"FROM alpine:3.19\n{run}\n").diagnostics == []


def test_alpine_before_3_3_gets_no_fix():
    [diagnostic] = _run("FROM alpine:3.1\nRUN apk add curl\n").diagnostics
    assert diagnostic.fix is None and "3.3" in diagnostic.message


def test_hadolint_dl3019_is_gone_after_the_fix(tmp_path):
    text = "FROM alpine:3.19\nRUN apk update && apk add curl=8.5.0-r0\n"
    assert_fix_removes_hadolint_code(text, _run(text).output, "DL3019", tmp_path)
