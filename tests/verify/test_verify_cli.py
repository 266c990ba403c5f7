from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

import slimfix.verify as verify_package
from slimfix.verify import NoBuilderError, OriginalBuildError
from slimfix.verify.cli import make_verify_command
from slimfix.verify.compare import AttributedLayer, ImageSummary, difference
from slimfix.verify.report import ImageReport, VerifyReport

BEFORE = ImageSummary(300, [AttributedLayer(100, "FROM a", None), AttributedLayer(200, "RUN x", 2)])
AFTER = ImageSummary(150, [AttributedLayer(100, "FROM a", None), AttributedLayer(50, "RUN y", 2)])


class FakeVerify:
    """Stands in for ``verify``: records its calls, returns a fixed report or raises ``error``."""

    def __init__(self):
        self.calls: list[dict] = []
        self.error: Exception | None = None
        self.after = AFTER

    def __call__(self, original, rewritten, context, smoke, **options):
        self.calls.append(
            {
                "original": original,
                "rewritten": rewritten,
                "context": context,
                "smoke": smoke,
                **options,
            }
        )
        if self.error is not None:
            raise self.error
        return VerifyReport(
            "buildah",
            "1.28.2",
            ImageReport("original", BEFORE),
            ImageReport("rewritten", self.after),
            difference(BEFORE, self.after),
        )


@pytest.fixture
def fake(monkeypatch):
    stand_in = FakeVerify()
    monkeypatch.setattr(verify_package, "verify", stand_in)
    return stand_in


@pytest.fixture
def project(tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM a\nRUN x\n")
    (tmp_path / "fixed.Dockerfile").write_text("FROM a\nRUN y\n")
    return tmp_path


def test_rewrite_comes_from_the_given_fixer(fake, project):
    command = make_verify_command(lambda text: text.replace("RUN x", "RUN y"))
    result = CliRunner().invoke(
        command, [str(project), "--smoke", "x --version", "--compare-output"]
    )
    assert result.exit_code == 0, result.output
    [call] = fake.calls
    assert call["rewritten"] == "FROM a\nRUN y\n"
    assert (
        call["context"] == project
        and call["smoke"] == "x --version"
        and call["compare_output"] is True
    )
    assert "verdict: smaller" in result.output


def test_rewritten_file_and_context_options(fake, project, tmp_path_factory):
    context = tmp_path_factory.mktemp("ctx")
    result = CliRunner().invoke(
        make_verify_command(),
        [
            str(project / "Dockerfile"),
            "--rewritten",
            str(project / "fixed.Dockerfile"),
            "--context",
            str(context),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    assert fake.calls[0]["rewritten"] == "FROM a\nRUN y\n" and fake.calls[0]["context"] == context
    assert json.loads(result.output)["difference"]["total"] == -150


def test_markdown_and_plot_outputs(fake, project):
    plot = project / "layers.svg"
    result = CliRunner().invoke(
        make_verify_command(),
        [
            str(project),
            "--rewritten",
            str(project / "fixed.Dockerfile"),
            "--markdown",
            "--plot",
            str(plot),
        ],
    )
    assert result.exit_code == 0, result.output
    assert result.output.startswith("**Image size: 300 B → 150 B")
    assert plot.read_text().startswith("<svg")


def test_not_smaller_exits_1(fake, project):
    fake.after = BEFORE
    result = CliRunner().invoke(make_verify_command(lambda text: text), [str(project)])
    assert result.exit_code == 1
    assert "not recommended" in result.output


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (
            NoBuilderError("no image builder available (docker: not installed)"),
            "no image builder available",
        ),
        (OriginalBuildError("E: broken"), "the original Dockerfile does not build"),
    ],
)
def test_errors_exit_2_with_a_clear_message(fake, project, error, message):
    fake.error = error
    result = CliRunner().invoke(make_verify_command(lambda text: text), [str(project)])
    assert result.exit_code == 2
    assert message in result.output


def test_the_default_rewrite_is_the_fixers_text():
    from slimfix.fixer import fix_text
    from slimfix.verify.cli import load_fixer

    text = "FROM debian:bookworm\nRUN apt-get update && apt-get install -y curl\n"
    rewritten = load_fixer()(text)
    assert rewritten == fix_text(text).output and rewritten != text
