"""The bot asks the remote for its default branch (``git ls-remote --symref``) when the
clone has no ``origin/HEAD``; ``--base`` only overrides it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

JOINABLE = "FROM debian:bookworm\nRUN apt-get update\nRUN apt-get install -y curl\n"


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def _bot(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "slimfix", "bot", "--forge", "none", "--dry-run", *args],
                          cwd=cwd, capture_output=True, text=True)


def test_default_branch_comes_from_the_remote_without_origin_head(tmp_path: Path):
    upstream = tmp_path / "upstream"
    upstream.mkdir()
    _git(upstream, "init", "-q", "-b", "trunk")
    (upstream / "Dockerfile").write_text(JOINABLE)
    _git(upstream, "add", ".")
    _git(upstream, "-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-qm", "init")
    _git(upstream, "branch", "other")
    _git(tmp_path, "clone", "-q", str(upstream), "clone")
    clone = tmp_path / "clone"
    _git(clone, "remote", "set-head", "origin", "--delete")
    _git(clone, "checkout", "-q", "-b", "feature")  # neither the checkout nor origin/HEAD names it
    assert "origin/HEAD" not in _git(clone, "branch", "-a")

    result = _bot(clone)
    assert result.returncode == 0, result.stderr
    assert "target branch trunk" in result.stdout
    assert "pass --base" not in result.stderr

    override = _bot(clone, "--base", "other")
    assert override.returncode == 0, override.stderr
    assert "target branch other" in override.stdout
