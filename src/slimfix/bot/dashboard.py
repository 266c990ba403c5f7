"""``--dashboard``: one issue per repository, as Renovate's Dependency Dashboard,
with what slimfix found and did not fix, and the savings. Ticking the box of
an unsafe fix opts it in: the next run applies it in the bot's request."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Dict, Iterable, List, Optional, Set, Tuple

from ..output.findings import human_bytes
from ..rules import get_rule
from .changes import ChangeSet, LeftFinding

TITLE = "slimfix dashboard"
MARKER = "<!-- slimfix-bot:dashboard -->"
_BOX = re.compile(r"^\s*[-*] \[(?P<tick>[ xX])\] .*?<!-- slimfix-opt:(?P<code>[A-Z]+\d+):(?P<path>.+?) -->\s*$", re.M)


def opted_in(body: Optional[str]) -> Dict[str, Set[str]]:
    """path -> rule codes whose box is ticked."""
    out: Dict[str, Set[str]] = defaultdict(set)
    for match in _BOX.finditer(body or ""):
        if match.group("tick") != " ":
            out[match.group("path")].add(match.group("code"))
    return dict(out)


def _box(ticked: bool, path: str, code: str, text: str) -> str:
    return f"- [{'x' if ticked else ' '}] `{path}`: {text} <!-- slimfix-opt:{code}:{path} -->"


def _name(code: str) -> str:
    rule = get_rule(code)
    return f"**{code}** {rule.name}" if rule else f"**{code}**"


def _grouped(findings: Iterable[LeftFinding]) -> Dict[Tuple[str, str], List[LeftFinding]]:
    groups: Dict[Tuple[str, str], List[LeftFinding]] = defaultdict(list)
    for f in findings:
        groups[(f.path, f.code)].append(f)
    return groups


def _about(found: List[LeftFinding]) -> str:
    first = found[0]
    lines = ", ".join(str(f.line) for f in found)
    savings = sum(f.savings for f in found)
    return f"{_name(first.code)}: {first.message} (line {lines}" + (
        f"; est. {human_bytes(savings)})" if savings else ")"
    )


def render(changes: ChangeSet, opted: Dict[str, Set[str]], kind: str, request_url: str) -> str:
    """The dashboard's description for this run's findings."""
    measured = [f.report for f in changes.files if f.report is not None and f.report.rewritten.built]
    if changes:
        saved = human_bytes(changes.savings)
        link = f" ({request_url})" if request_url else ""
        figure = ""
        if measured:
            delta = sum(r.original.summary.total_size - r.rewritten.summary.total_size for r in measured)
            figure = f"; measured by building the images: {human_bytes(delta)}"
        count = len(changes.files)
        savings = [f"slimfix's {kind}{link} changes {count} Dockerfile(s): estimated savings {saved}{figure}."]
    else:
        savings = ["slimfix has nothing to propose right now."]
    groups = _grouped(changes.left)
    fixed = {(c.path, d.code) for c in changes.files for d in c.fixed}
    offer = [
        _box(False, p, c, _about(found))
        for (p, c), found in sorted(groups.items())
        if found[0].can_opt_in and c not in opted.get(p, ())
    ]
    chosen = []
    for path, codes in sorted(opted.items()):
        for code in sorted(codes):
            if (path, code) in fixed:
                chosen.append(_box(True, path, code, f"{_name(code)}: applied in the {kind}"))
            elif (path, code) in groups:  # ticked, but the fix could not apply
                chosen.append(_box(True, path, code, _about(groups[(path, code)]) + " (not applied)"))
    plain = [f"- `{p}`: {_about(found)}" for (p, c), found in sorted(groups.items()) if not found[0].can_opt_in]
    lines = [
        f"slimfix keeps this issue up to date on each run. Tick a box below and its next run applies that fix "
        f"in its {kind}; untick it to take the fix out again.",
        "",
        "### Savings",
        "",
        *savings,
        "",
        "### Fixes you can opt in to",
        "",
        *(offer or ["None: every fix slimfix is sure of is in its " + kind + "."]),
        "",
    ]
    if chosen:
        lines += ["### Opted in", "", *chosen, ""]
    if plain:
        lines += ["### Findings without an automatic fix", "", *plain, ""]
    if changes.skipped:
        lines += ["### Files slimfix could not read", "", *[f"- {s}" for s in changes.skipped], ""]
    lines += ["---", "<sub>Kept up to date by `slimfix bot --dashboard`.</sub>", "", MARKER]
    return "\n".join(lines)
