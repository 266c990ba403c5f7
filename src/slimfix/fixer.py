"""Run the rules over one file and apply their fixes until nothing changes.

As ruff's fix loop: check, apply the non-overlapping fixes that meet the
asked applicability, re-parse (only the edited lines), repeat. A round whose
output no longer parses, or a loop that never settles, is reverted whole and
reported as an internal error; the file is then left exactly as it was.
"""

from __future__ import annotations

import traceback
from bisect import bisect_left, bisect_right
from typing import List, Sequence, Tuple

from .config import Settings
from .edits import apply_edits
from .record import replace
from .result import FileResult
from .rules import (
    Applicability,
    Diagnostic,
    Edit,
    Rule,
    all_rules,
    hadolint_map,
    selection,
)
from .semantics.context import FileContext
from .linemap import LineMap, input_positions
from .suppression import find_suppressions
from .syntax import ParseError, parse
from .syntax.incremental import reparse

MAX_ROUNDS = 25


def check(tree, rules: Sequence[Rule], path: str = "", suppressions=None) -> List[Diagnostic]:
    """Diagnostics of ``rules`` on a parsed file, suppressions applied (``suppressions``: the
    tree's, when already read)."""
    ctx = FileContext(tree, path)
    if suppressions is None:
        suppressions = find_suppressions(tree, hadolint_map())
    out: List[Diagnostic] = []
    for rule in rules:
        for diagnostic in rule.check(ctx):
            if not suppressions.is_suppressed(diagnostic.code, diagnostic.line, diagnostic.related_lines):
                out.append(diagnostic)
    out.sort(key=lambda d: (d.line, d.column, d.code))
    return out


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
    taken: List[Tuple[int, int]] = []  # disjoint ranges, sorted: only the neighbours can overlap
    candidates = [d for d in diagnostics if d.fix is not None and d.fix.applies(level_of(d.code))]
    candidates.sort(key=lambda d: (d.fix.start, d.fix.end, d.code))
    for diagnostic in candidates:
        fix = diagnostic.fix
        start, end = (fix.start, fix.end) if fix.joins else _footprint(fix, starts)
        at = bisect_left(taken, (start, end))
        if (at > 0 and taken[at - 1][1] > start) or (at < len(taken) and taken[at][0] < end):
            continue
        taken.insert(at, (start, end))
        chosen.append(diagnostic)
        edits.extend(diagnostic.fix.edits)
    return chosen, edits


def fix_text(source: str, path: str = "", settings: Settings = Settings(), fix: bool = True,
             input_lines: bool = False) -> FileResult:
    """Check (and with ``fix``, fix) one file's text. Never raises for bad input.

    The fixes' diagnostics name the input's lines; the remaining ones name the output's,
    or with ``input_lines`` (the file is not rewritten) the input's too."""
    rules, explicit = selection(settings.select, settings.ignore, settings.extend_select)
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
    suppressions = find_suppressions(tree, hadolint_map(), known=[rule.code for rule in all_rules()])
    problems = suppressions.problems
    if problems:  # a pragma that means something else than it says: report, change nothing
        result.error = "\n".join(f"{line}:{column}: {message}" for line, column, message in problems)
        fix = False
    lines = LineMap()
    fixed: List[Tuple[Diagnostic, int]] = []  # with the text version each was found in
    try:
        text = source
        diagnostics = check(tree, rules, path, suppressions)
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
                fixed.extend((diagnostic, len(lines.rounds)) for diagnostic in chosen)
                lines.add(text, new_text, edits)
                text = new_text
                diagnostics = check(tree, rules, path)
            else:
                raise _Revert(f"fixes did not settle after {MAX_ROUNDS} rounds; file left unchanged")
        result.output = text
        result.fixed = input_positions(fixed, lines)
        result.diagnostics = input_positions([(d, len(lines.rounds)) for d in diagnostics], lines) \
            if input_lines else diagnostics
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
    result.diagnostics = [replace(d, path=path) for d in result.diagnostics]
    result.fixed = [replace(d, path=path) for d in result.fixed]
    return result


def internal_error() -> str:
    """The message for the exception being handled: a bug, with its traceback."""
    return "internal error:\n" + traceback.format_exc()


class _Revert(Exception):
    pass
