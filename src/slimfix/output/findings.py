"""The findings of a run, which every report format reads.

A finding is a diagnostic in one file, with whether its fix was applied (or,
in --check and --diff modes, would be). Machine formats report the findings
that the file on disk still has after the run.
"""

from __future__ import annotations

from collections import Counter
from typing import Dict, List, Optional, Sequence

from ..result import FileResult
from ..record import record
from ..rules import Applicability, Diagnostic, get_rule


@record
class Finding:
    path: str
    diagnostic: Diagnostic
    fixed: bool  # its fix was applied, or would be in --check / --diff

    @property
    def unsafe_fix_available(self) -> bool:
        fix = self.diagnostic.fix
        return not self.fixed and fix is not None and fix.applicability == Applicability.UNSAFE


def findings(results: Sequence[FileResult], mode: str, include_fixed: Optional[bool] = None) -> List[Finding]:
    """Findings in path and line order. By default the fixed ones are included
    unless ``mode`` is fix (then they are no longer in the file)."""
    if include_fixed is None:
        include_fixed = mode != "fix"
    out: List[Finding] = []
    for result in results:
        found = [Finding(result.path, d, False) for d in result.diagnostics]
        if include_fixed:
            found += [Finding(result.path, d, True) for d in result.fixed]
        found.sort(key=lambda f: (f.diagnostic.line, f.diagnostic.column, f.diagnostic.code))
        out.extend(found)
    return out


def error_message(result: FileResult) -> Optional[str]:
    """One line for a file that could not be processed, or None."""
    if result.error:
        return result.error
    if result.internal_error:
        text = result.internal_error.strip()
        if text.startswith("internal error"):  # a traceback: its last line names the exception
            last = [line for line in text.splitlines() if line.strip()][-1].strip()
            return f"{result.path}: internal error: {last}; file left unchanged"
        return f"{result.path}: {text.splitlines()[0]}"
    return None


def fixes_by_rule(results: Sequence[FileResult]) -> Dict[str, int]:
    counts = Counter(d.code for r in results for d in r.fixed)
    return dict(sorted(counts.items()))


def rule_name(code: str) -> str:
    rule = get_rule(code)
    return rule.name if rule else ""


def human_bytes(count: int) -> str:
    value = float(count)
    for unit in ("B", "kB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{count} B"  # pragma: no cover
