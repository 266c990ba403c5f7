"""``verify`` driven by a stand-in builder that 'builds' small docker archives."""

from __future__ import annotations

from pathlib import Path

import pytest

from slimfix.verify import BuilderLimitError, OriginalBuildError, verify
from slimfix.verify.builders import Builder, BuildResult, CommandResult

ORIGINAL = "FROM base\nRUN apt-get update\nRUN apt-get install -y curl\n"
REWRITTEN = (
    "FROM base\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n"
)


class StandInBuilder(Builder):
    """Each Dockerfile text maps to the image steps it 'builds', or to a failing log."""

    name = "stand-in"

    def __init__(self, images, docker_archive, smoke_results=None, limits=()):
        super().__init__("stand-in", runner=None)
        self.images = images
        self.docker_archive = docker_archive
        self.smoke_results = smoke_results or {}
        self.known_limits = list(limits)
        self.built: dict[str, str] = {}
        self.removed: list[str] = []
        self._version = "0.1"

    def build(self, dockerfile: Path, context: Path, tag: str, timeout=None) -> BuildResult:
        steps = self.images[dockerfile.read_text()]
        if isinstance(steps, str):
            return BuildResult(False, "STEP 1/2: FROM base\n" + steps)
        self.built[tag] = dockerfile.read_text()
        return BuildResult(True, "")

    def save(self, tag: str, archive: Path) -> None:
        self.docker_archive(archive, self.images[self.built[tag]])

    def run(self, tag, argv, timeout=None) -> CommandResult:
        return self.smoke_results.get(self.built[tag], CommandResult(0, "ok\n"))

    def remove(self, tag: str) -> None:
        self.removed.append(tag)

    def limits(self, instructions):
        return self.known_limits


IMAGES = {
    ORIGINAL: [
        ("/bin/sh", 50_000),
        ("/bin/sh -c apt-get update", 30_000),
        ("/bin/sh -c apt-get install -y curl", 20_000),
    ],
    REWRITTEN: [
        ("/bin/sh", 50_000),
        (
            "/bin/sh -c apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*",
            21_000,
        ),
    ],
}


def test_smaller_rewrite_is_recommended_and_images_are_removed(docker_archive, tmp_path):
    builder = StandInBuilder(IMAGES, docker_archive)
    report = verify(ORIGINAL, REWRITTEN, tmp_path, smoke="curl --version", builder=builder)
    assert report.verdict == "smaller" and report.recommended
    assert report.difference.own < -20_000 and report.difference.base == 0
    assert [layer.line for layer in report.original.summary.layers] == [None, 2, 3]
    assert report.smoke.passed and report.smoke.command == ["curl", "--version"]
    assert sorted(builder.removed) == sorted(builder.built)
    assert all(tag.startswith("localhost/slimfix-verify/") for tag in builder.removed)


def test_original_that_does_not_build_raises_and_claims_nothing(docker_archive, tmp_path):
    images = {**IMAGES, ORIGINAL: "E: Unable to locate package curl"}
    with pytest.raises(OriginalBuildError, match="nothing is claimed") as raised:
        verify(ORIGINAL, REWRITTEN, tmp_path, builder=StandInBuilder(images, docker_archive))
    assert "Unable to locate package curl" in raised.value.log


def test_rewrite_that_does_not_build_is_breaking_with_its_log(docker_archive, tmp_path):
    images = {**IMAGES, REWRITTEN: "E: Unable to locate package curl"}
    builder = StandInBuilder(images, docker_archive)
    report = verify(ORIGINAL, REWRITTEN, tmp_path, smoke="true", builder=builder)
    assert report.verdict == "breaking" and not report.recommended
    assert report.difference is None and report.smoke is None
    assert "Unable to locate package curl" in report.rewritten.build_log
    assert builder.removed == list(builder.built)  # the original image is cleaned up too


def test_smoke_failure_in_the_rewrite_is_breaking(docker_archive, tmp_path):
    builder = StandInBuilder(
        IMAGES, docker_archive, {REWRITTEN: CommandResult(127, "curl: not found\n")}
    )
    report = verify(ORIGINAL, REWRITTEN, tmp_path, smoke="curl --version", builder=builder)
    assert report.verdict == "breaking"
    assert "0 (original) vs 127 (rewritten)" in report.smoke.explain()


def test_different_output_counts_only_when_asked(docker_archive, tmp_path):
    builder = StandInBuilder(IMAGES, docker_archive, {REWRITTEN: CommandResult(0, "other\n")})
    assert verify(ORIGINAL, REWRITTEN, tmp_path, smoke="x", builder=builder).verdict == "smaller"
    report = verify(ORIGINAL, REWRITTEN, tmp_path, smoke="x", compare_output=True, builder=builder)
    assert report.verdict == "breaking" and report.smoke.explain() == "output differs"


def test_rewrite_that_is_not_smaller_is_not_recommended(docker_archive, tmp_path):
    images = {
        ORIGINAL: IMAGES[ORIGINAL],
        REWRITTEN: [("/bin/sh", 50_000), ("/bin/sh -c x", 60_000)],
    }
    report = verify(ORIGINAL, REWRITTEN, tmp_path, builder=StandInBuilder(images, docker_archive))
    assert report.verdict == "not-smaller" and not report.recommended


def test_known_builder_limit_stops_before_building(docker_archive, tmp_path):
    builder = StandInBuilder(IMAGES, docker_archive, limits=["line 2: RUN uses a here-document"])
    with pytest.raises(BuilderLimitError, match="here-document.*no size is reported"):
        verify(ORIGINAL, REWRITTEN, tmp_path, builder=builder)
    assert builder.built == {}


def test_builder_rejecting_an_instruction_is_a_limit_not_a_breaking_rewrite(
    docker_archive, tmp_path
):
    log = 'Error: building at STEP "COPY --link a /a": COPY only supports the --chmod=<permissions> --chown=<uid:gid>'
    images = {**IMAGES, REWRITTEN: log}
    with pytest.raises(BuilderLimitError, match="COPY only supports"):
        verify(ORIGINAL, REWRITTEN, tmp_path, builder=StandInBuilder(images, docker_archive))


def test_kept_images_are_named_in_the_report(docker_archive, tmp_path):
    builder = StandInBuilder(IMAGES, docker_archive)
    report = verify(ORIGINAL, REWRITTEN, tmp_path, builder=builder, keep_images=True)
    assert builder.removed == []
    assert {report.original.image, report.rewritten.image} == set(builder.built)
    assert report.to_dict()["rewritten"]["image"] == report.rewritten.image
