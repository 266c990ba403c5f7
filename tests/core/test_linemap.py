"""Findings name the lines of the file as it is on disk: the input in --check and --diff
(and for what the fixes removed), the rewritten file for what remains after fix mode."""

from __future__ import annotations

from slimfix.config import Settings
from slimfix.edits import Edit
from slimfix.fixer import apply_edits, fix_text
from slimfix.linemap import LineMap
from slimfix.rules import Diagnostic

# SF002 appends a continuation line to the first RUN; the SF001 finding below it moves down.
TEXT = "FROM debian\nRUN apt-get update \\\n    && apt-get install -y curl\nCOPY a /a\nRUN cd /tmp\nRUN make\n"
SETTINGS = Settings(select=("SF001", "SF002"))


def _sf001(result):
    (finding,) = [d for d in result.diagnostics if d.code == "SF001"]
    return finding


def test_remaining_findings_name_input_lines_when_the_file_is_not_rewritten():
    finding = _sf001(fix_text(TEXT, "D", SETTINGS, input_lines=True))
    assert (finding.line, finding.end_line, finding.related_lines) == (6, 6, (5,))
    assert "follows the RUN on line 5;" in finding.message
    assert TEXT.splitlines()[5] == "RUN make"


def test_remaining_findings_name_output_lines_after_a_rewrite():
    result = fix_text(TEXT, "D", SETTINGS)
    finding = _sf001(result)
    assert (finding.line, finding.related_lines) == (7, (6,))
    assert "follows the RUN on line 6;" in finding.message
    assert result.output.splitlines()[6] == "RUN make"


def test_line_map_through_two_rounds():
    text0 = "a\nb\nc\nd\n"
    lines = LineMap()
    edits1 = [Edit(2, 2, "x\ny\n")]  # two lines before b
    text1 = apply_edits(text0, edits1)
    lines.add(text0, text1, edits1)
    edits2 = [Edit(0, 2, "")]  # drop a
    text2 = apply_edits(text1, edits2)
    lines.add(text1, text2, edits2)
    assert text2 == "x\ny\nb\nc\nd\n"
    assert [lines.to_input(n, 2) for n in range(1, 6)] == [2, 2, 2, 3, 4]  # inserted lines: where they went
    moved = lines.diagnostic(Diagnostic("SF001", "see line 4 and lines 5", 5, 1, 5, related_lines=(4,)), 2)
    assert (moved.line, moved.end_line, moved.related_lines, moved.message) == (4, 4, (3,), "see line 3 and lines 4")
