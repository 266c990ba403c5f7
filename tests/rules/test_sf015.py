"""SF015 build-tool-cache-kept: the table, and how sure each fix is."""

from __future__ import annotations

import pytest

from slimfix.config import Settings
from slimfix.fixer import fix_text
from slimfix.rules import Applicability
from slimfix.rules.sf015_build_tool_cache_kept import caches
from slimfix.shell import parse_shell


def _diagnostics(text: str):
    return fix_text(text, "Dockerfile", Settings(select=("SF015",)), fix=False).diagnostics


def test_every_cleanup_in_the_table_is_plain_shell():
    for cache in caches():
        script = parse_shell(cache.clean.replace("{program}", cache.programs[0]))
        assert not script.has_opaque and len(script.body.items) == 1, cache.name


@pytest.mark.parametrize("text", [
    "FROM maven:3\nRUN mvn package\nCMD [\"mvn\", \"spring-boot:run\"]\n",
    "FROM golang:1\nRUN go mod download\nCOPY . .\nRUN go build ./...\n",
    "FROM maven:3\nRUN ./mvnw package && cd target && ls\n",
    "FROM golang:1\nRUN export HOME=/tmp && go build ./...\n",
    # the cleanup reads $HOME, which the RUN unsets (found by the oracle's long run)
    "FROM debian:12\nRUN <<EOF\nset -u && mvn -q package && unset HOME\nEOF\nCMD [\"app\"]\n",
    "FROM golang:1\nRUN go build ./... && read -r GOCACHE < /dev/null\nCMD [\"app\"]\n",
])
def test_unsure_fixes_are_unsafe(text):
    [diagnostic] = [d for d in _diagnostics(text) if d.fix is not None][:1]
    assert diagnostic.fix.applicability == Applicability.UNSAFE


@pytest.mark.parametrize("text", [
    "FROM maven:3\nRUN mvn package\nCMD [\"java\", \"-jar\", \"app.jar\"]\n",
    "FROM golang:1\nRUN go build ./...\nRUN go test ./...\n",  # the build cache only makes go faster
    "FROM maven:3\nRUN cd /src && ./mvnw package\nENTRYPOINT [\"java\", \"-jar\", \"app.jar\"]\n",
])
def test_certain_fixes_are_safe(text):
    diagnostic = next(d for d in _diagnostics(text) if d.fix is not None)
    assert diagnostic.fix.applicability == Applicability.SAFE


def test_a_later_go_command_makes_only_the_module_cache_unsafe():
    text = "FROM golang:1\nRUN go build ./...\nCMD [\"go\", \"run\", \".\"]\n"
    safe, unsafe = _diagnostics(text)
    assert safe.fix.applicability == Applicability.SAFE and "`go clean -cache`" in safe.fix.message
    assert unsafe.fix.applicability == Applicability.UNSAFE and "`go clean -modcache`" in unsafe.fix.message
    output = fix_text(text, "Dockerfile", Settings(select=("SF015",), unsafe_fixes=True)).output
    assert "RUN go build ./... && go clean -cache && go clean -modcache\n" in output


def test_savings_add_up_per_cache():
    [diagnostic] = _diagnostics("FROM golang:1\nRUN go build ./...\nCMD [\"app\"]\n")
    assert diagnostic.fix.applicability == Applicability.SAFE
    assert diagnostic.savings == sum(c.savings for c in caches() if c.programs == ("go",))


def test_bundle_exec_later_does_not_make_the_bundler_fix_unsafe():
    text = 'FROM ruby:3.3\nCOPY Gemfile Gemfile.lock ./\nRUN bundle install\nCMD ["bundle", "exec", "rails", "s"]\n'
    [diagnostic] = _diagnostics(text)
    assert diagnostic.fix.applicability == Applicability.SAFE
    assert diagnostic.fix.message.endswith('`rm -f "$(gem env gemdir)"/cache/*.gem`')
    text = 'FROM ruby:3.3\nRUN bundle install\nRUN bundle install --local --with test\n'
    [diagnostic] = _diagnostics(text)
    assert diagnostic.fix.applicability == Applicability.UNSAFE


def test_download_caches_of_an_image_without_cmd_are_unsafe():
    """Without CMD or ENTRYPOINT the image may be a build environment: its module cache is used."""
    safe, unsafe = _diagnostics("FROM golang:1\nRUN go build ./...\n")
    assert safe.fix.applicability == Applicability.SAFE and "`go clean -cache`" in safe.fix.message
    assert unsafe.fix.applicability == Applicability.UNSAFE and "`go clean -modcache`" in unsafe.fix.message


def test_a_tool_run_without_a_task_is_not_reported():
    assert _diagnostics("FROM gradle:8\nRUN gradle --version\nCMD [\"gradle\"]\n") == []
