"""The README is a contract: every command and pragma example in it runs as written and
does what the README says. A new ``slimfix`` line in the README's command blocks fails
``test_every_readme_command_is_checked`` until a check for it is added here."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from slimfix.constants import EXIT_HELP

from .conftest import REPO, run, write

README = (REPO / "README.md").read_text(encoding="utf-8")
NAIVE = "FROM debian:bookworm\nRUN apt-get update\nRUN apt-get install -y curl\n"


def _blocks(language: str):
    return re.findall(rf"```{language}\n(.*?)```", README, re.S)


def _commands():
    """(command words, comment) of every ``slimfix`` line in the README's sh blocks."""
    out = []
    for block in _blocks("sh"):
        for line in block.splitlines():
            command, _, comment = line.partition("#")
            if command.strip().startswith("slimfix"):
                out.append((command.strip(), comment.strip()))
    return out


@pytest.fixture
def project(tmp_path: Path) -> Path:
    write(tmp_path / "Dockerfile", NAIVE)
    return tmp_path


def _args(command: str):
    words = shlex.split(command.replace("< Dockerfile", ""))
    assert words[0] == "slimfix"
    return words[1:]


def check_placeholder(command, project):  # slimfix [OPTIONS] [PATH]...: the default, rewrite in place
    result = run([], cwd=project)
    assert result.code == 0, result.stderr
    assert (project / "Dockerfile").read_text() != NAIVE  # rewritten in place


def check_diff(command, project):
    result = run(_args(command), cwd=project)
    assert result.code == 1 and result.stdout.startswith("--- a/Dockerfile\n+++ b/Dockerfile\n")
    assert (project / "Dockerfile").read_text() == NAIVE
    import subprocess

    applied, rewritten = project / "applied", project / "rewritten"
    write(applied / "Dockerfile", NAIVE)
    write(rewritten / "Dockerfile", NAIVE)
    subprocess.run(["git", "apply", "-"], cwd=applied, input=result.stdout_bytes, check=True)  # "git apply ... accept it"
    assert run(["Dockerfile"], cwd=rewritten).code == 0
    assert (applied / "Dockerfile").read_bytes() == (rewritten / "Dockerfile").read_bytes() != NAIVE.encode()


def check_check(command, project):
    result = run(_args(command), cwd=project)
    assert result.code == 1  # something would change
    assert (project / "Dockerfile").read_text() == NAIVE
    write(project / "Dockerfile", "FROM debian:bookworm\nRUN apt-get update && apt-get install -y curl "
                                  "&& rm -rf /var/lib/apt/lists/*\n")  # only SF003 (unsafe) left
    result = run(_args(command), cwd=project)
    expected = 1 if "--exit-non-zero-on-findings" in command else 0
    assert result.code == expected and "SF003" in result.stdout


def check_stdin(command, project):
    result = run(_args(command), cwd=project, input=NAIVE.encode())
    assert result.code == 0
    assert result.stdout.startswith("FROM debian:bookworm\nRUN apt-get update \\\n")
    assert "-:" not in result.stdout  # the report goes to standard error


def check_rules(command, project):
    result = run(_args(command), cwd=project)
    assert result.code == 0 and "SF001" in result.stdout and "SF011" in result.stdout


def check_rule(command, project):
    result = run(_args(command), cwd=project)
    assert result.code == 0 and result.stdout.startswith("# SF002")


def check_max_file_size(command, project):
    write(project / "big" / "Dockerfile", NAIVE + "# padding\n" * 1_100_000)  # 11 MB: over the default
    assert run(["--check", "big"], cwd=project).code == 2
    result = run(_args(command), cwd=project)
    assert result.code == 0, result.stderr


def check_elsewhere(command, project):
    # slimfix verify and --verify build images (buildah): tests/verify runs them for real;
    # slimfix bot needs a forge: tests/bot runs it against real git remotes and forge doubles.
    covered = {"verify": "tests/verify/test_verify_cli.py", "--verify": "tests/verify/test_verify_fix_mode.py",
               "bot": "tests/bot/test_default_branch.py"}
    word = _args(command)[0]
    assert word in covered and (REPO / covered[word]).exists()
    assert run(["--help"] if word == "--verify" else [word, "--help"], cwd=project).code == 0


CHECKS = [
    (r"slimfix \[OPTIONS\] \[PATH\]\.\.\.", check_placeholder),
    (r"slimfix --diff Dockerfile", check_diff),
    (r"slimfix --check( --exit-non-zero-on-findings)? \.", check_check),
    (r"slimfix - < Dockerfile", check_stdin),
    (r"slimfix rules", check_rules),
    (r"slimfix rule SF002", check_rule),
    (r"slimfix --max-file-size 50 \S+", check_max_file_size),
    (r"slimfix (verify|bot|--verify)\b.*", check_elsewhere),
]


def _check_for(command):
    matches = [check for pattern, check in CHECKS if re.fullmatch(pattern, command)]
    return matches[0] if matches else None


def test_every_readme_command_is_checked():
    commands = _commands()
    assert len(commands) >= 9
    assert [c for c, _ in commands if _check_for(c) is None] == []


@pytest.mark.parametrize("command", [c for c, _ in _commands()])
def test_readme_command(command, project):
    _check_for(command)(command, project)


def test_max_file_size_example_is_in_the_readme():
    assert re.search(r"`--max-file-size 50`", README) and "10 MB" in README


def test_suppression_example_works_as_written(tmp_path):
    (example,) = _blocks("dockerfile")
    assert example == "# slimfix: ignore[SF001]\nRUN apt-get update\n"
    path = write(tmp_path / "Dockerfile", "FROM debian:bookworm\n" + example + "RUN apt-get install -y curl\n")
    result = run(["--select", "SF001", "--check", "Dockerfile"], cwd=tmp_path)
    assert result.code == 0 and "SF001" not in result.stdout  # the join is suppressed
    assert run(["--select", "SF001", "Dockerfile"], cwd=tmp_path).code == 0
    assert path.read_text().count("RUN ") == 2


@pytest.mark.parametrize("pragma, code, expected", [
    ("# slimfix: ignore", "ALL", set()),  # silences every rule for the next instruction
    ("# slimfix: ignore-file[SF002]", "SF001,SF002", {"SF001"}),
    ("# hadolint ignore=DL3059", "SF001", {"SF001"}),  # as hadolint: the DL3059 finding is on the second RUN
    ("# hadolint global ignore=DL3059", "SF001", set()),
])
def test_pragmas_described_in_the_readme(pragma, code, expected, tmp_path):
    assert f"`{pragma.split('=')[0] if 'global' in pragma else pragma}" in README
    write(tmp_path / "Dockerfile", "FROM debian:bookworm\n" + pragma + "\nRUN apt-get update\nRUN apt-get install -y curl\n")
    result = run(["--check", "--select", code, "--output-format", "json", "Dockerfile"], cwd=tmp_path)
    assert result.code in (0, 1)
    import json

    found = {f["code"] for f in json.loads(result.stdout)["findings"]} - {"SF003"}
    assert found == expected


@pytest.mark.parametrize("pragma", ["# slimfix: ignor", "# slimfix: ignore[SF999]"])
def test_bad_pragmas_described_in_the_readme_are_errors(pragma, tmp_path):
    assert f"`{pragma}`" in README
    path = write(tmp_path / "Dockerfile", "FROM debian:bookworm\n" + pragma + "\nRUN apt-get update\nRUN true\n")
    result = run(["Dockerfile"], cwd=tmp_path)
    assert result.code == 2 and result.stderr.startswith("Dockerfile:2:1: ")
    assert path.read_text().startswith("FROM debian:bookworm\n" + pragma)


def test_selection_flags_from_the_readme(project):
    for flags in (["--select", "SF001,SF002"], ["--ignore", "SF003"], ["--extend-select", "SF011"], ["--unsafe-fixes"]):
        assert f"`{flags[0]} {flags[1]}`" in README if len(flags) > 1 else f"`{flags[0]}`" in README
        assert run(["--check", *flags], cwd=project).code == 1, flags


def test_configuration_example(project):
    (toml,) = _blocks("toml")
    write(project / "pyproject.toml", toml)
    write(project / "vendor" / "x" / "Dockerfile", NAIVE)
    result = run(["--check"], cwd=project)
    assert result.code == 1, result.stderr  # a valid configuration; Dockerfile would change
    assert "SF003" not in result.stdout and "vendor" not in result.stdout and "SF011" not in result.stdout


def test_exit_codes_are_written_down_once_and_quoted_alike():
    assert " ".join(EXIT_HELP.split()) in " ".join(run(["--help"]).stdout.split())
    readme_paragraph = README[README.index("**Exit codes**"):README.index("In-place rewrites")]
    docs = (REPO / "docs" / "integrations.md").read_text(encoding="utf-8")
    for text in (readme_paragraph, docs, EXIT_HELP):
        assert "--exit-non-zero-on-findings" in text and "would change" in text
    for integration in ("action.yml", ".pre-commit-hooks.yaml", "ci/slimfix.gitlab-ci.yml"):
        text = (REPO / integration).read_text(encoding="utf-8")
        assert "would change" in text and "--exit-non-zero-on-findings" in text, integration
        assert "could build a smaller image" not in text and "or findings remain)" not in text, integration


def test_demo_diff_in_the_readme_is_what_slimfix_prints():
    (shown,) = _blocks("diff")
    result = run(["--diff", "examples/Dockerfile"], cwd=REPO)
    assert result.code == 1
    printed = result.stdout.splitlines()
    for line in shown.splitlines():
        assert line in printed or line == " ", line


def test_demo_summaries_in_the_readme_are_what_slimfix_prints():
    for options in ([], ["--select", "SF011"]):
        result = run(["--diff", *options, "examples/Dockerfile"], cwd=REPO)
        summary = next(line for line in result.stderr.splitlines() if "would be rewritten" in line)
        assert f"```\n{summary}\n```" in README, summary


def test_every_python_m_command_in_the_docs_and_scripts_is_a_command():
    """``python -m slimfix.X`` in the README, docs/ or scripts/ names a module that runs as one."""
    texts = [README] + [p.read_text(encoding="utf-8") for folder in ("docs", "scripts")
                        for p in sorted((REPO / folder).rglob("*")) if p.is_file() and p.suffix in (".md", ".sh", ".py", "")]
    modules = {m for text in texts for m in re.findall(r"-m (slimfix(?:\.\w+)*)", text)}
    assert "slimfix.regenerate" in modules
    for module in sorted(modules):
        path = REPO / "src" / Path(*module.split("."))
        source = path / "__main__.py" if path.is_dir() else path.with_suffix(".py")
        assert source.is_file() and 'if __name__ == "__main__":' in source.read_text(encoding="utf-8"), module
