"""SF003 apt-install-recommends: what is reported, when the fix applies, agreement with hadolint."""

from __future__ import annotations

import pytest

from slimfix.config import Settings
from slimfix.fixer import fix_text
from slimfix.semantics.savings import recommends_size

from .conftest import hadolint_codes

INSTALL = "FROM debian:bookworm\nRUN apt-get update && apt-get install -y curl\n"


def _run(text: str, **settings):
    return fix_text(text, "Dockerfile", Settings(**settings))


def test_the_unsafe_fix_applies_only_when_asked_for():
    by_name = _run(INSTALL, select=("apt-install-recommends",))
    assert by_name.output == INSTALL and [d.code for d in by_name.diagnostics] == ["SF003"]
    unsafe = _run(INSTALL, select=("apt-install-recommends",), unsafe_fixes=True)
    assert "apt-get install --no-install-recommends -y curl" in unsafe.output
    assert unsafe.savings == recommends_size({"curl"}) > 0  # measured on Debian 12, apt_sizes.toml


def test_savings_count_each_named_package_once_versions_and_words_known_at_build_time():
    text = "FROM debian\nRUN apt-get install -y curl=7.88.1-10 git:amd64 && apt-get install -y $EXTRA\n"
    [fixed] = _run(text, select=("SF003",), unsafe_fixes=True).fixed
    assert fixed.savings == recommends_size({"curl", "git", None})


def test_one_diagnostic_per_run_counts_its_commands():
    text = "FROM debian\nRUN apt-get install -y a && apt install -y b && apt-get install --no-install-recommends c\n"
    [diagnostic] = _run(text, select=("SF003",)).fixed
    assert "2 commands" in diagnostic.message and len(diagnostic.fix.edits) == 2


def test_apt_configuration_written_earlier_is_respected():
    text = (
        "FROM debian\n"
        "RUN printf 'APT::Install-Recommends \"0\";\\n' > /etc/apt/apt.conf.d/01norecommends\n"
        "RUN apt-get install -y curl\n"
    )
    assert _run(text, select=("SF003",)).diagnostics == []


def test_a_command_line_option_on_another_command_is_not_configuration():
    text = "FROM debian\nRUN apt-get install -y -o APT::Install-Recommends=false a && apt-get install -y b\n"
    result = _run(text, select=("SF003",))
    assert "apt-get install --no-install-recommends -y b" in result.output


def test_unreadable_shell_is_reported_without_a_fix():
    text = "FROM debian\nRUN apt-get install -y curl && echo done )\n"
    [diagnostic] = _run(text, select=("SF003",)).diagnostics
    assert diagnostic.fix is None and "no automatic fix" in diagnostic.message


def test_hadolint_dl3015_is_gone_after_the_fix(tmp_path):
    before = hadolint_codes(INSTALL, tmp_path)
    if before is None:
        pytest.skip("hadolint is not installed")
    assert "DL3015" in before
    after = hadolint_codes(_run(INSTALL, select=("SF003",)).output, tmp_path)
    assert "DL3015" not in after and set(after) <= set(before)
