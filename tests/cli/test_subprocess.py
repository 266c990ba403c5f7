"""The installed command in a real process: modes, exit codes, stdin, workers."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import CLEAN, JOINABLE, JOINED, UNFIXABLE, run, write


def test_console_script_is_installed_and_runs(tmp_path):
    script = shutil.which("slimfix", path=str(Path(sys.executable).parent))
    if script is None:
        pytest.skip("slimfix is not installed next to this Python (run: pip install -e .)")
    write(tmp_path / "Dockerfile", JOINABLE)
    proc = subprocess.run([script, "--check", "--select", "SF001"], cwd=tmp_path, capture_output=True, text=True)
    assert proc.returncode == 1
    assert "1 file would be rewritten" in proc.stdout


@pytest.mark.parametrize(
    "content, mode, code, after",
    [
        (CLEAN, [], 0, CLEAN),
        (JOINABLE, [], 0, JOINED),
        (UNFIXABLE, [], 0, UNFIXABLE),
        (UNFIXABLE, ["--exit-non-zero-on-findings"], 1, UNFIXABLE),
        (CLEAN, ["--check"], 0, CLEAN),
        (JOINABLE, ["--check"], 1, JOINABLE),
        (UNFIXABLE, ["--check"], 0, UNFIXABLE),
        (UNFIXABLE, ["--check", "--exit-non-zero-on-findings"], 1, UNFIXABLE),
        (CLEAN, ["--diff"], 0, CLEAN),
        (JOINABLE, ["--diff"], 1, JOINABLE),
        ("FROM alpine\nFROBNICATE\n", [], 2, "FROM alpine\nFROBNICATE\n"),
        ("FROM alpine\nFROBNICATE\n", ["--check"], 2, "FROM alpine\nFROBNICATE\n"),
    ],
)
def test_modes_and_exit_codes(content, mode, code, after, tmp_path):
    path = write(tmp_path / "Dockerfile", content)
    result = run([*mode, "--select", "SF001"], cwd=tmp_path)
    assert result.code == code, result.stderr
    assert path.read_text() == after


def test_usage_error_exits_2(tmp_path):
    result = run(["--output-format", "xml"], cwd=tmp_path)
    assert result.code == 2
    assert "Invalid value for '--output-format'" in result.stderr


def test_stdin_through_a_pipe(tmp_path):
    crlf = JOINABLE.replace("\n", "\r\n").encode()
    result = run(["--select", "SF001", "-"], cwd=tmp_path, input=crlf)
    assert result.code == 0
    assert result.stdout_bytes == JOINED.replace("\n", "\r\n").encode()
    diff = run(["--diff", "--select", "SF001", "--stdin-filename", "x/Dockerfile", "-"], cwd=tmp_path, input=crlf)
    assert diff.code == 1 and diff.stdout.startswith("--- a/x/Dockerfile\n")


def test_parallel_run_matches_a_serial_one(tmp_path):
    variants = [JOINABLE, UNFIXABLE, CLEAN, JOINABLE.replace("\n", "\r\n"), "\ufeff" + JOINABLE]
    for i in range(60):
        write(tmp_path / "serial" / f"s{i:02}" / "Dockerfile", variants[i % len(variants)])
        write(tmp_path / "parallel" / f"s{i:02}" / "Dockerfile", variants[i % len(variants)])
    serial = run(["--select", "SF001", "-j", "1"], cwd=tmp_path / "serial")
    parallel = run(["--select", "SF001", "-j", "2"], cwd=tmp_path / "parallel")
    assert (serial.code, serial.stdout) == (parallel.code, parallel.stdout)
    for i in range(60):
        name = f"s{i:02}/Dockerfile"
        assert (tmp_path / "serial" / name).read_bytes() == (tmp_path / "parallel" / name).read_bytes()
    assert "36 files rewritten, 24 left unchanged: 36 fixes (SF001: 36)." in serial.stdout


def test_progress_bar_goes_to_stderr_only(tmp_path):
    for i in range(60):
        write(tmp_path / f"s{i:02}" / "Dockerfile", CLEAN)
    result = run(["--check", "--select", "SF001", "--progress"], cwd=tmp_path)
    assert result.code == 0
    assert "slimfix" in result.stderr and "60/60" in result.stderr
    assert result.stdout == "60 files checked, nothing to do.\n"
    assert run(["--check", "--select", "SF001"], cwd=tmp_path).stderr == ""  # not a terminal: no bar
