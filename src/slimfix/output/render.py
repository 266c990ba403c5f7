"""Reports of a run, in the format asked for: text, json, sarif, github, gitlab."""

from __future__ import annotations

from typing import Sequence

from ..fixer import FileResult
from .annotations import github_annotations, gitlab_code_quality
from .jsonreport import json_report
from .sarif import sarif_report
from .text import text_report


def render(
    results: Sequence[FileResult],
    fmt: str,
    mode: str,
    show_fixes: bool = False,
    statistics: bool = False,
) -> str:
    """The report; "" when there is nothing to say in that format."""
    if fmt == "text":
        return text_report(results, mode, show_fixes=show_fixes, statistics=statistics)
    if fmt == "json":
        return json_report(results, mode)
    if fmt == "sarif":
        return sarif_report(results, mode)
    if fmt == "github":
        return github_annotations(results, mode)
    if fmt == "gitlab":
        return gitlab_code_quality(results, mode)
    raise ValueError(f"unknown output format {fmt!r}")
