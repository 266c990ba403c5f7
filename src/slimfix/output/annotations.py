"""CI reports: GitHub workflow annotations, GitLab Code Quality."""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from typing import Dict, List, Sequence, Tuple

from ..result import FileResult
from . import posix_path
from .findings import error_message, findings, rule_name


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def _error_position(result: FileResult, message: str) -> Tuple[str, str]:
    """(",line=N,col=N" or "", the message without its path and position)."""
    prefix = re.escape(result.path)
    match = re.match(rf"{prefix}:(\d+):(\d+): (.*)$", message, re.S)
    if match:
        return f",line={match.group(1)},col={match.group(2)}", match.group(3)
    match = re.match(rf"{prefix}: (.*)$", message, re.S)
    return "", match.group(1) if match else message


def github_annotations(results: Sequence[FileResult], mode: str) -> str:
    """``::warning`` per finding, ``::error`` per file that could not be processed."""
    lines = []
    for result in results:
        message = error_message(result)
        for line in message.split("\n") if message else ():  # one per problem (bad pragmas: several)
            position, text = _error_position(result, line)
            lines.append(f"::error file={_property(posix_path(result.path))}{position},title=slimfix::{_data(text)}")
    for f in findings(results, mode):
        d = f.diagnostic
        title = f"{d.code} {rule_name(d.code)}".strip()
        lines.append(
            f"::warning file={_property(posix_path(f.path))},line={d.line},endLine={max(d.end_line, d.line)},"
            f"col={d.column},title={_property(title)}::{_data(d.message)}"
        )
    return "\n".join(lines)


def gitlab_code_quality(results: Sequence[FileResult], mode: str) -> str:
    """A Code Quality report (a JSON array of issues).

    Fingerprints hash path, rule, message and the occurrence's rank among
    identical ones, not the line, so an issue keeps its identity when
    unrelated lines move.
    """
    issues: List[Dict[str, object]] = []
    seen: Counter = Counter()
    for f in findings(results, mode):
        d = f.diagnostic
        path = posix_path(f.path)
        key = (path, d.code, d.message)
        seen[key] += 1
        fingerprint = hashlib.sha256("\0".join((*key, str(seen[key]))).encode("utf-8")).hexdigest()
        issues.append({
            "type": "issue",
            "description": f"{d.code} {d.message}",
            "check_name": f"{d.code} {rule_name(d.code)}".strip(),
            "categories": ["Performance"],
            "fingerprint": fingerprint,
            "severity": "minor",
            "location": {"path": path, "lines": {"begin": d.line, "end": max(d.end_line, d.line)}},
        })
    return json.dumps(issues, indent=2, ensure_ascii=False)
