"""The json report: every finding, fixed or not, and every file."""

from __future__ import annotations

import json
from typing import Dict, Sequence

from ..result import FileResult
from . import posix_path
from .findings import Finding, error_message, findings, fixes_by_rule, rule_name


def json_report(results: Sequence[FileResult], mode: str) -> str:

    def item(f: Finding) -> Dict[str, object]:
        d = f.diagnostic
        return {
            "code": d.code,
            "name": rule_name(d.code),
            "message": d.message,
            "path": posix_path(f.path),
            "line": d.line,
            "column": d.column,
            "end_line": max(d.end_line, d.line),
            "fixed": f.fixed,
            "fix": None if d.fix is None else {"applicability": d.fix.applicability.label, "message": d.fix.message},
            "estimated_savings": d.savings,
        }

    files = [
        {
            "path": posix_path(r.path),
            "changed": r.changed and not r.error,
            "error": error_message(r),
            "estimated_savings": r.savings,
        }
        for r in results
    ]
    doc = {
        "mode": mode,
        "findings": [item(f) for f in findings(results, mode, include_fixed=True)],
        "files": files,
        "fixes_by_rule": fixes_by_rule(results),
        "estimated_savings": sum(r.savings for r in results),
    }
    return json.dumps(doc, indent=2, ensure_ascii=False)
