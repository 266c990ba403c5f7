"""Helpers for command-line tests: click's runner, a real subprocess, git repos.

Tests that depend on exact findings select SF001 (consecutive RUNs), so rules
added later do not change what they see.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Optional, Sequence, Union

import pytest
from click.testing import CliRunner

from slimfix.cli import main

REPO = Path(__file__).resolve().parents[2]

# One SF001 finding with a safe fix, and its fixed form.
JOINABLE = "FROM debian:bookworm\nRUN apt-get update\nRUN apt-get install -y curl\n"
JOINED = "FROM debian:bookworm\nRUN apt-get update \\\n    && apt-get install -y curl\n"
# One SF001 finding without a fix ('cd' would leak into the joined RUN).
UNFIXABLE = "FROM alpine:3.20\nRUN cd /tmp\nRUN make\n"
CLEAN = "FROM alpine:3.20\nRUN make\n"


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str
    stdout_bytes: bytes = b""


def _runner() -> CliRunner:
    try:
        return CliRunner(mix_stderr=False)  # click < 8.2
    except TypeError:
        return CliRunner()


def invoke(args: Sequence[str], input: Union[str, bytes, None] = None) -> Run:
    """Run the CLI in this process through click's test runner."""
    result = _runner().invoke(main, list(args), input=input, prog_name="slimfix")
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Run(result.exit_code, result.stdout, result.stderr, result.stdout_bytes)


def run(
    args: Sequence[str],
    cwd: Union[str, Path, None] = None,
    input: Optional[bytes] = None,
    env: Optional[Dict[str, str]] = None,
) -> Run:
    """Run ``python -m slimfix`` in a real subprocess."""
    full_env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR")}
    full_env.update(env or {})
    proc = subprocess.run(
        [sys.executable, "-m", "slimfix", *args],
        cwd=cwd,
        input=input if input is not None else b"",
        capture_output=True,
        env=full_env,
        timeout=600,
    )
    return Run(proc.returncode, proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace"), proc.stdout)


def git(cwd: Path, *args: str) -> str:
    proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True)
    return proc.stdout


def make_repo(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q")
    git(path, "config", "user.email", "test@example.com")
    git(path, "config", "user.name", "test")
    git(path, "config", "commit.gpgsign", "false")
    return path


def write(path: Path, content: Union[str, bytes]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


@pytest.fixture
def in_tmp(tmp_path, monkeypatch) -> Path:
    """The test's temporary folder, as the current folder."""
    monkeypatch.chdir(tmp_path)
    return tmp_path
