"""Each mode and exit code, through click's runner (in this process)."""

from __future__ import annotations

from pathlib import Path

from slimfix.rules import all_rules

from .conftest import CLEAN, JOINABLE, JOINED, UNFIXABLE, invoke, write


def test_help_documents_usage_modes_and_exit_codes():
    for flag in ("--help", "-h"):
        result = invoke([flag])
        assert result.code == 0
        assert "Usage: slimfix [OPTIONS] [PATH]..." in result.stdout
        for text in ("--diff", "--check", "--stdin-filename", "--output-format", "Exit codes:", "0  nothing to do",
                     "1  --check / --diff", "--exit-non-zero-on-findings", "2  errors"):
            assert text in result.stdout, text


def test_version():
    result = invoke(["--version"])
    assert result.code == 0 and result.stdout.startswith("slimfix, version ")


def test_fix_rewrites_in_place_then_has_nothing_to_do(in_tmp):
    path = write(in_tmp / "Dockerfile", JOINABLE)
    result = invoke(["--select", "SF001"])
    assert result.code == 0, result.stderr
    assert path.read_text() == JOINED
    assert "1 file rewritten, 0 left unchanged: 1 fix (SF001: 1)." in result.stdout
    again = invoke(["--select", "SF001"])
    assert again.code == 0
    assert again.stdout.strip() == "1 file checked, nothing to do."


def test_check_writes_nothing_and_exits_1(in_tmp):
    path = write(in_tmp / "Dockerfile", JOINABLE)
    write(in_tmp / "clean" / "Dockerfile", CLEAN)
    result = invoke(["--check", "--select", "SF001", "."])
    assert result.code == 1
    assert path.read_text() == JOINABLE
    lines = result.stdout.splitlines()
    assert lines[0] == "Dockerfile:3:1: SF001 [*] RUN follows the RUN on line 2; join them into one layer"
    assert lines[1] == "1 file would be rewritten, 1 already fine: 1 fix (SF001: 1)."
    assert invoke(["--check", "--select", "SF001", "clean"]).code == 0


def test_diff_prints_the_change_writes_nothing_and_exits_1(in_tmp):
    path = write(in_tmp / "Dockerfile", JOINABLE)
    result = invoke(["--diff", "--select", "SF001", "Dockerfile"])
    assert result.code == 1
    assert path.read_text() == JOINABLE
    assert result.stdout == (
        "--- a/Dockerfile\n+++ b/Dockerfile\n@@ -1,3 +1,3 @@\n FROM debian:bookworm\n"
        "-RUN apt-get update\n-RUN apt-get install -y curl\n+RUN apt-get update \\\n+    && apt-get install -y curl\n"
    )
    assert "1 file would be rewritten" in result.stderr  # the report keeps out of the diff's way


def test_diff_of_a_clean_file_is_empty_and_exits_0(in_tmp):
    write(in_tmp / "Dockerfile", CLEAN)
    result = invoke(["--diff", "--select", "SF001"])
    assert (result.code, result.stdout) == (0, "")


def test_findings_without_a_fix_exit_1_only_when_asked(in_tmp):
    path = write(in_tmp / "Dockerfile", UNFIXABLE)
    for mode in ([], ["--check"], ["--diff"]):
        assert invoke([*mode, "--select", "SF001"]).code == 0, mode  # nothing would change
        result = invoke([*mode, "--select", "SF001", "--exit-non-zero-on-findings"])
        assert result.code == 1, mode
        assert path.read_text() == UNFIXABLE
    result = invoke(["--select", "SF001"])
    assert "Dockerfile:3:1: SF001 RUN follows the RUN on line 2" in result.stdout
    assert "(no automatic fix" in result.stdout
    assert "1 finding without an applied fix." in result.stdout


def test_quiet_prints_nothing_but_keeps_the_exit_code(in_tmp):
    write(in_tmp / "Dockerfile", JOINABLE)
    result = invoke(["--check", "-q", "--select", "SF001"])
    assert (result.code, result.stdout, result.stderr) == (1, "", "")


def test_show_fixes_lists_what_was_fixed(in_tmp):
    write(in_tmp / "Dockerfile", JOINABLE)
    result = invoke(["--show-fixes", "--select", "SF001"])
    assert result.code == 0
    assert result.stdout.splitlines()[0] == "Dockerfile:3:1: SF001 [fixed] RUN follows the RUN on line 2; join them into one layer"


def test_statistics_counts_by_rule(in_tmp):
    write(in_tmp / "a" / "Dockerfile", JOINABLE)
    write(in_tmp / "b" / "Dockerfile", JOINABLE)
    write(in_tmp / "c" / "Dockerfile", UNFIXABLE)
    result = invoke(["--check", "--statistics", "--select", "SF001"])
    assert result.code == 1
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["count", "fixable", "code", "name"]
    assert lines[1].split() == ["3", "2", "SF001", "consecutive-run-instructions"]
    assert "2 files would be rewritten, 1 already fine: 2 fixes (SF001: 2)." in lines


def test_summary_reports_estimated_savings(in_tmp):
    assert any(rule.code == "SF002" for rule in all_rules())  # removes apt lists: 19.9 MB by its estimate
    write(in_tmp / "Dockerfile", "FROM debian:bookworm\nRUN apt-get update && apt-get install -y curl\n")
    result = invoke(["--check", "--select", "SF002"])
    assert result.code == 1
    assert "fix (SF002: 1), estimated " in result.stdout and " MB saved." in result.stdout


def test_unknown_rule_selector_is_an_error(in_tmp):
    write(in_tmp / "Dockerfile", JOINABLE)
    result = invoke(["--select", "SF9", "--check"])
    assert result.code == 2
    assert result.stderr == "slimfix: error: --select: no rule matches 'SF9' (see `slimfix rules`)\n"


def test_bad_config_is_an_error_and_nothing_is_written(in_tmp):
    path = write(in_tmp / "Dockerfile", JOINABLE)
    write(in_tmp / ".slimfix.toml", "select = [\n")
    result = invoke(["--select", "SF001"])
    assert result.code == 2
    assert path.read_text() == JOINABLE
    assert "invalid TOML" in result.stderr and len(result.stderr.splitlines()) == 1


def test_config_file_applies_and_flags_win(in_tmp):
    path = write(in_tmp / "Dockerfile", JOINABLE)
    write(in_tmp / ".slimfix.toml", 'ignore = ["SF001"]\n')
    assert invoke(["--check", "--select", "SF001"]).code == 0
    other = write(in_tmp / "other.toml", 'select = ["SF001"]\n')
    assert invoke(["--check", "--config", str(other)]).code == 1
    assert path.read_text() == JOINABLE


def test_no_dockerfiles_found(in_tmp):
    result = invoke(["--check"])
    assert result.code == 0
    assert result.stdout.strip() == "No Dockerfiles found."


def test_output_file_takes_the_report(in_tmp):
    write(in_tmp / "Dockerfile", JOINABLE)
    result = invoke(["--diff", "--select", "SF001", "--output-format", "json", "-o", "out/report.json"])
    assert result.code == 1
    assert result.stdout.startswith("--- a/Dockerfile")
    assert '"code": "SF001"' in Path("out/report.json").read_text()
    assert result.stderr == ""


def test_check_and_diff_exit_1_exactly_when_a_file_would_change(in_tmp):
    # an unsafe-only finding (SF003) changes nothing by default: exit 0, the finding still reported
    write(in_tmp / "Dockerfile", "FROM debian:bookworm\nRUN apt-get update && apt-get install -y curl \\\n"
          "    && rm -rf /var/lib/apt/lists/*\n")
    for mode in (["--check"], ["--diff"]):
        result = invoke([*mode])
        assert result.code == 0, (mode, result.stdout, result.stderr)
        assert "SF003" in result.stdout + result.stderr
        assert invoke([*mode, "--exit-non-zero-on-findings"]).code == 1
        assert invoke([*mode, "--unsafe-fixes"]).code == 1  # now the file would change
