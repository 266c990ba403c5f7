"""``slimfix --verify``: a rewrite is written only when verification recommends it."""

from __future__ import annotations

import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import CliRunner

import slimfix.verify
from slimfix.cli import main

APT = Path(__file__).parent / "fixtures" / "apt_client"
NAIVE = "FROM debian:bookworm\nRUN apt-get update\nRUN apt-get install -y curl\n"


def _project(tmp_path: Path) -> Path:
    path = tmp_path / "Dockerfile"
    path.write_text(NAIVE)
    return path


def _fake_verify(report=None, error=None):
    """A stand-in for ``verify_repaired``: the report, and the rewrite it is about."""
    def fake(original, rewritten, context, smoke=None, **_):
        if error is not None:
            raise error
        return report, rewritten
    return fake


def test_rejected_rewrite_is_not_written(tmp_path, monkeypatch):
    path = _project(tmp_path)
    report = SimpleNamespace(recommended=False, verdict="breaking")
    monkeypatch.setattr(slimfix.verify, "verify_repaired", _fake_verify(report))
    monkeypatch.setattr(slimfix.verify, "render_table", lambda r: "table")
    result = CliRunner().invoke(main, ["--verify", "--select", "SF001,SF002", str(path)])
    assert path.read_text() == NAIVE
    assert result.exit_code == 2
    assert "rewrite not applied: verification says breaking" in result.output


def test_no_builder_means_nothing_is_written(tmp_path, monkeypatch):
    path = _project(tmp_path)
    monkeypatch.setattr(slimfix.verify, "verify_repaired", _fake_verify(error=slimfix.verify.NoBuilderError("no builder found")))
    result = CliRunner().invoke(main, ["--verify", "--select", "SF001", str(path)])
    assert path.read_text() == NAIVE and result.exit_code == 2
    assert "cannot verify the rewrite: no builder found" in result.output


def test_recommended_rewrite_is_written_with_the_given_context_and_smoke(tmp_path, monkeypatch):
    path = _project(tmp_path)
    seen = {}

    def fake(original, rewritten, context, smoke=None, **_):
        seen.update(context=context, smoke=smoke, original=original)
        return SimpleNamespace(recommended=True, verdict="smaller"), rewritten

    monkeypatch.setattr(slimfix.verify, "verify_repaired", fake)
    monkeypatch.setattr(slimfix.verify, "render_table", lambda r: "table")
    result = CliRunner().invoke(main, ["--verify", "--context", str(tmp_path), "--smoke", "curl --version",
                                       "--select", "SF001,SF002", str(path)])
    assert result.exit_code == 0, result.output
    assert "rm -rf /var/lib/apt/lists/*" in path.read_text()
    assert seen == {"context": str(tmp_path), "smoke": "curl --version", "original": NAIVE}


def test_a_repaired_rewrite_is_what_gets_written(tmp_path, monkeypatch):
    path = _project(tmp_path)

    def fake(original, rewritten, context, smoke=None, **_):
        return SimpleNamespace(recommended=True, verdict="smaller"), rewritten + "RUN repaired\n"

    monkeypatch.setattr(slimfix.verify, "verify_repaired", fake)
    monkeypatch.setattr(slimfix.verify, "render_table", lambda r: "table")
    result = CliRunner().invoke(main, ["--verify", "--select", "SF001,SF002", str(path)])
    assert result.exit_code == 0, result.output
    assert path.read_text().endswith("rm -rf /var/lib/apt/lists/*\nRUN repaired\n")


@pytest.mark.build
def test_verify_builds_and_writes_the_recommended_rewrite(buildah, tmp_path):
    project = tmp_path / "apt"
    shutil.copytree(APT, project)
    dockerfile = project / "before.Dockerfile"
    result = CliRunner().invoke(main, ["--verify", "--smoke", "psql --version", "--select", "SF001,SF002", str(dockerfile)])
    assert result.exit_code == 0, result.output
    assert dockerfile.read_text().count("RUN ") == 1
    assert "verdict: smaller" in result.output
