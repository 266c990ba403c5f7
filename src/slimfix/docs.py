"""Rule documentation: the `slimfix rules` table and one page per rule (docs/rules/)."""

from __future__ import annotations

import json

from .rules import Rule, all_rules


def rules_table(fmt: str = "text") -> str:
    rules = all_rules()
    if fmt == "json":
        return json.dumps(
            [
                {
                    "code": r.code,
                    "name": r.name,
                    "summary": r.summary,
                    "fix": r.fix_applicability.label,
                    "hadolint": list(r.hadolint),
                    "default": not r.explicit_only,
                }
                for r in rules
            ],
            indent=2,
        )
    width = max(len(r.name) for r in rules)
    lines = [f"{'code':6}  {'name':{width}}  {'fix':12}  hadolint  summary"]
    for r in rules:
        fix = r.fix_applicability.label + ("" if not r.explicit_only else " (opt-in)")
        lines.append(f"{r.code:6}  {r.name:{width}}  {fix:12}  {','.join(r.hadolint) or '-':8}  {r.summary}")
    return "\n".join(lines)


def rule_page(rule: Rule) -> str:
    """The rule's page in Markdown, generated from its docstring."""
    head = [
        f"# {rule.code} {rule.name}",
        "",
        f"{rule.summary}",
        "",
        f"- Fix: {rule.fix_applicability.label}" + (" (runs only when selected by its code)" if rule.explicit_only else ""),
    ]
    if rule.hadolint:
        head.append(f"- hadolint: {', '.join(rule.hadolint)}")
    return "\n".join(head) + "\n\n" + rule.documentation().rstrip() + "\n"
