"""Real builds on a Docker engine (BuildKit) started by the tests (scripts/setup-docker.sh)."""

from __future__ import annotations

import re

import pytest

from slimfix.verify import render_table, verify

from test_verify_build import CEXT, IMPORT_SMOKE, LINKED, local, original, rewrite

pytestmark = pytest.mark.build


@pytest.fixture(scope="module")
def docker_cext(docker):
    report = verify(original(CEXT), rewrite(CEXT), CEXT, smoke=IMPORT_SMOKE, builder=docker, keep_images=True)
    yield report
    for image in (report.original, report.rewritten):
        docker.remove(image.image)


def test_docker_builds_checks_and_smoke_tests_the_split(docker_cext):
    report = docker_cext
    assert report.builder == "docker" and report.verdict == "smaller", render_table(report)
    assert report.difference.total < -50_000_000
    assert report.checks.passed and report.checks.counts["python modules"] >= 2
    assert report.smoke.passed and report.smoke.rewritten.output.strip() == "5"
    # BuildKit's history names the runtime stage's own layer
    own = [layer.instruction for layer in report.rewritten.summary.layers if not layer.from_base]
    assert own == ["COPY --from=builder /install /usr/local"]


def test_docker_reports_the_library_a_rewrite_loses_without_a_smoke_command(docker, docker_cext):
    broken = re.sub(r"(?ms)^RUN if \[ -s /usr/local/.runtime-packages.*?^    fi\n", "", rewrite(LINKED))
    report = verify(local(original(LINKED)), local(broken), LINKED, builder=docker)
    assert report.smoke is None and report.verdict == "breaking", render_table(report)
    problems = {(p.kind, p.subject) for p in report.checks.problems}
    assert {("library", "libpq.so.5"), ("library", "libxml2.so.2"), ("python", "linked")} <= problems
