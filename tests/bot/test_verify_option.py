"""--verify: measured sizes in the description, rewrites that break left out, no builder is an error."""

from __future__ import annotations

from typing import Iterator

import pytest

from slimfix import verify as verifier
from slimfix.bot.description import body
from slimfix.bot.measure import attach
from slimfix.verify.compare import AttributedLayer, ImageSummary, difference
from slimfix.verify.report import ImageReport, VerifyReport

from .conftest import run_bot
from .gitrepos import NAIVE, Checkout, Remote
from .test_units import changes

BRANCH = "slimfix/slim-dockerfiles"


def report(before: int, after: int, builds: bool = True) -> VerifyReport:
    def image(role: str, size: int) -> ImageSummary:
        return ImageSummary(
            size, [AttributedLayer(size // 2, "FROM debian", None), AttributedLayer(size - size // 2, "RUN x", 2)]
        )

    original = ImageReport("original", image("original", before))
    if not builds:
        return VerifyReport("buildah", "1.0", original, ImageReport("rewritten", None, "E: no space left"))
    rewritten = ImageReport("rewritten", image("rewritten", after))
    return VerifyReport("buildah", "1.0", original, rewritten, difference(original.summary, rewritten.summary))


def test_description_shows_measured_sizes() -> None:
    found = changes("Dockerfile")
    attach(found.files[0], report(120_000_000, 80_000_000))
    text = body(found)
    assert "| File | Fixes | Estimated savings | Measured image size |" in text
    assert "120.0 MB → 80.0 MB (-40.0 MB)" in text
    assert "**Image size: 120.0 MB → 80.0 MB" in text  # slimfix.verify's own rendering
    assert "Measured" not in body(changes("Dockerfile"))  # no build, no column


@pytest.fixture
def fake_builds(monkeypatch: pytest.MonkeyPatch) -> Iterator[list]:
    calls: list = []

    def fake_verify(original: str, rewritten: str, context_dir, *args, **kwargs) -> VerifyReport:
        calls.append(str(context_dir))
        breaks = "python3" in original  # services/api/Dockerfile's rewrite "does not build"
        return report(120_000_000, 80_000_000, builds=not breaks)

    monkeypatch.setattr(verifier, "verify", fake_verify)
    yield calls


def test_verify_keeps_what_builds_and_leaves_out_what_breaks(
    remote: Remote, checkout: Checkout, fake_builds: list
) -> None:
    result = run_bot([str(checkout.path), "--forge", "none", "--verify", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert len(fake_builds) == 2
    assert "services/api/Dockerfile: left out, the rewritten Dockerfile does not build" in result.stderr
    assert "--- a/services/api/Dockerfile" not in result.stdout and "--- a/Dockerfile" in result.stdout

    pushed = run_bot([str(checkout.path), "--forge", "none", "--verify"])
    assert pushed.exit_code == 0, pushed.output
    assert remote.show(BRANCH, "services/api/Dockerfile") == NAIVE.format(package="python3")
    assert remote.show(BRANCH, "Dockerfile") != NAIVE.format(package="curl")


def test_verify_without_a_builder_is_an_error(
    remote: Remote, checkout: Checkout, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_builder(*args, **kwargs):
        raise verifier.NoBuilderError("no docker, podman or buildah found")

    monkeypatch.setattr(verifier, "verify", no_builder)
    result = run_bot([str(checkout.path), "--forge", "none", "--verify"])
    assert result.exit_code == 2
    assert "--verify could not build Dockerfile: no docker, podman or buildah found" in result.stderr
    assert BRANCH not in remote.heads()
