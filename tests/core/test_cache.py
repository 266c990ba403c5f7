"""slimfix.cache: a second run answers from the cache with the same output and exit code;
a change in the bytes, the settings or slimfix itself analyses again."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from slimfix import cache as cache_module
from slimfix.cache import ResultCache, open_cache
from slimfix.config import Settings
from slimfix.fixer import fix_text
from slimfix.runner import Job, run_jobs

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
JOINABLE = "FROM debian:bookworm\nRUN apt-get update\nRUN apt-get install -y curl\n"


@pytest.fixture
def cache_on(monkeypatch, tmp_path):
    monkeypatch.delenv("SLIMFIX_NO_CACHE", raising=False)
    folder = tmp_path / "cache"
    monkeypatch.setenv("SLIMFIX_CACHE_DIR", str(folder))
    return folder


def _entries(folder: Path):
    return sorted(p for p in (folder / "results").rglob("*") if p.is_file() and not p.name.startswith("."))


def _counting_fix_text(monkeypatch):
    from slimfix import runner

    calls = []

    def counted(text, path, settings, fix=True, input_lines=False):
        calls.append(path)
        return fix_text(text, path, settings, fix, input_lines=input_lines)

    monkeypatch.setattr(runner, "fix_text", counted)
    return calls


def test_cached_result_equals_the_fresh_one(tmp_path):
    cache = ResultCache(str(tmp_path))
    settings = Settings(select=("ALL",), unsafe_fixes=True)
    seen = set()
    for source in sorted((FIXTURES / "rules").rglob("*.Dockerfile"))[:80] + sorted((FIXTURES / "negative").glob("*")):
        text = source.read_text(encoding="utf-8")
        fresh = fix_text(text, str(source), settings)
        key = cache.key(settings, text.encode("utf-8"))
        assert (cache.load(key, str(source), text) is None) == (text not in seen)
        seen.add(text)
        cache.store(key, fresh)
        again = cache.load(key, str(source), text)
        assert again == fresh, source
        assert [d.path for d in again.diagnostics + again.fixed] == [str(source)] * len(again.diagnostics + again.fixed)
        assert [d.fix for d in again.diagnostics + again.fixed] == [d.fix for d in fresh.diagnostics + fresh.fixed]


def test_second_run_reads_the_cache_and_a_change_analyses_again(cache_on, tmp_path, monkeypatch):
    calls = _counting_fix_text(monkeypatch)
    files = []
    for i in range(3):
        path = tmp_path / f"app{i}" / "Dockerfile"
        path.parent.mkdir()
        path.write_text(JOINABLE if i else "FROM alpine\nRUN make\n")
        files.append(str(path))
    cache = open_cache()
    jobs = [Job(p, Settings(), write=False) for p in files]
    first = run_jobs(jobs, workers=1, cache=cache)
    # app1 and app2 have the same bytes: one entry serves both paths
    assert calls == files[:2]
    assert len(_entries(cache_on)) == 2
    second = run_jobs(jobs, workers=1, cache=open_cache())
    assert len(calls) == 2
    assert second == first and [r.path for r in second] == files

    Path(files[0]).write_text("FROM alpine\nRUN make\nRUN make install\n")
    run_jobs(jobs, workers=1, cache=open_cache())
    assert calls[2:] == [files[0]]
    run_jobs([Job(p, Settings(ignore=("SF001",)), write=False) for p in files], workers=1, cache=open_cache())
    assert calls[3:] == files[:2]  # other settings: analysed again


def test_a_change_in_slimfix_misses(cache_on, tmp_path, monkeypatch):
    calls = _counting_fix_text(monkeypatch)
    path = tmp_path / "Dockerfile"
    path.write_text(JOINABLE)
    job = Job(str(path), Settings(), write=False)
    run_jobs([job], workers=1, cache=ResultCache(str(cache_on), fingerprint=b"a" * 32))
    run_jobs([job], workers=1, cache=ResultCache(str(cache_on), fingerprint=b"a" * 32))
    run_jobs([job], workers=1, cache=ResultCache(str(cache_on), fingerprint=b"b" * 32))
    assert len(calls) == 2


def test_fix_mode_writes_from_a_cached_result(cache_on, tmp_path, monkeypatch):
    first, path = tmp_path / "a.Dockerfile", tmp_path / "Dockerfile"
    first.write_text(JOINABLE)
    path.write_text(JOINABLE)
    run_jobs([Job(str(first), Settings(), write=True)], workers=1, cache=open_cache())
    calls = _counting_fix_text(monkeypatch)
    [result] = run_jobs([Job(str(path), Settings(), write=True)], workers=1, cache=open_cache())
    assert calls == [] and result.changed
    assert path.read_text() == fix_text(JOINABLE).output != JOINABLE


def test_a_check_and_a_rewrite_keep_their_own_entries(cache_on, tmp_path, monkeypatch):
    """A check names remaining findings by the input's lines, a rewrite by the output's."""
    path = tmp_path / "Dockerfile"
    path.write_text(JOINABLE)
    run_jobs([Job(str(path), Settings(), write=False)], workers=1, cache=open_cache())
    calls = _counting_fix_text(monkeypatch)
    run_jobs([Job(str(path), Settings(), write=True)], workers=1, cache=open_cache())
    assert calls == [str(path)]


def test_unreadable_and_corrupt_entries_are_misses(cache_on, tmp_path):
    cache = ResultCache(str(cache_on))
    key = cache.key(Settings(), JOINABLE.encode())
    entry = Path(cache._entry(key))
    entry.parent.mkdir(parents=True)
    entry.write_bytes(b"\x00garbage")
    assert cache.load(key, "Dockerfile", JOINABLE) is None
    cache.store(key, fix_text(JOINABLE, "Dockerfile"))
    assert cache.load(key, "Dockerfile", JOINABLE).output == fix_text(JOINABLE).output
    assert not [p for p in entry.parent.iterdir() if p.name.endswith(".tmp")]


def test_internal_errors_are_not_kept(tmp_path):
    cache = ResultCache(str(tmp_path))
    result = fix_text(JOINABLE, "Dockerfile")
    result.internal_error = "internal error: boom"
    cache.store("ab" * 20, result)
    assert cache.load("ab" * 20, "Dockerfile", JOINABLE) is None


def test_turned_off_by_flag_and_environment(monkeypatch, tmp_path):
    monkeypatch.delenv("SLIMFIX_NO_CACHE", raising=False)
    monkeypatch.setenv("SLIMFIX_CACHE_DIR", str(tmp_path))
    assert open_cache() is not None
    assert open_cache(enabled=False) is None
    assert open_cache(str(tmp_path / "elsewhere")).folder == str(tmp_path / "elsewhere" / "results")
    monkeypatch.setenv("SLIMFIX_NO_CACHE", "1")
    assert open_cache() is None
    monkeypatch.setenv("SLIMFIX_NO_CACHE", "")
    monkeypatch.setenv("SLIMFIX_CACHE_DIR", "")
    assert open_cache() is None


def test_the_key_covers_the_generated_tables(tmp_path, monkeypatch):
    """A regenerated _datatables.py (an edited TOML table) analyses every file again."""
    tree = tmp_path / "slimfix"
    (tree / "bot").mkdir(parents=True)
    monkeypatch.setattr(cache_module, "__file__", str(tree / "cache.py"))
    generated = tree / "_datatables.py"
    generated.write_text("TABLES = {'packages/apt.toml': {'a': 1}}\n")
    before = cache_module.code_fingerprint()
    generated.write_text("TABLES = {'packages/apt.toml': {'a': 22}}\n")
    after = cache_module.code_fingerprint()
    assert after != before
    (tree / "bot" / "run.py").write_text("changed = True\n")  # the layers on top are not part of it
    assert cache_module.code_fingerprint() == after


def test_default_folder_follows_xdg(monkeypatch, tmp_path):
    monkeypatch.delenv("SLIMFIX_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache_module.cache_dir() == str(tmp_path / "slimfix")
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_module.cache_dir() == str(tmp_path / "home" / ".cache" / "slimfix")


def test_prune_keeps_the_newest_entries(tmp_path, monkeypatch):
    monkeypatch.setattr(cache_module, "MAX_ENTRIES", 10)
    monkeypatch.setattr(cache_module, "KEEP_AFTER_PRUNE", 6)
    cache = ResultCache(str(tmp_path))
    result = fix_text(JOINABLE, "Dockerfile")
    keys = [f"{i:02x}" + "0" * 38 for i in range(12)]
    for age, key in enumerate(keys):
        cache.store(key, result)
        os.utime(cache._entry(key), (1000 + age, 1000 + age))
    assert cache.prune(now=10_000) == 6
    assert [cache.load(k, "Dockerfile", JOINABLE) is not None for k in keys] == [False] * 6 + [True] * 6
    for i in range(12, 30):
        cache.store(f"{i:02x}" + "0" * 38, result)
    assert cache.prune(now=10_000 + 60) == 0  # pruned a minute ago: not yet again


def _cli(args, cwd, env):
    proc = subprocess.run([sys.executable, "-m", "slimfix", *args], cwd=cwd, capture_output=True, env=env, timeout=600)
    return proc.returncode, proc.stdout, proc.stderr


@pytest.mark.parametrize("args", [
    ["--check"],
    ["--diff", "--no-progress", "-j", "2"],
    ["--check", "--output-format", "json", "--show-fixes"],
    ["--diff", "--select", "ALL", "--unsafe-fixes", "--statistics"],
    [],  # rewrite in place: the second run starts from the fixed files
])
def test_cli_second_run_is_identical(tmp_path, args):
    tree = tmp_path / "repo"
    shutil.copytree(FIXTURES, tree)
    cache = tmp_path / "cache"
    env = {k: v for k, v in os.environ.items() if k not in ("SLIMFIX_NO_CACHE", "FORCE_COLOR", "NO_COLOR")}
    env["SLIMFIX_CACHE_DIR"] = str(cache)
    uncached = _cli([*args, "--no-cache", "."], tree, env)
    assert not (cache / "results").exists()
    if not args:  # the in-place run changed the files: start again from the fixtures
        shutil.rmtree(tree)
        shutil.copytree(FIXTURES, tree)
    first = _cli([*args, "."], tree, env)
    entries = _entries(cache)
    assert len(entries) > 200
    if not args:  # the same rewrite; then runs over the fixed files, from the cache the second time
        assert first == uncached
        fixed = {p: p.read_bytes() for p in tree.rglob("*") if p.is_file()}
        second, third = _cli([*args, "."], tree, env), _cli([*args, "."], tree, env)
        assert second == third
        assert {p: p.read_bytes() for p in tree.rglob("*") if p.is_file()} == fixed
        return
    second = _cli([*args, "."], tree, env)
    assert uncached == first == second
    assert _entries(cache) == entries
