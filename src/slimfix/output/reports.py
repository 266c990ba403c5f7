"""Reports of a run: human text, JSON, SARIF 2.1.0, GitHub annotations, GitLab Code Quality."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from typing import Dict, List, Sequence

from .. import __version__
from ..fixer import FileResult
from . import posix_path
from ..rules import Applicability, Diagnostic, get_rule

DOCS_URL = "https://github.com/slimfix/slimfix/blob/main/docs/rules/{code}.md"


def human_bytes(count: int) -> str:
    value = float(count)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{count} B"  # pragma: no cover


def _marker(diagnostic: Diagnostic) -> str:
    fix = diagnostic.fix
    if fix is None or fix.applicability == Applicability.DISPLAY_ONLY:
        return ""
    return "[*] " if fix.applicability == Applicability.SAFE else "[-] "


def render(results: Sequence[FileResult], fmt: str, mode: str, show_fixes: bool = False, statistics: bool = False) -> str:
    return _RENDERERS[fmt](results, mode, show_fixes, statistics)


def _text(results: Sequence[FileResult], mode: str, show_fixes: bool, statistics: bool) -> str:
    lines: List[str] = []
    for result in results:
        for d in result.diagnostics:
            lines.append(f"{result.path}:{d.line}:{d.column}: {d.code} {_marker(d)}{d.message}")
    if show_fixes:
        for result in results:
            for d in result.fixed:
                lines.append(f"fixed {result.path}:{d.line}: {d.code} {d.message}")
    if statistics:
        counts = Counter(d.code for r in results for d in (*r.diagnostics, *r.fixed))
        for code, count in sorted(counts.items()):
            rule = get_rule(code)
            lines.append(f"{count:5d}  {code}  {rule.name if rule else ''}")
    fixed = sum(len(r.fixed) for r in results)
    remaining = sum(len(r.diagnostics) for r in results)
    changed = sum(1 for r in results if r.changed)
    saved = sum(r.savings for r in results)
    errors = sum(1 for r in results if r.error or r.internal_error)
    verb = "fixed" if mode == "fix" else "would be fixed"
    files_verb = "rewritten" if mode == "fix" else "would be rewritten"
    if fixed or remaining or errors:
        summary = f"{changed} file{'s' if changed != 1 else ''} {files_verb}, {fixed} fix{'es' if fixed != 1 else ''} {verb}"
        if saved:
            summary += f" (estimated {human_bytes(saved)} smaller)"
        summary += f", {remaining} remaining"
        if errors:
            summary += f", {errors} error{'s' if errors != 1 else ''}"
        lines.append(summary + ".")
        unsafe = sum(1 for r in results for d in r.diagnostics if d.fix and d.fix.applicability == Applicability.UNSAFE)
        if unsafe:
            lines.append(f"{unsafe} more fix{'es' if unsafe != 1 else ''} available with --unsafe-fixes ([-]).")
    elif results:
        lines.append(f"{len(results)} file{'s' if len(results) != 1 else ''} checked, nothing to do.")
    return "\n".join(lines)


def _diag_json(d: Diagnostic, path: str) -> Dict[str, object]:
    rule = get_rule(d.code)
    return {
        "code": d.code,
        "name": rule.name if rule else None,
        "message": d.message,
        "path": path,
        "line": d.line,
        "column": d.column,
        "end_line": d.end_line or d.line,
        "fix": None if d.fix is None else {
            "applicability": d.fix.applicability.label,
            "message": d.fix.message,
            "edits": [{"start": e.start, "end": e.end, "content": e.content} for e in d.fix.edits],
        },
        "estimated_savings": d.savings,
    }


def _json(results: Sequence[FileResult], mode: str, show_fixes: bool, statistics: bool) -> str:
    files = []
    for r in results:
        files.append({
            "path": r.path,
            "changed": r.changed,
            "error": r.error,
            "internal_error": r.internal_error.splitlines()[0] if r.internal_error else None,
            "diagnostics": [_diag_json(d, r.path) for d in r.diagnostics],
            "fixed": [_diag_json(d, r.path) for d in r.fixed],
            "estimated_savings": r.savings,
        })
    return json.dumps({"version": __version__, "mode": mode, "files": files}, indent=2)


def _sarif(results: Sequence[FileResult], mode: str, show_fixes: bool, statistics: bool) -> str:
    from ..rules import all_rules

    rules = all_rules()
    index = {rule.code: i for i, rule in enumerate(rules)}
    sarif_rules = []
    for rule in rules:
        sections = rule.sections()
        sarif_rules.append({
            "id": rule.code,
            "name": rule.name,
            "shortDescription": {"text": rule.summary},
            "fullDescription": {"text": sections.get("What it does", rule.summary)},
            "help": {"text": rule.documentation(), "markdown": rule.documentation()},
            "helpUri": DOCS_URL.format(code=rule.code),
            "properties": {"fix-safety": rule.fix_applicability.label, "hadolint": list(rule.hadolint)},
        })
    sarif_results = []
    for r in results:
        for d in r.diagnostics:
            sarif_results.append({
                "ruleId": d.code,
                "ruleIndex": index.get(d.code, 0),
                "level": "warning",
                "message": {"text": d.message},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": posix_path(r.path)},
                        "region": {"startLine": d.line, "startColumn": d.column, "endLine": max(d.end_line, d.line)},
                    }
                }],
            })
    invocations = [{
        "executionSuccessful": not any(r.error or r.internal_error for r in results),
        "toolExecutionNotifications": [
            {"level": "error", "message": {"text": r.error or r.internal_error.splitlines()[0]}}
            for r in results if r.error or r.internal_error
        ],
    }]
    doc = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "slimfix", "version": __version__, "informationUri": "https://github.com/slimfix/slimfix", "rules": sarif_rules}},
            "results": sarif_results,
            "invocations": invocations,
        }],
    }
    return json.dumps(doc, indent=2)


def _github(results: Sequence[FileResult], mode: str, show_fixes: bool, statistics: bool) -> str:
    def esc(text: str) -> str:
        return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

    def prop(text: str) -> str:
        return esc(text).replace(":", "%3A").replace(",", "%2C")

    lines = []
    for r in results:
        if r.error:
            lines.append(f"::error file={prop(r.path)}::{esc(r.error)}")
        for d in r.diagnostics:
            lines.append(
                f"::warning file={prop(r.path)},line={d.line},col={d.column},endLine={max(d.end_line, d.line)},"
                f"title={prop(d.code)}::{esc(d.code + ' ' + d.message)}"
            )
    return "\n".join(lines)


def _gitlab(results: Sequence[FileResult], mode: str, show_fixes: bool, statistics: bool) -> str:
    issues = []
    for r in results:
        for d in r.diagnostics:
            fingerprint = hashlib.sha256(f"{r.path}:{d.code}:{d.message}:{d.line}".encode()).hexdigest()
            issues.append({
                "description": f"{d.code} {d.message}",
                "check_name": d.code,
                "fingerprint": fingerprint,
                "severity": "minor",
                "location": {"path": posix_path(r.path), "lines": {"begin": d.line, "end": max(d.end_line, d.line)}},
            })
    return json.dumps(issues, indent=2)


_RENDERERS = {"text": _text, "json": _json, "sarif": _sarif, "github": _github, "gitlab": _gitlab}
