"""slimfix.argv, the start-up path without click: it reads the command lines it accepts
exactly as click reads them, and leaves every other one to click."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile

import pytest

import slimfix.app
from slimfix.app import fix_options
from slimfix.argv import parse_common

from .conftest import _runner, main

FAST = [
    [],
    ["Dockerfile"],
    ["--check", "."],
    ["--diff", "a/Dockerfile", "b/Dockerfile"],
    ["-q", "--check", "-j", "1", "--no-progress", "corpus"],
    ["--workers", "3", "--progress", "x"],
    ["--workers=0", "x"],
    ["--select", "SF001,SF002", "--select", "SF003", "--ignore=SF002", "--extend-select", "SF011", "."],
    ["--select="],
    ["--unsafe-fixes", "--no-cache", "--output-format", "json", "--show-fixes", "--statistics", "."],
    ["--no-unsafe-fixes", "--output-format=sarif", "--color", "never", "-"],
    ["--exclude", "vendor/*,*.dev.Dockerfile", "--exclude", "x", "--force-exclude", "--no-respect-gitignore"],
    ["--stdin-filename", "app/Dockerfile", "-", "--quiet"],
    ["--check", "--", "--weird-name", "-j"],
    ["", "--diff"],
    ["./rules", "verify/Dockerfile"],
]

CLICK = [
    ["--version"],
    ["-h"],
    ["--check", "--help"],
    ["rules"],
    ["rule", "SF001"],
    ["fix", "--check", "."],
    ["verify", "Dockerfile"],
    ["--check", "--diff", "."],
    ["--check", "--check", "."],
    ["-j2", "."],
    ["-qj", "2"],
    ["-j", "-1"],
    ["-j", "two"],
    ["-j", "1", "-j", "2"],
    ["-j"],
    ["--output-format", "yaml"],
    ["--output-format", "JSON"],
    ["--color", "sometimes"],
    ["--config", "x.toml", "."],
    ["--cache-dir", "c", "."],
    ["-o", "report.json", "."],
    ["--explain", "SF001"],
    ["--verify", "."],
    ["--select", "-x"],
    ["--check=yes"],
    ["--chek", "."],
    ["--no-progress", "--progress"],
]


def _click_options(args):
    seen = []

    def capture(options):
        seen.append(options)
        return 0

    original = slimfix.app.run_fix
    slimfix.app.run_fix = capture
    here = os.getcwd()
    try:  # in an empty folder: were the patch ever to miss, the run could rewrite nothing here
        with tempfile.TemporaryDirectory() as empty:
            os.chdir(empty)
            result = _runner().invoke(main, list(args), prog_name="slimfix")
    finally:
        os.chdir(here)
        slimfix.app.run_fix = original
    assert result.exit_code == 0, (args, result.output, result.exception)
    return seen[0] if seen else None


@pytest.mark.parametrize("args", FAST, ids=" ".join)
def test_fast_path_reads_options_as_click_does(args):
    params = parse_common(args)
    assert params is not None
    assert fix_options(**params) == _click_options(args)


@pytest.mark.parametrize("args", CLICK, ids=" ".join)
def test_everything_else_goes_to_click(args):
    assert parse_common(args) is None


def _modules_after(args, tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM alpine\nRUN make\n")
    code = "import sys, slimfix.argv\ntry:\n slimfix.argv.main(sys.argv[1:])\nexcept SystemExit as e:\n print(e.code)\nprint('click' in sys.modules)\n"
    proc = subprocess.run([sys.executable, "-c", code, *args], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    return proc.stdout.split()[-2:]


def test_version_reads_as_click_prints_it(tmp_path, capsys):
    from slimfix.argv import main as fast_main

    fast_main(["--version"])
    assert capsys.readouterr().out == _runner().invoke(main, ["--version"], prog_name="slimfix").output


def test_common_run_does_not_import_click(tmp_path):
    assert _modules_after(["--check", "-q", "Dockerfile"], tmp_path) == ["0", "False"]


def test_other_runs_reach_click(tmp_path):
    assert _modules_after(["--check", "--config", "missing.toml", "Dockerfile"], tmp_path) == ["2", "True"]
    assert _modules_after(["fix", "--check", "-q", "Dockerfile"], tmp_path) == ["0", "True"]


def test_run_answered_from_the_cache_does_not_import_the_analysis(tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM alpine\nRUN apk add curl\n")
    env = {k: v for k, v in os.environ.items() if k != "SLIMFIX_NO_CACHE"}
    env["SLIMFIX_CACHE_DIR"] = str(tmp_path / "cache")
    code = ("import sys, slimfix.argv\ntry:\n slimfix.argv.main(sys.argv[1:])\nexcept SystemExit as e:\n print(e.code)\n"
            "print(sorted(m for m in ('slimfix.fixer', 'slimfix.syntax.parser', 'slimfix.rules.sf001_consecutive_run_instructions') if m in sys.modules))\n")
    runs = [subprocess.run([sys.executable, "-c", code, "--check", "-q", "Dockerfile"], cwd=tmp_path, env=env,
                           capture_output=True, text=True, timeout=120).stdout.splitlines() for _ in range(2)]
    assert runs[0] == ["1", "['slimfix.fixer', 'slimfix.rules.sf001_consecutive_run_instructions', 'slimfix.syntax.parser']"]
    assert runs[1] == ["1", "[]"]  # the same answer, from the cache
