"""Reports of a run, in the format asked for: text, json, sarif, github, gitlab."""

from __future__ import annotations

from typing import Sequence

from ..result import FileResult  # not from the fixer: a run answered from the cache never imports the analysis


def render(
    results: Sequence[FileResult],
    fmt: str,
    mode: str,
    show_fixes: bool = False,
    statistics: bool = False,
) -> str:
    """The report; "" when there is nothing to say in that format. Only the asked format's
    module is imported (start-up time)."""
    if fmt == "text":
        from .text import text_report  # lazy: start-up (only the asked format loads)

        return text_report(results, mode, show_fixes=show_fixes, statistics=statistics)
    if fmt == "json":
        from .jsonreport import json_report  # lazy: start-up (only the asked format loads)

        return json_report(results, mode)
    if fmt == "sarif":
        from .sarif import sarif_report  # lazy: start-up (only the asked format loads)

        return sarif_report(results, mode)
    if fmt == "github":
        from .annotations import github_annotations  # lazy: start-up (only the asked format loads)

        return github_annotations(results, mode)
    if fmt == "gitlab":
        from .annotations import gitlab_code_quality  # lazy: start-up (only the asked format loads)

        return gitlab_code_quality(results, mode)
    raise ValueError(f"unknown output format {fmt!r}")
