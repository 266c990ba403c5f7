"""The fix loop: fixpoint, revert on broken output or no convergence, never raising."""

from __future__ import annotations

from typing import Iterable

import pytest

from slimfix import rules as rules_module
from slimfix.config import Settings
from slimfix.fixer import MAX_ROUNDS, apply_edits, fix_text
from slimfix.rules import Applicability, Diagnostic, Edit, Fix, Rule

SOURCE = "FROM debian:bookworm\nRUN apt-get update\nRUN apt-get install -y curl\n"


class _Append(Rule, code="SF900", name="test-never-settles", summary="test"):
    """Appends text to the end of the file every round (never settles)."""

    def check(self, ctx) -> Iterable[Diagnostic]:
        end = len(ctx.text)
        yield self.diagnostic(ctx.tree.instructions[0], "grow", Fix((Edit.insert(end, "# more\n"),), Applicability.SAFE))


class _Break(Rule, code="SF901", name="test-breaks-parsing", summary="test"):
    """A fix whose output no longer parses (an unterminated heredoc)."""

    def check(self, ctx) -> Iterable[Diagnostic]:
        first = ctx.tree.instructions[0]
        if "<<" in ctx.text:
            return
        yield self.diagnostic(first, "break", Fix((Edit.insert(len(ctx.text), "RUN cat <<EOF\n"),), Applicability.SAFE))


class _Crash(Rule, code="SF902", name="test-crashes", summary="test"):
    def check(self, ctx) -> Iterable[Diagnostic]:
        raise RuntimeError("boom")


class _Unsafe(Rule, code="SF903", name="test-unsafe", summary="test", fix_applicability=Applicability.UNSAFE):
    def check(self, ctx) -> Iterable[Diagnostic]:
        if "# unsafe\n" in ctx.text:
            return
        yield self.diagnostic(ctx.tree.instructions[0], "u", Fix((Edit.insert(len(ctx.text), "# unsafe\n"),), Applicability.UNSAFE))


@pytest.fixture
def extra_rules(monkeypatch):
    def install(*rules):
        base = rules_module.all_rules()
        monkeypatch.setattr(rules_module, "all_rules", lambda: tuple(base) + tuple(rules))
    return install


def test_apply_edits_in_order():
    assert apply_edits("abcdef", [Edit(4, 5, "X"), Edit(0, 1, ""), Edit.insert(6, "!")]) == "bcdXf!"


def test_fix_reaches_a_fixpoint_and_second_run_is_a_no_op():
    first = fix_text(SOURCE, "Dockerfile", Settings(select=("SF001", "SF002")))
    assert first.changed and {d.code for d in first.fixed} == {"SF001", "SF002"}
    again = fix_text(first.output, "Dockerfile", Settings(select=("SF001", "SF002")))
    assert again.output == first.output and again.fixed == []


def test_check_mode_reports_without_fixing():
    result = fix_text(SOURCE, "Dockerfile", Settings(select=("SF001",)), fix=False)
    assert result.output == SOURCE and [d.code for d in result.diagnostics] == ["SF001"]


def test_parse_error_is_reported_with_line_and_column():
    result = fix_text("FROM a\nENV X\n", "Dockerfile")
    assert result.error == "2:1: ENV must have two arguments"
    assert result.output == "FROM a\nENV X\n"


def test_never_settling_fix_is_reverted(extra_rules):
    extra_rules(_Append())
    result = fix_text(SOURCE, "Dockerfile", Settings(select=("SF900",)))
    assert result.output == SOURCE and not result.fixed
    assert f"did not settle after {MAX_ROUNDS} rounds" in result.internal_error


def test_fix_that_breaks_parsing_is_reverted(extra_rules):
    extra_rules(_Break())
    result = fix_text(SOURCE, "Dockerfile", Settings(select=("SF901", "SF001")))
    assert result.output == SOURCE and not result.fixed
    assert "unparsable" in result.internal_error and "SF901" in result.internal_error


def test_crashing_rule_leaves_the_file_alone(extra_rules):
    extra_rules(_Crash())
    result = fix_text(SOURCE, "Dockerfile", Settings(select=("SF902",)))
    assert result.output == SOURCE
    assert "RuntimeError: boom" in result.internal_error


def test_unsafe_fix_needs_opt_in_or_explicit_selection(extra_rules):
    extra_rules(_Unsafe())
    assert not fix_text(SOURCE, "D", Settings(select=("SF9",))).changed
    assert fix_text(SOURCE, "D", Settings(select=("SF9",), unsafe_fixes=True)).changed
    assert fix_text(SOURCE, "D", Settings(select=("SF903",))).changed  # named in full


def test_ignore_wins_over_select():
    result = fix_text(SOURCE, "D", Settings(select=("SF",), ignore=("SF001",)))
    assert "SF001" not in {d.code for d in result.fixed + result.diagnostics}


def test_fixes_touching_one_instruction_apply_in_separate_rounds():
    # SF001 joins the RUNs first; SF002 then sees the joined RUN and follows its layout
    result = fix_text(SOURCE, "D", Settings(select=("SF001", "SF002")))
    assert result.output.endswith("RUN apt-get update \\\n    && apt-get install -y curl \\\n    && rm -rf /var/lib/apt/lists/*\n")
