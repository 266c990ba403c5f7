"""Real builds with buildah on local Debian-based images (see scripts/setup-buildah.sh)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from slimfix.verify import BuilderError, OriginalBuildError, render_markdown, render_table, verify
from slimfix.verify.cli import make_verify_command

pytestmark = pytest.mark.build

FIXTURES = Path(__file__).resolve().parent / "fixtures"
APT = FIXTURES / "apt_client"
CEXT = FIXTURES / "cext_app"
IMPORT_SMOKE = "python -c 'import fastsum; print(fastsum.total(2, 3))'"
MB = 1_000_000


# the rules whose rewrite each scenario proves
SELECT = {"apt_client": ("SF001", "SF002"), "cext_app": ("SF011",)}


def rewrite(scenario: Path) -> str:
    """slimfix's own rewrite of the scenario's before.Dockerfile."""
    from slimfix.config import Settings
    from slimfix.fixer import fix_text

    result = fix_text(original(scenario), str(scenario / "before.Dockerfile"), Settings(select=SELECT[scenario.name]))
    assert result.fixed and not result.internal_error, result.internal_error
    return result.output


def original(scenario: Path) -> str:
    return (scenario / "before.Dockerfile").read_text()


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


def test_the_apt_lists_estimate_matches_the_build(apt_report):
    """SF002's estimate (semantics/savings.toml) is within 50 % of what the build saves."""
    from slimfix.config import Settings
    from slimfix.fixer import fix_text

    estimate = fix_text(original(APT), str(APT / "before.Dockerfile"), Settings(select=SELECT["apt_client"])).savings
    measured = apt_report.original.summary.total_size - apt_report.rewritten.summary.total_size
    print(f"SF002 estimated {estimate} bytes, measured {measured}")
    assert abs(estimate - measured) <= 0.5 * measured
