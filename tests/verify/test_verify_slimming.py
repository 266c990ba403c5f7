"""Real builds for the slimming rules whose savings depend on the files: SF012 (an archive kept
after it is unpacked) and SF016 (files copied twice by a RUN chown -R). The measured differences
are the figures the README quotes and the rules' estimates are checked against."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from test_savings_estimates import recheck
from slimfix.config import Settings
from slimfix.fixer import fix_text
from slimfix.verify import verify

pytestmark = pytest.mark.build

FIXTURES = Path(__file__).resolve().parent / "fixtures"
MB = 1_000_000


def _fixed(text: str, path: Path, code: str, unsafe: bool = False):
    result = fix_text(text, str(path), Settings(select=(code,), unsafe_fixes=unsafe))
    assert result.fixed and not result.internal_error, result.internal_error
    return result


def _saved(code: str, report, estimate=None) -> int:
    """What the rewrite saved in the build, printed beside the rule's estimate."""
    before, after = report.original.summary.total_size, report.rewritten.summary.total_size
    told = "" if estimate is None else f", estimated {estimate}"
    print(f"{code} measured: {before} -> {after} ({before - after} bytes saved{told})")
    return before - after


def test_an_archive_removed_where_it_is_unpacked(buildah):
    scenario = FIXTURES / "archive_tool"
    text = (scenario / "before.Dockerfile").read_text()
    result = _fixed(text, scenario / "before.Dockerfile", "SF012")
    assert "&& rm -f /tmp/numpy.tar.gz" in result.output
    report = verify(text, result.output, scenario, smoke="ls /opt/numpy-1.26.4/pyproject.toml", builder=buildah)
    assert report.verdict == "smaller" and report.smoke.passed
    saved = _saved("SF012", report, result.savings)
    assert 14 * MB < saved < 18 * MB  # numpy-1.26.4.tar.gz is 15.8 MB
    assert 0.5 < result.savings / saved < 2  # the estimate is within a factor of two
    recheck("archive_tool", saved)


def test_ownership_set_in_the_copy(buildah, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    for i in range(4):
        (data / f"blob{i}.bin").write_bytes(os.urandom(5 * MB))
    text = ("FROM localhost/slimfix-test/debian:bookworm\nCOPY data/ /srv/data/\n"
            "RUN chown -R nobody:nogroup /srv/data\n")
    (tmp_path / "Dockerfile").write_text(text)
    result = _fixed(text, tmp_path / "Dockerfile", "SF016")
    assert "COPY --chown=nobody:nogroup data/ /srv/data/\n" in result.output and "RUN chown" not in result.output
    smoke = "stat -c %U:%G /srv/data/blob0.bin"
    report = verify(text, result.output, tmp_path, smoke=smoke, builder=buildah, compare_output=True)
    assert report.verdict == "smaller" and report.smoke.passed
    assert "nobody:nogroup" in report.smoke.rewritten.output
    saved = _saved("SF016", report, result.savings)
    assert 19 * MB < saved < 21 * MB
    assert abs(result.savings - saved) < 0.5 * saved


def test_a_deletion_moved_into_the_run_that_made_the_file(buildah, tmp_path):
    text = ("FROM localhost/slimfix-test/debian:bookworm\n"
            "RUN head -c 20000000 /dev/urandom > /opt/blob.bin && sha256sum /opt/blob.bin > /opt/blob.sha256\n"
            "RUN rm -f /opt/blob.bin\n")
    (tmp_path / "Dockerfile").write_text(text)
    result = _fixed(text, tmp_path / "Dockerfile", "SF017")
    assert result.output.endswith("/opt/blob.sha256 \\\n    && rm -f /opt/blob.bin\n")
    report = verify(text, result.output, tmp_path, smoke="test -s /opt/blob.sha256 && test ! -e /opt/blob.bin",
                    builder=buildah)
    assert report.verdict == "smaller" and report.smoke.passed
    saved = _saved("SF017", report)
    assert 19 * MB < saved < 21 * MB


def test_recommended_packages_left_out(buildah):
    scenario = FIXTURES / "apt_recommends"
    text = (scenario / "before.Dockerfile").read_text()
    result = _fixed(text, scenario / "before.Dockerfile", "SF003", unsafe=True)
    assert "apt-get install --no-install-recommends -y curl git" in result.output
    report = verify(text, result.output, scenario, smoke="git --version && curl --version", builder=buildah)
    assert report.verdict == "smaller" and report.smoke.passed
    saved = _saved("SF003", report, result.savings)
    recheck("apt_recommends", saved)


def test_npm_cache_cleaned_where_it_is_filled(buildah):
    scenario = FIXTURES / "npm_tool"
    text = (scenario / "before.Dockerfile").read_text()
    result = _fixed(text, scenario / "before.Dockerfile", "SF008")
    assert "RUN npm install express lodash && npm cache clean --force\n" in result.output
    smoke = "cd /app && node -e \"require('express'); console.log(require('lodash').VERSION)\""
    report = verify(text, result.output, scenario, smoke=smoke, builder=buildah)
    assert report.verdict == "smaller" and report.smoke.passed
    saved = _saved("SF008", report, result.savings)
    recheck("npm_tool", saved)
