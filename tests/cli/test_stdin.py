"""Standard input (``-``): fixed text to standard output, the report to standard error."""

from __future__ import annotations

from .conftest import CLEAN, JOINABLE, JOINED, invoke, write


def test_fix_writes_the_fixed_text_to_stdout(in_tmp):
    result = invoke(["--select", "SF001", "-"], input=JOINABLE)
    assert result.code == 0
    assert result.stdout == JOINED
    assert "1 file rewritten" in result.stderr


def test_crlf_and_bom_survive_the_pipe(in_tmp):
    source = ("\ufeff" + JOINABLE).replace("\n", "\r\n").encode("utf-8")
    result = invoke(["--select", "SF001", "-"], input=source)
    assert result.code == 0
    assert result.stdout_bytes == ("\ufeff" + JOINED).replace("\n", "\r\n").encode("utf-8")


def test_check_writes_no_text(in_tmp):
    result = invoke(["--check", "--select", "SF001", "-"], input=JOINABLE)
    assert result.code == 1
    assert result.stdout.startswith("-:3:1: SF001 [*] ")
    assert invoke(["--check", "--select", "SF001", "-"], input=CLEAN).code == 0


def test_diff_names_the_file_by_stdin_filename(in_tmp):
    result = invoke(["--diff", "--select", "SF001", "--stdin-filename", "app/Dockerfile", "-"], input=JOINABLE)
    assert result.code == 1
    assert result.stdout.startswith("--- a/app/Dockerfile\n+++ b/app/Dockerfile\n@@ -1,3 +1,3 @@\n")
    assert "app/Dockerfile" in result.stderr or "would be rewritten" in result.stderr
    plain = invoke(["--diff", "--select", "SF001", "-"], input=JOINABLE)
    assert plain.stdout.startswith("--- a/-\n+++ b/-\n")  # "-", as messages name it


def test_stdin_filename_finds_the_config(in_tmp):
    write(in_tmp / "svc" / ".slimfix.toml", 'ignore = ["SF"]\n')
    result = invoke(["--check", "--stdin-filename", "svc/Dockerfile", "-"], input=JOINABLE)
    assert result.code == 0, result.stdout
    assert invoke(["--check", "--select", "SF001", "--stdin-filename", "Dockerfile", "-"], input=JOINABLE).code == 1


def test_messages_use_stdin_filename(in_tmp):
    result = invoke(["--check", "--select", "SF001", "--stdin-filename", "web/Dockerfile", "-"], input=JOINABLE)
    assert result.stdout.startswith("web/Dockerfile:3:1: SF001 [*] ")


def test_parse_error_echoes_the_input_unchanged_and_exits_2(in_tmp):
    bad = "FROM alpine\nFROBNICATE now\n"
    result = invoke(["--select", "SF001", "--stdin-filename", "Dockerfile", "-"], input=bad)
    assert result.code == 2
    assert result.stdout == bad
    errors = [line for line in result.stderr.splitlines() if line.startswith("Dockerfile:")]
    assert errors == ["Dockerfile:2:1: unknown instruction: FROBNICATE"]


def test_binary_input_is_echoed_byte_for_byte(in_tmp):
    raw = b"FROM alpine\n\x00\xff\xfe"
    result = invoke(["--select", "SF001", "-"], input=raw)
    assert result.code == 2
    assert result.stdout_bytes == raw
    assert "-: binary file, not a Dockerfile" in result.stderr


def test_force_exclude_passes_an_excluded_stdin_through(in_tmp):
    result = invoke(["--force-exclude", "--exclude", "vendor", "--stdin-filename", "vendor/Dockerfile",
                     "--select", "SF001", "-"], input=JOINABLE)
    assert result.code == 0
    assert result.stdout == JOINABLE
