"""SARIF 2.1.0 for code scanning: every rule, the findings still in the files."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Dict, List, Sequence
from urllib.parse import quote

from ..constants import __version__
from ..docs import documentation, sections
from ..result import FileResult
from ..rules import Applicability, all_rules
from . import posix_path
from .findings import error_message, findings

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SRCROOT = "%SRCROOT%"


def _artifact(path: str) -> Dict[str, str]:
    name = posix_path(path)
    if os.path.isabs(name):
        return {"uri": Path(name).as_uri()}
    return {"uri": quote(name), "uriBaseId": SRCROOT}


def _folder_uri(folder: str) -> str:
    uri = Path(folder).as_uri()
    return uri if uri.endswith("/") else uri + "/"


def _rule(rule) -> Dict[str, object]:
    parts = sections(rule)
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": parts.get("What it does", rule.summary)},
        "help": {"text": documentation(rule), "markdown": documentation(rule)},
        "defaultConfiguration": {"level": "warning", "enabled": not rule.explicit_only},
        "properties": {
            "fix-safety": rule.fix_applicability.label,
            "hadolint": list(rule.hadolint),
            "tags": ["dockerfile", "image-size"],
        },
    }


def sarif_report(results: Sequence[FileResult], mode: str) -> str:
    rules = all_rules()
    index = {rule.code: i for i, rule in enumerate(rules)}
    sarif_results: List[Dict[str, object]] = []
    for f in findings(results, mode):
        d = f.diagnostic
        result: Dict[str, object] = {
            "ruleId": d.code,
            "level": "warning",
            "message": {"text": d.message},
            "locations": [{
                "physicalLocation": {
                    "artifactLocation": _artifact(f.path),
                    "region": {"startLine": d.line, "startColumn": d.column, "endLine": max(d.end_line, d.line)},
                }
            }],
            "properties": {
                "fixable": d.fix is not None and d.fix.applicability > Applicability.DISPLAY_ONLY,
                "fix-safety": d.fix.applicability.label if d.fix else "none",
                "estimated-savings-bytes": d.savings,
            },
        }
        if d.code in index:
            result["ruleIndex"] = index[d.code]
        sarif_results.append(result)
    notifications = []
    for r in results:
        message = error_message(r)
        for line in message.split("\n") if message else ():  # one per problem (bad pragmas: several)
            notifications.append({
                "level": "error",
                "message": {"text": line},
                "locations": [{"physicalLocation": {"artifactLocation": _artifact(r.path)}}],
            })
    run = {
        "tool": {"driver": {"name": "slimfix", "version": __version__, "semanticVersion": __version__,
                            "rules": [_rule(rule) for rule in rules]}},
        "originalUriBaseIds": {SRCROOT: {"uri": _folder_uri(os.getcwd())}},
        "columnKind": "unicodeCodePoints",
        "results": sarif_results,
        "invocations": [{"executionSuccessful": not notifications, "toolExecutionNotifications": notifications}],
    }
    return json.dumps({"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}, indent=2, ensure_ascii=False)
