"""Which files a folder search finds: names, .gitignore, --exclude, config."""

from __future__ import annotations

import os

from slimfix.discovery import discover
from slimfix.files import is_dockerfile_name, is_excluded

from .conftest import CLEAN, JOINABLE, git, invoke, make_repo, write

NAMES = ["Dockerfile", "Dockerfile.dev", "api.Dockerfile", "worker.dockerfile", "Containerfile"]
NOT_NAMES = ["Dockerfile-old", "dockerfile", "notes.txt", "docker-compose.yml"]


def test_dockerfile_names():
    assert all(is_dockerfile_name(name) for name in NAMES)
    assert not any(is_dockerfile_name(name) for name in NOT_NAMES)


def test_search_finds_every_name_in_order_and_skips_tool_folders(tmp_path):
    for name in NAMES + NOT_NAMES:
        write(tmp_path / "svc" / name, CLEAN)
    write(tmp_path / "node_modules" / "pkg" / "Dockerfile", CLEAN)
    write(tmp_path / ".git" / "Dockerfile", CLEAN)
    found = discover([str(tmp_path)], respect_gitignore=False)
    assert [os.path.relpath(p, tmp_path) for p in found] == [f"svc/{n}" for n in sorted(NAMES)]


def test_gitignore_is_honoured_in_a_git_repo(tmp_path, monkeypatch):
    repo = make_repo(tmp_path / "repo")
    write(repo / ".gitignore", "build/\n*.generated.Dockerfile\n")
    write(repo / "Dockerfile", JOINABLE)
    write(repo / "build" / "Dockerfile", JOINABLE)
    write(repo / "app" / "x.generated.Dockerfile", JOINABLE)
    write(repo / "app" / "Dockerfile", JOINABLE)  # untracked, not ignored
    write(repo / "sub" / ".gitignore", "Dockerfile.local\n")
    write(repo / "sub" / "Dockerfile.local", JOINABLE)
    write(repo / "sub" / "Dockerfile", JOINABLE)
    git(repo, "add", "Dockerfile", ".gitignore")
    git(repo, "commit", "-qm", "init")
    monkeypatch.chdir(repo)
    assert discover(["."]) == ["Dockerfile", "app/Dockerfile", "sub/Dockerfile"]
    assert discover(["sub"]) == ["sub/Dockerfile"]
    everything = discover(["."], respect_gitignore=False)
    assert "build/Dockerfile" in everything and "sub/Dockerfile.local" in everything

    result = invoke(["--check", "--select", "SF001"])
    assert result.code == 1
    assert "3 files would be rewritten, 0 already fine" in result.stdout
    result = invoke(["--check", "--select", "SF001", "--no-respect-gitignore"])
    assert "6 files would be rewritten" in result.stdout


def test_tracked_file_matching_gitignore_is_still_searched(tmp_path, monkeypatch):
    repo = make_repo(tmp_path / "repo")
    write(repo / "Dockerfile", CLEAN)
    git(repo, "add", "Dockerfile")
    git(repo, "commit", "-qm", "init")
    write(repo / ".gitignore", "Dockerfile\n")
    monkeypatch.chdir(repo)
    assert discover(["."]) == ["Dockerfile"]


def test_nested_repository_is_searched_with_its_own_ignores(tmp_path, monkeypatch):
    outer = make_repo(tmp_path / "outer")
    inner = make_repo(outer / "inner")
    write(inner / ".gitignore", "skip/\n")
    write(inner / "Dockerfile", CLEAN)
    write(inner / "skip" / "Dockerfile", CLEAN)
    monkeypatch.chdir(outer)
    assert discover(["."]) == ["inner/Dockerfile"]


def test_exclude_patterns():
    assert is_excluded("vendor/lib/Dockerfile", ["vendor"])
    assert is_excluded("a/vendor/Dockerfile", ["vendor/*"])
    assert is_excluded("svc/api.dev.Dockerfile", ["*.dev.Dockerfile"])
    assert is_excluded("./svc/Dockerfile", ["svc/Dockerfile"])
    assert is_excluded("/abs/path/svc/Dockerfile", ["svc"])
    assert not is_excluded("vendorized/Dockerfile", ["vendor"])
    assert not is_excluded("svc/Dockerfile", [])


def test_exclude_flag_and_config(in_tmp):
    write(in_tmp / "Dockerfile", JOINABLE)
    write(in_tmp / "vendor" / "Dockerfile", JOINABLE)
    write(in_tmp / "tests" / "data" / "Dockerfile", JOINABLE)
    result = invoke(["--check", "--select", "SF001", "--exclude", "vendor", "--exclude", "tests/*"])
    assert "1 file would be rewritten" in result.stdout
    write(in_tmp / ".slimfix.toml", 'exclude = ["vendor"]\n')
    result = invoke(["--check", "--select", "SF001", "--exclude", "tests"])
    assert "1 file would be rewritten" in result.stdout, "--exclude adds to the config's"


def test_named_files_are_processed_unless_force_exclude(in_tmp):
    path = write(in_tmp / "vendor" / "Dockerfile", JOINABLE)
    assert invoke(["--check", "--select", "SF001", "--exclude", "vendor", "vendor/Dockerfile"]).code == 1
    result = invoke(["--select", "SF001", "--exclude", "vendor", "--force-exclude", "vendor/Dockerfile"])
    assert result.code == 0
    assert path.read_text() == JOINABLE


def test_any_file_name_can_be_given(in_tmp):
    write(in_tmp / "build.docker", JOINABLE)
    assert invoke(["--check", "--select", "SF001", "build.docker"]).code == 1


def test_a_file_given_twice_is_processed_once(in_tmp):
    write(in_tmp / "Dockerfile", JOINABLE)
    result = invoke(["--check", "--select", "SF001", "Dockerfile", ".", "./Dockerfile"])
    assert result.stdout.count("SF001 [*]") == 1
