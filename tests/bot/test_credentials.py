"""Tokens are used, and never printed, logged, passed in a command line, or
written to a git config, a credential store or a remote URL on disk."""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Dict, Iterator, List

import pytest

from .forge_double import GitHubDouble
from .git_http import GitHTTPServer
from .gitrepos import NAIVE, Checkout, Remote, git

BRANCH = "slimfix/slim-dockerfiles"
TOKEN = "ghs_Secret0123456789abcdefXYZ"
JOB_TOKEN = "glcbt-JobSecret0123456789xyz"


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple]:
    """A remote reachable only over authenticated HTTP, and a checkout of it."""
    root = tmp_path / "served"
    remote = Remote(root / "acme" / "widgets.git")
    setup = Checkout(remote, tmp_path / "setup")
    setup.write("Dockerfile", NAIVE.format(package="curl")).commit("initial", push_to="main")
    yield root, remote


def spy_path(tmp_path: Path) -> Dict[str, str]:
    """A PATH whose first git records its command line, then runs the real git."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    real = shutil.which("git")
    shim = bin_dir / "git"
    shim.write_text(f'#!/bin/sh\nprintf "%s\\n" "$*" >> "{tmp_path}/argv.log"\nexec "{real}" "$@"\n')
    shim.chmod(0o755)
    return {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}


def run_cli(args: List[str], env: Dict[str, str], scratch: Path) -> subprocess.CompletedProcess:
    """The real command in a child process: everything it prints is captured."""
    full = dict(os.environ, **env, TMPDIR=str(scratch))
    return subprocess.run(
        [sys.executable, "-m", "slimfix", "bot", *args], env=full, capture_output=True, text=True, timeout=300
    )


def files_containing(folder: Path, secrets: List[str]) -> List[str]:
    found = []
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            data = path.read_bytes()
            if any(s.encode() in data for s in secrets):
                found.append(str(path))
    return found


def secret_forms(token: str, username: str) -> List[str]:
    return [token, base64.b64encode(f"{username}:{token}".encode()).decode()]


def test_github_token_is_used_but_never_shown_or_stored(served, tmp_path: Path, isolated_git: Path) -> None:
    pytest.importorskip("githubkit", reason="GitHub support needs the bot extra (githubkit)")
    root, remote = served
    git(isolated_git, "config", "--global", "credential.helper", "store")  # would persist any credential git is given
    server = GitHTTPServer(root, "x-access-token", TOKEN).start()
    api = GitHubDouble(TOKEN, remote).start()
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    try:
        work = tmp_path / "work"
        git(tmp_path, "clone", "--quiet", str(remote.path), "work")
        git(work, "remote", "set-url", "origin", server.url("acme/widgets.git"))
        config_before = (work / ".git" / "config").read_text()
        env = {"GITHUB_TOKEN": TOKEN, **spy_path(tmp_path)}
        args = [str(work), "--forge", "github", "--api-url", api.url, "--project", "acme/widgets", "--verbose"]

        first = run_cli(args, env, scratch)
        Checkout(remote, tmp_path / "dev").write("worker/Dockerfile", NAIVE.format(package="git")).commit(
            "worker", push_to="main"
        )
        second = run_cli(args, env, scratch)  # fetch, push with a lease, update the pull request
        dry = run_cli(args + ["--dry-run"], env, scratch)
    finally:
        server.stop()
        api.stop()

    for result in (first, second, dry):
        assert result.returncode == 0, result.stderr
    # the token was really used: by git over HTTP and by the API calls
    assert any(line.startswith("POST") and "git-receive-pack" in line for line in server.authenticated)
    assert all(r.headers.get("authorization") in (f"token {TOKEN}", f"Bearer {TOKEN}") for r in api.log)
    assert remote.commit_of(BRANCH) and api.items[0]["state"] == "open"
    assert "git push" in first.stderr or "push --porcelain" in first.stderr  # --verbose logs each git command

    secrets = secret_forms(TOKEN, "x-access-token")
    printed = "".join(r.stdout + r.stderr for r in (first, second, dry))
    assert not any(s in printed for s in secrets)
    assert not any(s in (tmp_path / "argv.log").read_text() for s in secrets)  # never on a command line
    assert (work / ".git" / "config").read_text() == config_before
    assert TOKEN not in git(work, "remote", "-v")
    assert files_containing(work, secrets) == []
    assert files_containing(isolated_git, secrets) == []  # no ~/.git-credentials, no global config
    assert not (isolated_git / ".git-credentials").exists()
    assert files_containing(root, secrets) == []
    assert list(scratch.glob("slimfix*")) == []  # the workspace and the askpass helper are gone


def test_gitlab_ci_job_token_from_the_checkout_url_is_never_shown(served, tmp_path: Path, isolated_git: Path) -> None:
    """As in GitLab CI: the clone URL holds the job token; the bot pushes with push options."""
    root, remote = served
    server = GitHTTPServer(root, "gitlab-ci-token", JOB_TOKEN).start()
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    try:
        work = tmp_path / "work"
        git(tmp_path, "clone", "--quiet", str(remote.path), "work")
        git(work, "remote", "set-url", "origin", server.url("acme/widgets.git", f"gitlab-ci-token:{JOB_TOKEN}"))
        config_before = (work / ".git" / "config").read_text()
        env = {"CI_JOB_TOKEN": JOB_TOKEN, "GITLAB_CI": "true", **spy_path(tmp_path)}
        result = run_cli([str(work), "--forge", "gitlab", "--verbose"], env, scratch)
    finally:
        server.stop()

    assert result.returncode == 0, result.stderr
    assert remote.commit_of(BRANCH)
    assert "merge_request.create" in remote.push_options()[-1]
    assert any("git-receive-pack" in line for line in server.authenticated)
    secrets = secret_forms(JOB_TOKEN, "gitlab-ci-token")
    assert not any(s in result.stdout + result.stderr for s in secrets)
    assert not any(s in (tmp_path / "argv.log").read_text() for s in secrets)
    assert (work / ".git" / "config").read_text() == config_before  # CI's own file, untouched
    assert files_containing(isolated_git, secrets) == [] and files_containing(root, secrets) == []
    assert list(scratch.glob("slimfix*")) == []


def test_a_wrong_token_fails_cleanly_without_showing_it(served, tmp_path: Path) -> None:
    pytest.importorskip("githubkit", reason="GitHub support needs the bot extra (githubkit)")
    root, remote = served
    server = GitHTTPServer(root, "x-access-token", TOKEN).start()
    api = GitHubDouble("another-token-entirely", remote).start()
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    try:
        url = server.url("acme/widgets.git")
        args = [url, "--forge", "github", "--api-url", api.url, "--project", "acme/widgets", "--verbose"]
        result = run_cli(args, {"GITHUB_TOKEN": "ghs_Wrong0123456789abcdef"}, scratch)
    finally:
        server.stop()
        api.stop()
    assert result.returncode == 2
    assert "ghs_Wrong0123456789abcdef" not in result.stdout + result.stderr
    assert "GitHub rejected the token" in result.stderr or "authentication failed" in result.stderr
    assert BRANCH not in remote.heads()
