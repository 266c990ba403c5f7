"""Run the rules over one file and apply their fixes until nothing changes.

As ruff's fix loop: check, apply the non-overlapping fixes that meet the
asked applicability, re-parse (only the edited lines), repeat. A round whose
output no longer parses, or a loop that never settles, is reverted whole and
reported as an internal error; the file is then left exactly as it was.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Iterable, List, Optional, Sequence, Tuple

from .config import Settings
from .result import FileResult
from .rules import (
    Applicability,
    Diagnostic,
    Edit,
    Rule,
    explicitly_selected,
    hadolint_map,
    select_rules,
)
from .semantics.context import FileContext
from .suppression import find_suppressions
from .syntax import ParseError, parse
from .syntax.incremental import reparse

MAX_ROUNDS = 25


def check(tree, rules: Sequence[Rule], path: str = "") -> List[Diagnostic]:
    """Diagnostics of ``rules`` on a parsed file, suppressions applied."""
    ctx = FileContext(tree, path)
    suppressions = find_suppressions(tree, hadolint_map())
    out: List[Diagnostic] = []
    for rule in rules:
        for diagnostic in rule.check(ctx):
            if not suppressions.is_suppressed(diagnostic.code, diagnostic.line):
                out.append(diagnostic)
    out.sort(key=lambda d: (d.line, d.column, d.code))
    return out


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    pieces = []
    last = 0
    for edit in sorted(edits):
        pieces.append(text[last:edit.start])
        pieces.append(edit.content)
        last = edit.end
    pieces.append(text[last:])
    return "".join(pieces)


def _footprint(fix, starts: Sequence[int]) -> Tuple[int, int]:
    """The lines (instructions, comments) a fix touches, as an offset range.

    Two fixes on the same instruction are applied in different rounds, so the
    second sees the first's result (its layout, its new commands). Fixes that
    only join two instructions (``Fix.joins``) claim just the text they edit."""
    first = bisect_right(starts, fix.start) - 1
    last = bisect_right(starts, max(fix.end - 1, fix.start)) - 1
    return starts[max(first, 0)], starts[min(last + 1, len(starts) - 1)]


def _choose(diagnostics: Sequence[Diagnostic], level_of, tree) -> Tuple[List[Diagnostic], List[Edit]]:
    """Fixes to apply this round: those allowed, first come, none sharing a line."""
    starts = tree.line_starts
    chosen: List[Diagnostic] = []
    edits: List[Edit] = []
    taken: List[Tuple[int, int]] = []
    candidates = [d for d in diagnostics if d.fix is not None and d.fix.applies(level_of(d.code))]
    candidates.sort(key=lambda d: (d.fix.start, d.fix.end, d.code))
    for diagnostic in candidates:
        fix = diagnostic.fix
        start, end = (fix.start, fix.end) if fix.joins else _footprint(fix, starts)
        if any(start < t_end and t_start < end for t_start, t_end in taken):
            continue
        taken.append((start, end))
        chosen.append(diagnostic)
        edits.extend(diagnostic.fix.edits)
    return chosen, edits


def fix_text(source: str, path: str = "", settings: Settings = Settings(), fix: bool = True) -> FileResult:
    """Check (and with ``fix``, fix) one file's text. Never raises for bad input."""
    rules = select_rules(settings.select, settings.ignore)
    if settings.extend_select:
        extra = [r for r in select_rules(settings.extend_select, settings.ignore) if r not in rules]
        rules = sorted(rules + extra, key=lambda rule: rule.code)
    explicit = explicitly_selected((settings.select or ()) + settings.extend_select)
    unsafe = Applicability.UNSAFE
    safe = Applicability.UNSAFE if settings.unsafe_fixes else Applicability.SAFE

    def level_of(code: str) -> Applicability:
        return unsafe if code in explicit else safe

    result = FileResult(path, source, source)
    try:
        tree = parse(source)
    except ParseError as exc:
        result.error = f"{exc.line}:{exc.column}: {exc.message}"
        return result
    try:
        text = source
        diagnostics = check(tree, rules, path)
        if fix:
            for _ in range(MAX_ROUNDS):
                chosen, edits = _choose(diagnostics, level_of, tree)
                if not edits:
                    break
                edits.sort()
                new_text = apply_edits(text, edits)
                if new_text == text:
                    break
                try:
                    tree = reparse(tree, text, edits)
                except ParseError as exc:
                    codes = ", ".join(sorted({d.code for d in chosen}))
                    raise _Revert(f"fixes by {codes} produced unparsable output ({exc}); file left unchanged") from None
                text = new_text
                result.fixed.extend(chosen)
                diagnostics = check(tree, rules, path)
            else:
                raise _Revert(f"fixes did not settle after {MAX_ROUNDS} rounds; file left unchanged")
        result.output = text
        result.diagnostics = diagnostics
    except _Revert as exc:
        result.internal_error = str(exc)
        result.output = source
        result.fixed = []
        result.diagnostics = check(parse(source), rules, path)
    except Exception:  # a bug in a rule must not lose the user's file
        result.internal_error = internal_error()
        result.output = source
        result.fixed = []
        result.diagnostics = []
    for diagnostic in result.diagnostics + result.fixed:
        object.__setattr__(diagnostic, "path", path)
    return result


def internal_error() -> str:
    """The message for the exception being handled: a bug, with its traceback."""
    import traceback  # only on this path: it is slow to import

    return "internal error:\n" + traceback.format_exc()


class _Revert(Exception):
    pass
