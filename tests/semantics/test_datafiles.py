"""Parsed TOML tables are cached, and the cache never serves stale or broken data."""

from __future__ import annotations

import os
import marshal

import pytest

from slimfix import datafiles


@pytest.fixture
def table(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("SLIMFIX_CACHE_DIR", str(cache))
    path = tmp_path / "t.toml"
    path.write_text('a = 1\n[b]\nc = ["x"]\n')
    return path, cache


def test_first_load_parses_and_fills_the_cache(table):
    path, cache = table
    assert datafiles.load_table(path) == {"a": 1, "b": {"c": ["x"]}}
    files = list(cache.glob("t-*.marshal"))
    assert len(files) == 1
    key, stamp, data = marshal.loads(files[0].read_bytes())
    assert data == {"a": 1, "b": {"c": ["x"]}} and str(path) in key


def test_second_load_comes_from_the_cache(table, monkeypatch):
    path, cache = table
    datafiles.load_table(path)
    (entry,) = cache.glob("t-*.marshal")
    key, stamp, _ = marshal.loads(entry.read_bytes())
    entry.write_bytes(marshal.dumps((key, stamp, {"from": "cache"})))
    assert datafiles.load_table(path) == {"from": "cache"}


def test_a_changed_table_is_parsed_again(table):
    path, cache = table
    datafiles.load_table(path)
    path.write_text("a = 22\n")
    os.utime(path, ns=(1, 1))
    assert datafiles.load_table(path) == {"a": 22}
    assert datafiles.load_table(path) == {"a": 22}


@pytest.mark.parametrize("junk", [b"", b"not marshal data", marshal.dumps("wrong shape")])
def test_a_broken_cache_entry_is_ignored_and_replaced(table, junk):
    path, cache = table
    datafiles.load_table(path)
    (entry,) = cache.glob("t-*.marshal")
    entry.write_bytes(junk)
    assert datafiles.load_table(path) == {"a": 1, "b": {"c": ["x"]}}
    assert marshal.loads(entry.read_bytes())[2] == {"a": 1, "b": {"c": ["x"]}}


def test_an_unwritable_cache_folder_is_skipped(table, tmp_path, monkeypatch):
    path, _ = table
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("SLIMFIX_CACHE_DIR", str(blocker / "sub"))  # a folder under a file
    assert datafiles.load_table(path) == {"a": 1, "b": {"c": ["x"]}}


def test_empty_setting_turns_the_cache_off(table, monkeypatch):
    path, cache = table
    monkeypatch.setenv("SLIMFIX_CACHE_DIR", "")
    assert datafiles.cache_dir() is None
    assert datafiles.load_table(path)["a"] == 1
    assert not cache.exists()


def test_default_folder_follows_xdg(monkeypatch, tmp_path):
    monkeypatch.delenv("SLIMFIX_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert datafiles.cache_dir() == str(tmp_path / "slimfix")
