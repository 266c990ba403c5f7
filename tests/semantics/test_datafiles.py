"""The shipped TOML tables come from the generated ``_datatables.py``, which matches the TOML files."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from slimfix import _datatables, datafiles, datagen, regenerate

TOML_FILES = sorted(p.relative_to(datagen.ROOT).as_posix() for p in datagen.ROOT.rglob("*.toml"))


def test_the_tables_cover_every_toml_file_of_the_package():
    assert "packages/apt.toml" in TOML_FILES and "rules/stage_split/split.toml" in TOML_FILES
    assert sorted(_datatables.TABLES) == TOML_FILES


@pytest.mark.parametrize("name", TOML_FILES)
def test_each_table_is_what_tomllib_parses(name):
    with (datagen.ROOT / name).open("rb") as handle:
        parsed = datagen.tomllib.load(handle)
    table = datafiles.load_table(name)
    assert table == parsed
    assert repr(table) == repr(parsed)  # the same key order too: the split's ecosystems keep theirs


def test_an_unknown_table_is_a_key_error():
    with pytest.raises(KeyError, match="'packages/none.toml' is not a table shipped with slimfix"):
        datafiles.load_table("packages/none.toml")
    with pytest.raises(KeyError):
        datafiles.load_table(str(datagen.ROOT / "packages" / "apt.toml"))  # a key, not a path


def test_table_names_of_a_folder():
    names = datafiles.table_names("packages")
    assert "packages/apt.toml" in names and names == sorted(names)
    assert all(name.count("/") == 1 for name in names)
    assert datafiles.table_names("rules/stage_split") == ["rules/stage_split/split.toml"]


def test_committed_module_is_a_fresh_generation():
    committed = datagen.TARGET.read_text(encoding="utf-8")
    assert committed == datagen.render(), "_datatables.py is out of date: run python -m slimfix.regenerate"


def test_an_edited_table_makes_the_check_fail(tmp_path, monkeypatch):
    tree = tmp_path / "slimfix"
    (tree / "packages").mkdir(parents=True)
    (tree / "packages" / "a.toml").write_text('b = 1\n[c]\nd = ["x"]\n')
    monkeypatch.setattr(datagen, "ROOT", tree)
    monkeypatch.setattr(datagen, "TARGET", tree / "_datatables.py")
    assert regenerate.update(datagen, check=True) == 1
    assert regenerate.update(datagen, check=False) == 0
    first = datagen.TARGET.read_bytes()
    assert regenerate.update(datagen, check=False) == 0 and datagen.TARGET.read_bytes() == first  # byte for byte
    assert regenerate.update(datagen, check=True) == 0
    (tree / "packages" / "a.toml").write_text("b = 2\n")
    assert regenerate.update(datagen, check=True) == 1


@pytest.mark.parametrize("text", ["when = 1979-05-27\n", "x = nan\n", "x = inf\n"])
def test_values_without_a_literal_are_refused(tmp_path, monkeypatch, text):
    (tmp_path / "t.toml").write_text(text)
    monkeypatch.setattr(datagen, "ROOT", tmp_path)
    with pytest.raises(ValueError, match="t.toml: .* cannot be written as a Python literal"):
        datagen.render()


def test_the_generated_module_reads_back_as_the_tables(tmp_path, monkeypatch):
    (tmp_path / "t.toml").write_text('a = "q\'\\"\\n"\nlong = [' + ", ".join(f'"item{i}"' for i in range(60))
                                     + ']\n[[n]]\nx = 1.5\ny = [[1, 2], {z = true}]\n')
    monkeypatch.setattr(datagen, "ROOT", tmp_path)
    text = datagen.render()
    namespace: dict = {}
    exec(compile(text, "_datatables.py", "exec"), namespace)
    assert namespace["TABLES"] == datagen.parsed_tables()
    assert max(len(line) for line in text.splitlines()) <= datagen.WIDTH


def test_a_run_does_not_import_tomllib():
    code = (
        "import sys, slimfix.packages, slimfix.semantics.savings as s, slimfix.rules.stage_split.tables\n"
        "slimfix.packages.load_catalog(); s._table(); s._table('apt_sizes.toml')\n"
        "print(sorted(m for m in ('tomllib', 'tomli', 'tempfile', 'slimfix.datagen') if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["[]"]
