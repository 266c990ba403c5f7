"""Build a Dockerfile and its rewrite, compare the images, check and smoke-test both.

``verify`` is the entry point: it claims nothing when the original does not
build, and reports a rewrite as breaking when it does not build, when the
run-time checks find something that worked in the original and not in it
(a shared library, a Python module, a Node dependency, the entry point), or
when it fails the smoke command.
"""

from __future__ import annotations

from .builders import BuilderError, NoBuilderError
from .checks import CheckResult
from .image import ImageReadError
from .pipeline import BuilderLimitError, OriginalBuildError, verify
from .repair import verify_repaired
from .report import VerifyReport, render_json, render_markdown, render_table

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

