"""Rule documentation: the `slimfix rules` table, one page per rule, docs/rules/.

``python -m slimfix.regenerate`` writes the pages (``write``); ``differences`` lists the
pages that are missing, stale or left over.
"""

from __future__ import annotations

import inspect
import json
import re
from pathlib import Path
from typing import Dict, List, Sequence

from .rules import Rule, all_rules

GENERATED = "<!-- Generated from the rule's docstring by `python -m slimfix.regenerate`; do not edit. -->"
INDEX = "README.md"
_SECTION = re.compile(r"^## (.+)$", re.M)


def documentation(rule: type) -> str:
    """The rule's docstring, dedented: its page below the heading."""
    return inspect.cleandoc(rule.__doc__ or "")


def sections(rule: type) -> Dict[str, str]:
    """The docstring's ``## `` sections by name (see ``rules.base.DOC_SECTIONS``)."""
    doc = documentation(rule)
    marks = list(_SECTION.finditer(doc))
    out = {}
    for i, mark in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(doc)
        out[mark.group(1).strip()] = doc[mark.end():end].strip()
    return out


def _fix_label(rule: Rule) -> str:
    return rule.fix_applicability.label


def rules_table(fmt: str = "text") -> str:
    rules = all_rules()
    if fmt == "json":
        return json.dumps(
            [
                {
                    "code": r.code,
                    "name": r.name,
                    "summary": r.summary,
                    "fix": _fix_label(r),
                    "default": not r.explicit_only,
                    "hadolint": list(r.hadolint),
                }
                for r in rules
            ],
            indent=2,
        )
    rows = [("code", "name", "fix", "default", "hadolint", "summary")]
    for r in rules:
        rows.append((r.code, r.name, _fix_label(r), "no" if r.explicit_only else "yes", ",".join(r.hadolint) or "-", r.summary))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    return "\n".join("  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[-1] for row in rows)


def rule_page(rule: Rule) -> str:
    """The rule's page in Markdown, generated from its docstring."""
    default = "no: runs only when selected by its code" if rule.explicit_only else "yes"
    head = [
        f"# {rule.code}: {rule.name}",
        "",
        rule.summary,
        "",
        f"- Fix: {_fix_label(rule)}",
        f"- Runs by default: {default}",
        f"- hadolint: {', '.join(rule.hadolint) or 'none'}",
    ]
    return "\n".join(head) + "\n\n" + documentation(rule).rstrip() + "\n"


def index_page(rules: Sequence[Rule]) -> str:
    lines = [
        "# Rules",
        "",
        "| Code | Name | Fix | Default | hadolint | Summary |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for r in rules:
        lines.append(
            f"| [{r.code}]({r.code}.md) | {r.name} | {_fix_label(r)} | {'no' if r.explicit_only else 'yes'} "
            f"| {', '.join(r.hadolint) or '-'} | {r.summary} |"
        )
    return "\n".join(lines) + "\n"


def pages() -> Dict[str, str]:
    """File name -> content of every generated page."""
    rules = all_rules()
    out = {INDEX: f"{GENERATED}\n{index_page(rules)}"}
    for rule in rules:
        out[f"{rule.code}.md"] = f"{GENERATED}\n{rule_page(rule)}"
    return out


def differences(folder: Path) -> List[str]:
    """What is out of date in ``folder``: one line per page."""
    expected = pages()
    out = []
    for name, content in sorted(expected.items()):
        path = folder / name
        if not path.is_file():
            out.append(f"{path}: missing")
        elif path.read_text(encoding="utf-8") != content:
            out.append(f"{path}: out of date")
    if folder.is_dir():
        for path in sorted(folder.glob("*.md")):
            if path.name not in expected and path.read_text(encoding="utf-8").startswith(GENERATED):
                out.append(f"{path}: no such rule any more")
    return out


def write(folder: Path) -> List[str]:
    """Bring ``folder`` up to date; the names of the files changed."""
    folder.mkdir(parents=True, exist_ok=True)
    changed = []
    expected = pages()
    for name, content in expected.items():
        path = folder / name
        if not path.is_file() or path.read_text(encoding="utf-8") != content:
            path.write_text(content, encoding="utf-8", newline="\n")
            changed.append(str(path))
    for path in folder.glob("*.md"):
        if path.name not in expected and path.read_text(encoding="utf-8").startswith(GENERATED):
            path.unlink()
            changed.append(str(path))
    return sorted(changed)

