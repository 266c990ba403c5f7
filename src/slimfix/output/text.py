"""The human report: findings, optional fix list and statistics, a summary."""

from __future__ import annotations

from collections import Counter
from typing import List, Sequence

from ..result import FileResult
from .findings import Finding, findings, fixes_by_rule, human_bytes, rule_name


def _plural(count: int, word: str, plural: str = "") -> str:
    return f"{count} {word if count == 1 else plural or word + 's'}"


def _finding_line(f: Finding, mode: str) -> str:
    d = f.diagnostic
    if f.fixed:
        marker = "[fixed] " if mode == "fix" else "[*] "
    else:
        marker = "[-] " if f.unsafe_fix_available else ""
    return f"{f.path}:{d.line}:{d.column}: {d.code} {marker}{d.message}"


def _statistics(results: Sequence[FileResult], mode: str) -> List[str]:
    found = findings(results, mode, include_fixed=True)
    total = Counter(f.diagnostic.code for f in found)
    fixed = Counter(f.diagnostic.code for f in found if f.fixed)
    column = "fixed" if mode == "fix" else "fixable"
    lines = [f"{'count':>5}  {column:>7}  code   name"]
    for code in sorted(total):
        lines.append(f"{total[code]:5d}  {fixed[code]:7d}  {code:5}  {rule_name(code)}")
    return lines


def summary(results: Sequence[FileResult], mode: str) -> List[str]:
    ok = [r for r in results if not r.error and not r.internal_error]
    changed = sum(1 for r in ok if r.changed)
    unchanged = len(ok) - changed
    by_rule = fixes_by_rule(ok)
    fixes = sum(by_rule.values())
    saved = sum(r.savings for r in ok)
    remaining = findings(results, mode, include_fixed=False)
    unsafe = sum(1 for f in remaining if f.unsafe_fix_available)
    errors = len(results) - len(ok)

    lines = []
    if changed:
        if mode == "fix":
            head = f"{_plural(changed, 'file')} rewritten, {unchanged} left unchanged"
        else:
            head = f"{_plural(changed, 'file')} would be rewritten, {unchanged} already fine"
        rules = ", ".join(f"{code}: {count}" for code, count in by_rule.items())
        line = f"{head}: {_plural(fixes, 'fix', 'fixes')} ({rules})"
        if saved:
            line += f", estimated {human_bytes(saved)} saved"
        lines.append(line + ".")
    if remaining:
        line = f"{_plural(len(remaining), 'finding')} without an applied fix"
        if unsafe:
            line += f" ({unsafe} fixable with --unsafe-fixes, marked [-])"
        lines.append(line + ".")
    if errors:
        lines.append(f"{_plural(errors, 'file')} could not be processed (see the errors above).")
    if not lines:
        lines.append(f"{_plural(len(results), 'file')} checked, nothing to do." if results else "No Dockerfiles found.")
    return lines


def text_report(results: Sequence[FileResult], mode: str, show_fixes: bool = False, statistics: bool = False) -> str:
    lines: List[str] = []
    if statistics:
        if any(r.diagnostics or r.fixed for r in results):
            lines.extend(_statistics(results, mode))
    else:
        listed = findings(results, mode, include_fixed=mode == "check" or show_fixes)
        lines.extend(_finding_line(f, mode) for f in listed)
    lines.extend(summary(results, mode))
    return "\n".join(lines)
