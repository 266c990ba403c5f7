"""slimfix.paths.RealPaths answers as os.path.realpath, symlinks and '..' included."""

from __future__ import annotations

import os

from slimfix.paths import RealPaths


def test_agrees_with_realpath(tmp_path, monkeypatch):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "Dockerfile").write_text("FROM x\n")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "Dockerfile").write_text("FROM y\n")
    os.symlink(tmp_path / "a", tmp_path / "link-a")
    os.symlink(tmp_path / "elsewhere" / "Dockerfile", tmp_path / "a" / "Dockerfile.link")
    os.symlink(tmp_path / "a" / "b", tmp_path / "elsewhere" / "to-b")
    monkeypatch.chdir(tmp_path)
    real = RealPaths()
    paths = ["a/b/Dockerfile", "link-a/b/Dockerfile", "a/Dockerfile.link", "link-a/Dockerfile.link",
             "elsewhere/to-b/Dockerfile", "elsewhere/to-b/../Dockerfile", "./a/./b/Dockerfile", "missing/Dockerfile",
             str(tmp_path / "link-a" / "b" / "Dockerfile")]
    for _ in range(2):  # the second time from what it remembers
        for path in paths:
            assert real.path(path) == os.path.realpath(path), path
        for folder in ("a", "link-a", "link-a/b", "elsewhere/to-b", "elsewhere/to-b/..", ".", "/"):
            assert real.folder(folder) == os.path.realpath(folder), folder
