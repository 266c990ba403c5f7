"""Each rule's estimate against what the build tests measured (``measured_savings.toml``, which the
build tests re-measure wherever buildah runs): within 50 %, on every run, no builder needed."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from slimfix.config import Settings
from slimfix.fixer import fix_text

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.9/3.10
    import tomli as tomllib

HERE = Path(__file__).resolve().parent
MEASURED = tomllib.loads((HERE / "measured_savings.toml").read_text(encoding="utf-8"))


def measured(scenario: str) -> int:
    return int(MEASURED[scenario]["saved"])


def recheck(scenario: str, saved: int) -> None:
    """For the build tests: a build must still save what the table says (within 5 %)."""
    assert abs(saved - measured(scenario)) <= 0.05 * measured(scenario), (scenario, saved, measured(scenario))


@pytest.mark.parametrize("scenario", sorted(MEASURED))
def test_estimate_is_within_half_of_the_measured_saving(scenario):
    path = HERE / "fixtures" / scenario / "before.Dockerfile"
    entry = MEASURED[scenario]
    settings = Settings(select=tuple(entry["rules"]), unsafe_fixes=entry.get("unsafe", False))
    result = fix_text(path.read_text(), str(path), settings)
    assert result.fixed and not result.internal_error, result.internal_error
    saved = measured(scenario)
    print(f"{scenario}: estimated {result.savings}, measured {saved}")
    assert abs(result.savings - saved) <= 0.5 * saved
