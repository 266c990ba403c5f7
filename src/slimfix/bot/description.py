"""What the bot writes: commit message, merge request title and description, comments."""

from __future__ import annotations

import re
from collections import Counter
from typing import Iterable, List, Optional

from ..docs import sections
from ..output.findings import human_bytes
from ..rules import get_rule
from .changes import ChangeSet, FileChange

TITLE = "Slim Dockerfiles with slimfix"
TREE_TRAILER = "Slimfix-Tree"  # the tree the bot committed: a commit whose tree differs is not the bot's
MAX_BODY = 60000  # GitHub refuses bodies over 65536 characters
_MARKER = re.compile(r"<!-- slimfix-bot:(\w+):([0-9a-f]+) -->")


def marker(kind: str, digest: str) -> str:
    return f"<!-- slimfix-bot:{kind}:{digest} -->"


def find_markers(text: Optional[str], kind: str) -> List[str]:
    return [m.group(2) for m in _MARKER.finditer(text or "") if m.group(1) == kind]


def _plural(count: int, word: str, plural: str = "") -> str:
    return f"{count} {word if count == 1 else plural or word + 's'}"


def _rules_of(change: FileChange) -> List[str]:
    counts = Counter(d.code for d in change.fixed)
    out = []
    for code, count in sorted(counts.items()):
        rule = get_rule(code)
        name = f"{code} {rule.name}" if rule else code
        out.append(name + (f" (x{count})" if count > 1 else ""))
    return out


def commit_message(changes: ChangeSet, tree: str) -> str:
    lines = [
        TITLE,
        "",
        f"Rewrite {_plural(len(changes.files), 'Dockerfile')} to make the images smaller"
        + (f" (estimated savings: {human_bytes(changes.savings)})." if changes.savings else "."),
        "",
    ]
    lines += [f"- {f.path}: {', '.join(_rules_of(f))}" for f in changes.files]
    lines += ["", f"{TREE_TRAILER}: {tree}"]
    return "\n".join(lines) + "\n"


def rule_excerpt(code: str) -> str:
    rule = get_rule(code)
    if rule is None:
        return ""
    why = sections(rule).get("Why is this bad?", "")
    return " ".join(why.split("\n\n")[0].split())


def _measured(report) -> str:
    """ "120.0 MB → 80.0 MB (-40.0 MB)" from a verify report, or why there is no figure."""
    if report is None:
        return ""
    if not report.rewritten.built:
        return "rewrite does not build"
    original, rewritten = report.original.summary, report.rewritten.summary
    delta = rewritten.total_size - original.total_size
    sign = "-" if delta < 0 else "+"
    return f"{human_bytes(original.total_size)} → {human_bytes(rewritten.total_size)} ({sign}{human_bytes(abs(delta))})"


def _table(changes: ChangeSet) -> List[str]:
    measured = any(f.report is not None for f in changes.files)
    head = "| File | Fixes | Estimated savings |" + (" Measured image size |" if measured else "")
    rule = "|---|---|---:|" + ("---|" if measured else "")
    rows = [head, rule]
    for f in changes.files:
        codes = Counter(d.code for d in f.fixed)
        fixes = ", ".join(f"{code}" + (f" ×{n}" if n > 1 else "") for code, n in sorted(codes.items()))
        row = f"| `{f.path}` | {fixes} | {human_bytes(f.savings)} |"
        rows.append(row + (f" {_measured(f.report)} |" if measured else ""))
    total = sum(len(f.fixed) for f in changes.files)
    rows.append(
        f"| **Total** | {_plural(total, 'fix', 'fixes')} | **{human_bytes(changes.savings)}** |"
        + (" |" if measured else "")
    )
    return rows


def _file_section(change: FileChange) -> List[str]:
    out = [f"#### `{change.path}`", ""]
    for d in change.fixed:
        rule = get_rule(d.code)
        name = f" {rule.name}" if rule else ""
        saved = f" (est. {human_bytes(d.savings)})" if d.savings else ""
        out.append(f"- **{d.code}**{name}: {d.message}{saved}")
    if change.report_markdown:
        out += ["", change.report_markdown]
    return out + [""]


def _rules_section(changes: ChangeSet, docs_url: Optional[str]) -> List[str]:
    codes = sorted({d.code for f in changes.files for d in f.fixed})
    out = ["### Rules", ""]
    for code in codes:
        rule = get_rule(code)
        if rule is None:
            continue
        link = f"[{code}]({docs_url.format(code=code, name=rule.name)})" if docs_url else f"**{code}**"
        out.append(f"- {link} `{rule.name}`: {rule.summary}.")
        excerpt = rule_excerpt(code)
        if excerpt:
            out.append(f"  > {excerpt}")
    if not docs_url:
        out += ["", "Each rule's full documentation: `slimfix rule CODE`."]
    return out + [""]


def body(changes: ChangeSet, kind: str = "merge request", docs_url: Optional[str] = None) -> str:
    """The description: changed files, each fix, its rule, the savings."""
    intro = [
        f"slimfix rewrote {_plural(len(changes.files), 'Dockerfile')} to make the images smaller"
        + (f"; estimated savings: **{human_bytes(changes.savings)}** in total." if changes.savings else "."),
        "",
    ]
    details: List[str] = ["### Changes", ""]
    for change in changes.files:
        details += _file_section(change)
    skipped = ["### Not changed", ""] + [f"- {line}" for line in changes.skipped] + [""] if changes.skipped else []
    footer = [
        "---",
        f"<sub>Opened by `slimfix bot`. It updates this branch when the fixes change and closes this {kind} "
        "when they are no longer needed. If anyone else pushes to the branch, slimfix leaves it alone and comments "
        f"instead. Closing this {kind} without merging stops slimfix proposing the same changes.</sub>",
        "",
        marker("digest", changes.digest),
    ]
    table = _table(changes) + [""]
    rules = _rules_section(changes, docs_url)
    text = "\n".join(intro + table + details + rules + skipped + footer)
    if len(text) > MAX_BODY:  # keep the table and the rules, drop the per-fix lines
        note = ["_The list of each fix is too long for this description; run `slimfix --diff --show-fixes`._", ""]
        text = "\n".join(intro + table + note + rules + skipped + footer)
    if len(text) > MAX_BODY:
        text = "\n".join(intro + table[:200] + ["", "_(list shortened)_", ""] + footer)
    return text


def one_line(changes: ChangeSet) -> str:
    """The description as a single line (git push options cannot hold a newline)."""
    parts = [
        f"slimfix rewrote {_plural(len(changes.files), 'Dockerfile')} to make the images smaller"
        + (f" (estimated savings: {human_bytes(changes.savings)})" if changes.savings else "")
    ]
    parts += [f"`{f.path}`: {', '.join(_rules_of(f))}" for f in changes.files[:50]]
    if len(changes.files) > 50:
        parts.append(f"and {len(changes.files) - 50} more")
    parts.append("See `slimfix rule CODE` for each rule. " + marker("digest", changes.digest))
    return "<br>".join(parts)


def blocked_comment(changes: ChangeSet, branch: str, kind: str) -> str:
    files = ", ".join(f"`{f.path}`" for f in changes.files) or "none"
    return (
        f"slimfix has new changes for this {kind} ({files}), but `{branch}` has commits slimfix did not make, "
        "so it will not push over them. To get the new changes, merge or close this "
        f"{kind} and delete the branch; slimfix will propose them again on its next run.\n\n"
        + marker("blocked", changes.digest)
    )


def closing_comment(kind: str, base: str) -> str:
    return f"`{base}` no longer needs these changes: slimfix closes this {kind} and deletes its branch."


def diff_summary(changes: ChangeSet) -> Iterable[str]:
    for change in changes.files:
        yield f"{change.path}: {', '.join(_rules_of(change))}" + (
            f" (est. {human_bytes(change.savings)})" if change.savings else ""
        )
