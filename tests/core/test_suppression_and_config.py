from __future__ import annotations

import os
from pathlib import Path

import pytest

from slimfix.bot.changes import find_config
from slimfix.config import ConfigError, Settings, nearest_config
from slimfix.configfile import load_settings
from slimfix.config import Settings as _S
from slimfix.fixer import fix_text

NAIVE = "FROM debian:bookworm\nRUN apt-get update\nRUN apt-get install -y curl\n"


def codes(text: str, settings: Settings = _S(select=("SF001", "SF002"))) -> set:
    return {d.code for d in fix_text(text, "D", settings, fix=False).diagnostics}


def test_without_suppression_both_rules_report():
    assert codes(NAIVE) == {"SF001", "SF002"}


def test_slimfix_ignore_with_codes_above_an_instruction():
    text = "FROM debian:bookworm\nRUN apt-get update\n# slimfix: ignore[SF001]\nRUN apt-get install -y curl\n"
    assert codes(text) == {"SF002"}


def test_bare_ignore_silences_every_rule_for_the_next_instruction_only():
    text = "FROM debian:bookworm\n# slimfix: ignore\nRUN apt-get update\nCOPY a /a\nRUN apt-get install -y curl\n"
    assert codes(text) == set()
    text = "FROM debian:bookworm\n# slimfix: ignore\nRUN echo hi\nRUN apt-get update && apt-get install -y curl\n"
    assert codes(text) == {"SF002"}  # the second RUN's own finding stays; the join is silenced


@pytest.mark.parametrize("pragma_at", [0, 1, 2])
def test_pragma_above_any_run_of_a_chain_silences_its_joins(pragma_at: int):
    runs = ["RUN apt-get update\n", "RUN apt-get install -y curl\n", "RUN echo done\n"]
    runs[pragma_at] = "# slimfix: ignore[SF001]\n" + runs[pragma_at]
    text = "FROM debian:bookworm\n" + "".join(runs)
    result = fix_text(text, "D", _S(select=("SF001",)))
    joins = [d for d in result.fixed + result.diagnostics if d.code == "SF001"]
    suppressed_line = 2 + pragma_at + 1  # the RUN under the pragma
    for join in joins:  # no join left touches the RUN under the pragma
        assert suppressed_line not in (join.line, *join.related_lines)
    assert "# slimfix: ignore[SF001]\n" in result.output
    under = result.output.split("# slimfix: ignore[SF001]\n")[1]
    assert under.startswith(runs[pragma_at].split("\n", 1)[1])  # that RUN kept its own line


def test_readme_suppression_example_stops_the_join():
    text = "FROM debian:bookworm\n# slimfix: ignore[SF001]\nRUN apt-get update\nRUN apt-get install -y curl\n"
    result = fix_text(text, "D", _S(select=("SF001",)))
    assert result.output == text and not result.fixed and not result.diagnostics


@pytest.mark.parametrize("comment, message", [
    ("# slimfix: ignore[SF999]", "unknown rule code SF999"),
    ("# slimfix: ignore-file[SF001, XX1]", "unknown rule code XX1"),
    ("# slimfix: ignor", "unreadable pragma"),
    ("# slimfix ignore[SF001]", "unreadable pragma"),
    ("# slimfix: ignore[SF001", "unreadable pragma"),
    ("  # slimfix: ignore[]", "empty brackets"),
])
def test_bad_pragma_is_an_error_at_its_line_and_nothing_changes(comment: str, message: str):
    text = f"FROM debian:bookworm\nRUN apt-get update\n{comment}\nRUN apt-get install -y curl\n"
    result = fix_text(text, "D", _S(select=("SF001",)))
    column = len(comment) - len(comment.lstrip()) + 1
    assert result.error is not None and result.error.startswith(f"3:{column}: ") and message in result.error
    assert result.output == text and not result.fixed


def test_comments_that_mention_slimfix_are_no_pragmas():
    text = "FROM debian:bookworm\n# slimfix joins these later\nRUN true\n"
    assert fix_text(text, "D", _S(select=("SF001",))).error is None


def test_blank_line_ends_the_comment_block():
    text = "FROM debian:bookworm\n# slimfix: ignore\n\nRUN apt-get update && apt-get install -y x\n"
    assert codes(text) == {"SF002"}


def test_file_level_ignore():
    assert codes("# slimfix: ignore-file[SF002]\n" + NAIVE) == {"SF001"}
    assert codes(NAIVE + "# slimfix: ignore-file\n") == set()


def test_hadolint_pragmas_map_to_slimfix_rules():
    text = "FROM debian:bookworm\n# hadolint ignore=DL3009,DL3059\nRUN apt-get update\nRUN apt-get install -y curl\n"
    assert codes(text) == {"SF001"}  # as in hadolint, the DL3059 finding sits on the second RUN
    assert codes("# hadolint global ignore=DL3059\n" + NAIVE) == {"SF002"}


def test_config_from_pyproject_and_unknown_key_warning(tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text('[tool.slimfix]\nselect = ["SF001"]\nunsafe-fixes = true\ncolour = "red"\n')
    sub = tmp_path / "svc"
    sub.mkdir()
    found = find_config(sub)
    assert found == tmp_path / "pyproject.toml"
    settings = load_settings(found)
    assert settings.select == ("SF001",) and settings.unsafe_fixes is True
    assert any("unknown key 'colour'" in w for w in settings.warnings)


def test_dot_slimfix_toml_wins_over_pyproject_in_the_same_folder(tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text('[tool.slimfix]\nselect = ["SF001"]\n')
    (tmp_path / ".slimfix.toml").write_text('ignore = ["SF002"]\n')
    assert find_config(tmp_path) == tmp_path / ".slimfix.toml"
    assert load_settings(find_config(tmp_path)).ignore == ("SF002",)


def test_pyproject_without_table_is_not_a_config(tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert find_config(tmp_path) is None or find_config(tmp_path).parent != tmp_path


def test_flags_win_over_the_file():
    base = Settings(select=("SF001",), unsafe_fixes=True)
    merged = base.merged(select=("SF002",), unsafe_fixes=None)
    assert merged.select == ("SF002",) and merged.unsafe_fixes is True


@pytest.mark.parametrize("body, message", [
    ('select = "SF001"\nignore = [1]\n', "'ignore' must be a list of strings"),
    ('unsafe-fixes = "yes"\n', "'unsafe-fixes' must be true or false"),
    ('select = [\n', "invalid TOML"),
])
def test_bad_config_is_a_clear_error(tmp_path: Path, body: str, message: str):
    path = tmp_path / ".slimfix.toml"
    path.write_text(body)
    with pytest.raises(ConfigError, match=message):
        load_settings(path)


def test_nearest_config_remembers_every_folder_on_the_way_up(tmp_path: Path):
    (tmp_path / ".slimfix.toml").write_text('ignore = ["SF002"]\n')
    a, b = tmp_path / "x" / "a", tmp_path / "x" / "b"
    a.mkdir(parents=True)
    b.mkdir()
    root = str(tmp_path.resolve())
    known: dict = {}
    assert nearest_config(str(a.resolve()), known) == os.path.join(root, ".slimfix.toml")
    assert known == {str(a.resolve()): os.path.join(root, ".slimfix.toml"),
                     str((tmp_path / "x").resolve()): os.path.join(root, ".slimfix.toml"),
                     root: os.path.join(root, ".slimfix.toml")}
    (tmp_path / "x" / ".slimfix.toml").write_text("")  # not seen again: the parent's answer is known
    assert nearest_config(str(b.resolve()), known) == os.path.join(root, ".slimfix.toml")
    assert nearest_config(str(b.resolve())) == str((tmp_path / "x" / ".slimfix.toml").resolve())
