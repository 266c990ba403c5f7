from slimfix.config import Settings
from slimfix.fixer import fix_text
from slimfix.semantics.savings import apt_lists_size

LATER = "FROM debian:bookworm\nRUN apt-get update\nCOPY pkgs.txt /tmp/\nRUN apt-get install -y $(cat /tmp/pkgs.txt)\n"


def test_cleanup_goes_after_the_last_run_that_needs_the_lists_and_the_update_run_keeps_a_finding():
    result = fix_text(LATER, "D", Settings(select=("SF002",)))
    assert result.output.endswith("RUN apt-get install -y $(cat /tmp/pkgs.txt) && rm -rf /var/lib/apt/lists/*\n")
    [left] = result.diagnostics
    assert left.line == 2 and left.fix is None and "line 4 still needs them" in left.message
    assert fix_text(result.output, "D", Settings(select=("SF002",))).output == result.output


def test_non_reaching_stage_is_not_reported():
    text = "FROM debian:bookworm AS tools\nRUN apt-get update && apt-get install -y gcc\nFROM alpine:3.20\n"
    assert fix_text(text, "D", Settings(select=("SF002",)), fix=False).diagnostics == []


def test_savings_are_estimated_per_fixed_run():
    result = fix_text("FROM debian:bookworm\nRUN apt-get update && apt-get install -y curl\n", "D", Settings(select=("SF002",)))
    assert [d.savings for d in result.fixed] == [apt_lists_size("debian:bookworm")]  # measured_sizes.toml
    assert 15_000_000 < apt_lists_size("debian:bookworm") < 25_000_000


def test_savings_follow_the_distribution_of_the_root_image():
    text = "FROM ubuntu:22.04 AS base\nFROM base\nRUN apt-get update && apt-get install -y curl\n"
    assert [d.savings for d in fix_text(text, "D", Settings(select=("SF002",))).fixed] == [apt_lists_size("ubuntu:22.04")]
    assert apt_lists_size("ubuntu:22.04") != apt_lists_size("debian:bookworm")
