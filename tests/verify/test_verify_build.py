"""Real builds with buildah on local Debian-based images (see scripts/setup-buildah.sh)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from slimfix.verify import BuilderError, OriginalBuildError, render_markdown, render_table, verify
from slimfix.verify.cli import make_verify_command
from test_savings_estimates import recheck

pytestmark = pytest.mark.build

FIXTURES = Path(__file__).resolve().parent / "fixtures"
APT = FIXTURES / "apt_client"
CEXT = FIXTURES / "cext_app"
LINKED = FIXTURES / "linked_app"
NODE = FIXTURES / "node_start_dev"
GO = FIXTURES / "go_cgo"
DEMO = FIXTURES / "demo_app"
# Local stand-ins for the official images the fixtures name (no registry is reachable here).
STAND_INS = {
    "python:3-slim": "localhost/slimfix-test/python:3",
    "python:3": "localhost/slimfix-test/python:3-full",
    "node:18-slim": "localhost/slimfix-test/node:18-slim",
    "node:18": "localhost/slimfix-test/node:18-full",
    "golang:1.19-bookworm": "localhost/slimfix-test/golang:1.19-bookworm",
    "debian:bookworm-slim": "localhost/slimfix-test/debian:bookworm",
}
IMPORT_SMOKE = "python -c 'import fastsum; print(fastsum.total(2, 3))'"
MB = 1_000_000


# the rules whose rewrite each scenario proves
SELECT = {"apt_client": ("SF001", "SF002"), "cext_app": ("SF011",), "linked_app": ("SF011",), "node_start_dev": ("SF011",), "go_cgo": ("SF011",),
          "demo_app": ("SF011",)}


def rewrite(scenario: Path) -> str:
    """slimfix's own rewrite of the scenario's before.Dockerfile."""
    from slimfix.config import Settings
    from slimfix.fixer import fix_text

    result = fix_text(original(scenario), str(scenario / "before.Dockerfile"), Settings(select=SELECT[scenario.name]))
    assert result.fixed and not result.internal_error, result.internal_error
    return result.output


def original(scenario: Path) -> str:
    return (scenario / "before.Dockerfile").read_text()


def local(text: str) -> str:
    """``text`` with the official images of its FROM lines replaced by their local stand-ins."""
    def swap(match: re.Match) -> str:
        return match.group(1) + STAND_INS.get(match.group(2), match.group(2))

    return re.sub(r"(?m)^(FROM\s+)(\S+)", swap, text)


def own_layers(image):
    return [layer for layer in image.summary.layers if not layer.from_base]


def kept_verify(builder, scenario: Path, smoke: str, **options):
    """Verify a scenario keeping its images, so later builds of it hit the layer cache."""
    report = verify(
        original(scenario),
        rewrite(scenario),
        scenario,
        smoke=smoke,
        builder=builder,
        keep_images=True,
        **options,
    )
    yield report
    for image in (report.original, report.rewritten):
        builder.remove(image.image)


@pytest.fixture(scope="module")
def apt_report(buildah):
    yield from kept_verify(buildah, APT, "psql --version")


@pytest.fixture(scope="module")
def cext_report(buildah):
    yield from kept_verify(buildah, CEXT, IMPORT_SMOKE, compare_output=True)


def test_apt_lists_removed_in_the_same_run_make_the_image_smaller(apt_report):
    before, after = apt_report.original.summary, apt_report.rewritten.summary
    assert apt_report.verdict == "smaller" and apt_report.recommended
    assert after.total_size < before.total_size
    # The package lists (about 20 MB, kept gzipped as in official Debian images) are gone.
    assert before.total_size - after.total_size > 10 * MB
    assert apt_report.difference.base == 0
    assert [(layer.line, layer.instruction) for layer in own_layers(apt_report.original)] == [
        (2, "RUN apt-get update"),
        (3, "RUN apt-get install -y postgresql-client"),
    ]
    [merged] = own_layers(apt_report.rewritten)
    assert merged.line == 2 and merged.instruction.startswith("RUN apt-get update")
    print(render_table(apt_report))


def test_apt_smoke_command_passes_in_both_images(apt_report):
    smoke = apt_report.smoke
    assert smoke.passed
    assert smoke.original.exit_code == smoke.rewritten.exit_code == 0
    assert "psql (PostgreSQL)" in smoke.rewritten.output


def test_multi_stage_split_of_a_c_extension_app(cext_report):
    before, after = cext_report.original.summary, cext_report.rewritten.summary
    assert cext_report.verdict == "smaller"
    # The compiler and headers stay in the builder stage.
    assert before.total_size - after.total_size > 50 * MB
    recheck("cext_app", before.total_size - after.total_size)
    [copied] = own_layers(cext_report.rewritten)
    assert copied.instruction == "COPY --from=builder /install /usr/local"
    assert copied.size < 1 * MB
    smoke = cext_report.smoke
    assert smoke.passed and smoke.original.exit_code == 0
    assert smoke.original.output.strip() == smoke.rewritten.output.strip() == "5"
    print(render_markdown(cext_report))


def test_smoke_command_that_needs_the_build_stage_marks_the_rewrite_breaking(buildah, cext_report):
    report = verify(original(CEXT), rewrite(CEXT), CEXT, smoke="gcc --version", builder=buildah)
    assert report.smoke.original.exit_code == 0
    assert report.smoke.rewritten.exit_code != 0
    assert report.verdict == "breaking" and not report.recommended


def test_rewrite_that_does_not_build_is_reported_as_breaking(buildah, apt_report):
    broken = rewrite(APT).replace("apt-get update \\\n    && ", "")
    report = verify(original(APT), broken, APT, builder=buildah)
    assert report.verdict == "breaking"
    assert not report.rewritten.built
    assert "Unable to locate package postgresql-client" in report.rewritten.build_log
    assert "does not build" in render_markdown(report)


def test_original_that_does_not_build_claims_nothing(buildah, apt_report):
    with pytest.raises(OriginalBuildError) as raised:
        verify(
            original(APT).replace("RUN apt-get update\n", ""), rewrite(APT), APT, builder=buildah
        )
    assert "Unable to locate package" in raised.value.log


def test_missing_base_image_is_not_pulled(buildah, tmp_path):
    text = "FROM localhost/slimfix-test/absent:1\nRUN true\n"
    with pytest.raises((OriginalBuildError, BuilderError)):
        verify(text, text, tmp_path, builder=buildah)


def test_cli_prints_json_for_a_given_rewrite(buildah, apt_report, tmp_path):
    rewritten = tmp_path / "Dockerfile.slim"
    rewritten.write_text(rewrite(APT))
    result = CliRunner().invoke(
        make_verify_command(),
        [
            str(APT / "before.Dockerfile"),
            "--rewritten",
            str(rewritten),
            "--json",
            "--builder",
            "buildah",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["verdict"] == "smaller"
    assert data["rewritten"]["total_size"] < data["original"]["total_size"]
    assert data["original"]["total_size"] == apt_report.original.summary.total_size


def test_automatic_checks_pass_for_a_working_split(cext_report):
    checks = cext_report.checks
    assert checks is not None and checks.passed, [p.explain() for p in checks.problems]
    assert checks.counts["python modules"] >= 2  # fastsum and pip at least
    assert checks.counts["programs"] == 1  # python, from CMD


def test_rewrite_that_loses_the_build_result_is_breaking_without_a_smoke_command(buildah, cext_report):
    broken = rewrite(CEXT).replace("COPY --from=builder /install /usr/local\n", "")
    report = verify(original(CEXT), broken, CEXT, builder=buildah)
    assert report.smoke is None and report.verdict == "breaking"
    [problem] = report.checks.problems
    assert (problem.kind, problem.subject) == ("python", "fastsum")
    assert "No module named 'fastsum'" in problem.detail
    table = render_table(report)
    assert "BREAKING: Python module fastsum no longer imports" in table


@pytest.fixture(scope="module")
def linked_report(buildah):
    """The split of an app compiled against libraries only the full base has, from full to slim."""
    report = verify(local(original(LINKED)), local(rewrite(LINKED)), LINKED, builder=buildah, keep_images=True)
    yield report
    for image in (report.original, report.rewritten):
        builder_tag = image.image
        buildah.remove(builder_tag)


def test_split_to_the_slim_base_installs_the_libraries_the_build_links(buildah, linked_report):
    text = rewrite(LINKED)
    assert "FROM python:3-slim" in text and "dpkg-query --search" in text
    assert linked_report.verdict == "smaller", render_table(linked_report)
    assert linked_report.checks.passed and linked_report.checks.counts["python modules"] >= 2
    result = buildah.run(linked_report.rewritten.image, ["sh", "-c", "cat /usr/local/.runtime-packages"])
    listed = result.output.split()
    assert "libpq5" in listed and "libxml2" in listed, result.output
    smoke = buildah.run(linked_report.rewritten.image, ["python", "-c", "import linked; print(linked.libpq_version())"])
    assert smoke.returncode == 0 and int(smoke.output.split()[-1]) > 100000
    print(render_table(linked_report))
    recheck("linked_app", linked_report.original.summary.total_size - linked_report.rewritten.summary.total_size)


def test_split_without_the_runtime_libraries_is_breaking_by_the_library_check(buildah, linked_report):
    broken = re.sub(r"(?ms)^RUN if \[ -s /usr/local/.runtime-packages.*?^    fi\n", "", rewrite(LINKED))
    assert "runtime-packages ]" not in broken
    report = verify(local(original(LINKED)), local(broken), LINKED, builder=buildah)
    assert report.smoke is None and report.verdict == "breaking"
    problems = {(p.kind, p.subject) for p in report.checks.problems}
    assert {("library", "libpq.so.5"), ("library", "libxml2.so.2"), ("python", "linked")} <= problems
    assert "shared library libpq.so.5 is missing (needed by /usr/local/lib/" in render_table(report)
    print(render_table(report))


@pytest.fixture(scope="module")
def node_report(buildah):
    """A Node app whose start script runs a dev dependency, split from the full base to the slim."""
    report = verify(local(original(NODE)), local(rewrite(NODE)), NODE, builder=buildah, keep_images=True)
    yield report
    for image in (report.original, report.rewritten):
        buildah.remove(image.image)


def test_node_split_keeps_the_dev_dependency_its_start_script_runs(buildah, node_report):
    text = rewrite(NODE)
    assert "FROM node:18-slim" in text and "prune" not in text
    assert node_report.checks.passed, render_table(node_report)
    assert node_report.checks.counts["node dependencies"] == 2  # ms, and semver for the start script
    started = buildah.run(node_report.rewritten.image, ["npm", "start"])
    assert started.returncode == 0 and "7200000" in started.output, started.output
    print(render_table(node_report))
    recheck("node_start_dev", node_report.original.summary.total_size - node_report.rewritten.summary.total_size)


def test_pruning_the_dev_dependency_the_start_needs_is_breaking(buildah, node_report):
    pruned = rewrite(NODE).replace("RUN npm install \\\n", "RUN npm install \\\n    && npm prune --omit=dev \\\n", 1)
    assert "npm prune" in pruned
    report = verify(local(original(NODE)), local(pruned), NODE, builder=buildah)
    assert report.smoke is None and report.verdict == "breaking"
    assert [(p.kind, p.subject) for p in report.checks.problems] == [("node", "semver")]


def test_go_cgo_binary_split_onto_the_debian_release_its_tag_names(buildah):
    text = rewrite(GO)
    assert "FROM debian:bookworm-slim" in text
    report = verify(local(original(GO)), local(text), GO, builder=buildah, keep_images=True)
    try:
        assert report.verdict == "smaller", render_table(report)
        assert report.checks.passed and report.checks.counts["libraries"] >= 1  # hello needs libc.so.6
        ran = buildah.run(report.rewritten.image, ["hello"])
        assert ran.returncode == 0 and ran.output.strip() == "twice: 42", ran.output
        print(render_table(report))
    finally:
        for image in (report.original, report.rewritten):
            buildah.remove(image.image)


def test_the_demo_split_from_the_full_image_to_the_slim(buildah):
    """examples/Dockerfile's shape on the full python stand-in (buildpack-deps' packages under it, as
    the official image has), split onto the slim one: what the runtime stage drops, measured."""
    text = rewrite(DEMO)
    assert "FROM python:3-slim" in text and "apt-get install -y libpq5" in text
    smoke = "cd /app && python -c 'import app.wsgi, psycopg2; print(psycopg2.__libpq_version__)'"
    report = verify(local(original(DEMO)), local(text), DEMO, smoke=smoke, builder=buildah)
    assert report.verdict == "smaller" and report.checks.passed and report.smoke.passed, render_table(report)
    before, after = report.original.summary.total_size, report.rewritten.summary.total_size
    print(f"demo split measured: {before} -> {after} ({before - after} bytes saved)")
    print(render_table(report))
    recheck("demo_app", before - after)


def test_libraries_a_rewrite_loses_are_traced_to_their_packages_and_added(buildah, linked_report):
    from slimfix.verify import verify_repaired

    broken = re.sub(r"(?ms)^RUN if \[ -s /usr/local/.runtime-packages.*?^    fi\n", "", rewrite(LINKED))
    report, repaired = verify_repaired(local(original(LINKED)), local(broken), LINKED, builder=buildah)
    assert report.verdict == "smaller" and report.checks.passed, render_table(report)
    assert "apt-get install -y --no-install-recommends libpq5 libxml2" in repaired
    assert "installed libpq5 libxml2 in the final stage" in render_table(report)

def test_the_apt_lists_estimate_matches_the_build(apt_report):
    """SF002's estimate (semantics/savings.toml) is within 50 % of what the build saves."""
    from slimfix.config import Settings
    from slimfix.fixer import fix_text

    estimate = fix_text(original(APT), str(APT / "before.Dockerfile"), Settings(select=SELECT["apt_client"])).savings
    measured = apt_report.original.summary.total_size - apt_report.rewritten.summary.total_size
    print(f"SF002 estimated {estimate} bytes, measured {measured}")
    assert abs(estimate - measured) <= 0.5 * measured
    recheck("apt_client", measured)
