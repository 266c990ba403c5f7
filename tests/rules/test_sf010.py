"""SF010 gem-docs-installed: gemrc and base-image guards, savings."""

from __future__ import annotations

import pytest

from slimfix.config import Settings
from slimfix.fixer import fix_text


def _run(text: str):
    return fix_text(text, "Dockerfile", Settings(select=("SF010",)))


@pytest.mark.parametrize("text", [
    "FROM ruby:3.3\nRUN gem install rails\n",
    "FROM docker.io/library/ruby:3.3-alpine AS base\nFROM base\nRUN gem install rails\n",
    "FROM debian\nRUN echo 'gem: --no-document' > /usr/local/etc/gemrc\nRUN gem install rails\n",
    "FROM debian\nRUN printf 'install: --no-document\\nupdate: --no-document\\n' >> ~/.gemrc; gem install rails\n",
    "FROM debian\nRUN gem install --no-docu rails\n",
])
def test_documentation_already_off_is_not_reported(text):
    assert _run(text).diagnostics == []


def test_other_images_named_ruby_are_not_the_official_one():
    result = _run("FROM example/ruby:3.3\nRUN gem install rails\n")
    assert "gem install --no-document rails" in result.output


def test_savings_count_the_gems_named():
    [fixed] = _run("FROM debian\nRUN gem install bundler rake rails\n").fixed
    assert fixed.savings == 3 * 5_000_000
