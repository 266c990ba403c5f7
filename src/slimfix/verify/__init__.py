"""Build a Dockerfile and its rewrite, compare the images, check and smoke-test both.

``verify`` is the entry point: it claims nothing when the original does not
build, and reports a rewrite as breaking when it does not build, when the
run-time checks find something that worked in the original and not in it
(a shared library, a Python module, a Node dependency, the entry point), or
when it fails the smoke command.
"""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from .checks import entry_programs, run_checks, shipped_paths
from .builders import Builder, BuilderError, NoBuilderError, detect_builder, excerpt
from .checks import CheckResult
from .compare import ImageSummary, attribute, difference
from .image import ImageReadError, read_image_archive
from .instructions import final_stage, read_instructions
from .report import ImageReport, VerifyReport, render_json, render_markdown, render_table
from .repair import verify_repaired
from .smoke import run_smoke

__all__ = [
    "BuilderError",
    "CheckResult",
    "BuilderLimitError",
    "ImageReadError",
    "NoBuilderError",
    "OriginalBuildError",
    "VerifyReport",
    "render_json",
    "render_markdown",
    "render_table",
    "verify",
    "verify_repaired",
]

_LIMIT_MESSAGES = ("COPY only supports the", "ADD only supports the", "Unknown instruction")


class OriginalBuildError(RuntimeError):
    """The original Dockerfile does not build, so nothing can be claimed."""

    def __init__(self, log: str):
        super().__init__("the original Dockerfile does not build; nothing is claimed.\n" + log)
        self.log = log


class BuilderLimitError(RuntimeError):
    """The builder here cannot build a feature the Dockerfile uses."""


def verify(
    original_dockerfile_text: str,
    rewritten_dockerfile_text: str,
    context_dir: str | Path,
    smoke: str | Sequence[str] | None = None,
    *,
    compare_output: bool = False,
    builder: Builder | str | None = None,
    keep_images: bool = False,
    timeout: float | None = 1800,
) -> VerifyReport:
    """Build both Dockerfiles in ``context_dir`` and report what the rewrite buys."""
    if not isinstance(builder, Builder):
        builder = detect_builder(builder)
    context = Path(context_dir)
    _check_limits(builder, original_dockerfile_text, "original")
    _check_limits(builder, rewritten_dockerfile_text, "rewritten")
    token = uuid.uuid4().hex[:12]
    tags = {role: f"localhost/slimfix-verify/{role}:{token}" for role in ("original", "rewritten")}
    built: list[str] = []
    try:
        images = {
            role: _build_image(builder, role, text, context, tags[role], built, timeout)
            for role, text in (
                ("original", original_dockerfile_text),
                ("rewritten", rewritten_dockerfile_text),
            )
        }
        if keep_images:
            images = {
                role: replace(image, image=tags[role]) if image.built else image
                for role, image in images.items()
            }
        original, rewritten = images["original"], images["rewritten"]
        if original.summary is None or rewritten.summary is None:
            return VerifyReport(builder.name, builder.version(), original, rewritten)
        final = {role: final_stage(read_instructions(text)) for role, text in (
            ("original", original_dockerfile_text), ("rewritten", rewritten_dockerfile_text))}
        paths = list(dict.fromkeys(
            shipped_paths(final["original"], original.config.get("WorkingDir") or "")
            + shipped_paths(final["rewritten"], rewritten.config.get("WorkingDir") or "")))
        programs = list(dict.fromkeys(
            entry_programs(original.config) + entry_programs(rewritten.config)))
        checks = run_checks(builder, tags["original"], tags["rewritten"], paths, programs)
        smoke_result = None
        if smoke is not None:
            smoke_result = run_smoke(
                builder, tags["original"], tags["rewritten"], smoke, compare_output
            )
        return VerifyReport(
            builder.name,
            builder.version(),
            original,
            rewritten,
            difference(original.summary, rewritten.summary),
            smoke_result,
            checks=checks,
        )
    finally:
        if not keep_images:
            for tag in built:
                builder.remove(tag)


def _build_image(
    builder: Builder,
    role: str,
    text: str,
    context: Path,
    tag: str,
    built: list[str],
    timeout: float | None,
) -> ImageReport:
    """Build one Dockerfile; a failed original raises, a failed rewrite is reported."""
    with tempfile.TemporaryDirectory(prefix="slimfix-verify-") as scratch:
        dockerfile = Path(scratch) / f"Dockerfile.{role}"
        dockerfile.write_text(text)
        result = builder.build(dockerfile, context, tag, timeout=timeout)
        if not result.ok:
            _raise_if_limit(builder, result.log)
            if role == "original":
                raise OriginalBuildError(excerpt(result.log))
            return ImageReport(role, None, excerpt(result.log))
        built.append(tag)
        summary, config = _summarise(builder, tag, text, Path(scratch) / "image.tar")
        return ImageReport(role, summary, config=config)


def _summarise(builder: Builder, tag: str, text: str, archive: Path) -> tuple[ImageSummary, dict]:
    builder.save(tag, archive)
    try:
        layers = read_image_archive(archive)
    finally:
        archive.unlink(missing_ok=True)
    return attribute(layers, final_stage(read_instructions(text))), layers.config


def _check_limits(builder: Builder, text: str, role: str) -> None:
    problems = builder.limits(read_instructions(text))
    if problems:
        raise BuilderLimitError(
            f"{builder.name} {builder.version()} cannot build the {role} Dockerfile "
            f"({'; '.join(problems)}); no size is reported. Use a newer builder."
        )


def _raise_if_limit(builder: Builder, log: str) -> None:
    for message in _LIMIT_MESSAGES:
        if message in log:
            raise BuilderLimitError(
                f"{builder.name} {builder.version()} does not support an instruction used here:\n"
                + excerpt(log, 5)
            )
