"""The blog post's walk, automated: its naive Dockerfiles become its better ones."""

from __future__ import annotations

from pathlib import Path

import dockerfile

from slimfix.config import Settings
from slimfix.fixer import fix_text

SEED = Path(__file__).resolve().parents[1] / "fixtures" / "seed"


def _read(name: str) -> str:
    with open(SEED / name, encoding="utf-8", newline="") as handle:
        return handle.read()


def test_dockerfile_1_becomes_dockerfile_2():
    result = fix_text(_read("1-naive.Dockerfile"), "1", Settings(select=("SF001", "SF002")))
    assert result.output == _read("2-cleanup.Dockerfile")
    assert sorted(d.code for d in result.fixed) == ["SF001", "SF002"]


def test_all_safe_rules_on_dockerfile_1_keep_the_update_install_and_cleanup_in_one_layer():
    result = fix_text(_read("1-naive.Dockerfile"), "1", Settings())
    assert result.error is None and result.internal_error is None
    run = [c for c in dockerfile.parse_string(result.output) if c.cmd == "RUN"][0]
    assert run.value[0].startswith("apt-get update")
    assert "apt-get install" in run.value[0] and run.value[0].endswith("rm -rf /var/lib/apt/lists/*")
    assert fix_text(result.output, "1", Settings()).output == result.output


def test_dockerfile_2_needs_nothing_from_the_apt_rules():
    result = fix_text(_read("2-cleanup.Dockerfile"), "2", Settings(select=("SF001", "SF002")))
    assert result.output == _read("2-cleanup.Dockerfile")
    assert result.diagnostics == []
