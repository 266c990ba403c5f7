"""Shared helpers for rule tests: run slimfix and the oracles on a text."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import List, Optional

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "rules"


def hadolint_codes(text: str, tmp_path: Path) -> Optional[List[str]]:
    """hadolint's finding codes for ``text``, or None when hadolint is missing."""
    exe = shutil.which("hadolint") or str(Path(__import__("sys").executable).parent / "hadolint")
    if not Path(exe).exists():
        return None
    path = tmp_path / "Dockerfile"
    path.write_text(text, encoding="utf-8", newline="")
    proc = subprocess.run([exe, "--no-fail", "-f", "json", str(path)], capture_output=True, text=True)
    if proc.returncode != 0 and not proc.stdout.strip():
        pytest.fail(f"hadolint failed: {proc.stderr}")
    return sorted(item["code"] for item in json.loads(proc.stdout or "[]"))


def comment_lines(text: str) -> List[str]:
    """Every comment line of a Dockerfile, top-level or inside a continuation."""
    from slimfix import parse
    from slimfix.syntax import Comment, ContinuationComment

    out = []
    for line in parse(text).body:
        if isinstance(line, Comment):
            out.append(line.code.strip())
        for part in getattr(line, "parts", ()):
            if isinstance(part, ContinuationComment):
                out.append(part.value.strip())
    return sorted(out)


def assert_fix_removes_hadolint_code(text: str, fixed: str, code: str, tmp_path: Path) -> None:
    """hadolint reports ``code`` on ``text`` but not on ``fixed``, and nothing new there."""
    before = hadolint_codes(text, tmp_path)
    if before is None:
        pytest.skip("hadolint is not installed")
    assert code in before
    after = hadolint_codes(fixed, tmp_path)
    assert code not in after and set(after) <= set(before)
