"""A diff from --diff, applied with git apply or patch -p1, gives the bytes the
in-place rewrite writes: CRLF, BOM, no final newline, names with spaces."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Dict

import pytest

from .conftest import JOINABLE, run, write

CASES: Dict[str, Dict[str, bytes]] = {
    "lf": {"Dockerfile": JOINABLE.encode()},
    "crlf": {"Dockerfile": JOINABLE.replace("\n", "\r\n").encode()},
    "bom": {"Dockerfile": ("\ufeff" + JOINABLE).encode()},
    "bom-crlf": {"Dockerfile": ("\ufeff" + JOINABLE).replace("\n", "\r\n").encode()},
    "no-final-newline": {"Dockerfile": JOINABLE.rstrip("\n").encode()},
    "no-final-newline-crlf": {"Dockerfile": JOINABLE.rstrip("\n").replace("\n", "\r\n").encode()},
    "change-far-from-start": {"Dockerfile": ("# line\n" * 10 + JOINABLE + "# tail\n" * 10).encode()},
    "several-files-and-a-space": {
        "svc/a.Dockerfile": JOINABLE.encode(),
        "svc/my app.Dockerfile": JOINABLE.replace("\n", "\r\n").encode(),
        "Containerfile": b"FROM alpine\nRUN make\n",
    },
}


def _tree(root: Path, files: Dict[str, bytes]) -> Path:
    for name, content in files.items():
        write(root / name, content)
    return root


def _snapshot(root: Path) -> Dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("case", sorted(CASES))
def test_diff_applies_to_the_rewrite(case, tmp_path):
    files = CASES[case]
    source = _tree(tmp_path / "source", files)
    diff = run(["--diff", "--select", "SF001", "."], cwd=source)
    assert diff.code == 1, diff.stderr
    assert _snapshot(source) == {k: v for k, v in files.items()}, "--diff wrote nothing"
    patch_text = diff.stdout_bytes
    if "no-final-newline" in case:
        assert b"\n\\ No newline at end of file\n" in patch_text

    rewritten = _tree(tmp_path / "rewritten", files)
    fixed = run(["--select", "SF001", "."], cwd=rewritten)
    assert fixed.code == 0, fixed.stderr
    expected = _snapshot(rewritten)
    assert expected != files

    with_git = _tree(tmp_path / "git-apply", files)
    subprocess.run(["git", "apply", "--whitespace=nowarn", "-"], cwd=with_git, input=patch_text, check=True)
    assert _snapshot(with_git) == expected

    if shutil.which("patch"):
        with_patch = _tree(tmp_path / "patch", files)
        subprocess.run(["patch", "-p1", "--quiet"], cwd=with_patch, input=patch_text, check=True)
        assert _snapshot(with_patch) == expected


def test_diff_is_plain_when_not_on_a_terminal_and_colored_on_request(tmp_path):
    write(tmp_path / "Dockerfile", JOINABLE)
    plain = run(["--diff", "--select", "SF001"], cwd=tmp_path)
    assert "\x1b[" not in plain.stdout
    colored = run(["--diff", "--select", "SF001", "--color", "always"], cwd=tmp_path)
    assert "\x1b[32m+RUN apt-get update \\\x1b[0m" in colored.stdout
    assert "\x1b[31m-RUN apt-get update\x1b[0m" in colored.stdout
    assert "\x1b[" in run(["--diff", "--select", "SF001"], cwd=tmp_path, env={"FORCE_COLOR": "1"}).stdout
    never = run(["--diff", "--select", "SF001", "--color", "never"], cwd=tmp_path, env={"FORCE_COLOR": "1"})
    assert never.stdout == plain.stdout


@pytest.mark.parametrize("how", ["absolute", "outside-the-current-folder"])
def test_diff_of_a_path_outside_the_current_folder_applies_from_the_root(how, tmp_path):
    target = write(tmp_path / "project" / "Dockerfile", JOINABLE)
    here = tmp_path / "elsewhere"
    here.mkdir()
    given = str(target) if how == "absolute" else "../project/Dockerfile"
    diff = run(["--diff", "--select", "SF001", given], cwd=here)
    assert diff.code == 1, diff.stderr
    name = str(target.resolve()).lstrip("/")
    assert diff.stdout.startswith(f"--- a/{name}\n+++ b/{name}\n")
    subprocess.run(["git", "apply", "--whitespace=nowarn", "-"], cwd="/", input=diff.stdout_bytes, check=True)
    fixed = run(["--select", "SF001", "-"], input=JOINABLE.encode())
    assert target.read_bytes() == fixed.stdout_bytes
