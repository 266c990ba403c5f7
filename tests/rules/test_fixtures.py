"""Before/after fixture pairs for every rule.

Layout: ``tests/fixtures/rules/<CODE>/<case>.Dockerfile`` is the input and
``<case>.fixed.Dockerfile`` the expected output of ``slimfix --select CODE``.
A case without a ``.fixed`` file must stay byte-identical (a guard). Cases
whose name starts with ``unsafe-`` run with ``--unsafe-fixes``.

Each case also checks the invariants every fix must keep: the output parses
with the official BuildKit parser, a second run changes nothing, and every
comment line of the input survives.
"""

from __future__ import annotations

from pathlib import Path

import dockerfile
import pytest

from slimfix.config import Settings
from slimfix.fixer import fix_text
from slimfix.rules import all_rules

from .conftest import FIXTURES, comment_lines

CASES = sorted(p for p in FIXTURES.glob("*/*.Dockerfile") if not p.name.endswith(".fixed.Dockerfile"))


def _read(path: Path) -> str:
    with open(path, encoding="utf-8", newline="") as handle:
        return handle.read()


def _settings(case: Path) -> Settings:
    return Settings(select=(case.parent.name,), unsafe_fixes=case.name.startswith("unsafe-"))


@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_fixture(case: Path) -> None:
    source = _read(case)
    expected_path = case.with_name(case.name[: -len(".Dockerfile")] + ".fixed.Dockerfile")
    expected = _read(expected_path) if expected_path.exists() else source
    result = fix_text(source, str(case), _settings(case))
    assert result.error is None and result.internal_error is None, result.error or result.internal_error
    assert result.output == expected
    if expected_path.exists():
        assert result.fixed, "a fixed case must report what it fixed"
        dockerfile.parse_string(result.output)  # the official parser accepts the output
    again = fix_text(result.output, str(case), _settings(case))
    assert again.output == result.output, "a second run must change nothing"
    kept = comment_lines(result.output)
    assert [c for c in comment_lines(source) if c not in kept] == [], "a comment was lost"


def test_every_rule_has_fixtures() -> None:
    codes_with_cases = {case.parent.name for case in CASES}
    missing = [rule.code for rule in all_rules() if rule.code not in codes_with_cases]
    assert not missing, f"rules without fixtures: {missing}"


def test_every_rule_has_a_guard_and_a_fix_case() -> None:
    for rule in all_rules():
        cases = [c for c in CASES if c.parent.name == rule.code]
        fixed = [c for c in cases if c.with_name(c.name[: -len('.Dockerfile')] + ".fixed.Dockerfile").exists()]
        assert fixed, f"{rule.code} has no before/after pair"
        assert len(fixed) < len(cases), f"{rule.code} has no guard case (one that must stay unchanged)"
