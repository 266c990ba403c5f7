"""The bot against a real bare repository on disk (--forge none: push the branch only)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from slimfix.config import Settings
from slimfix.fixer import fix_text

from .conftest import human, run_bot
from .gitrepos import NAIVE, Checkout, Remote, git

BRANCH = "slimfix/slim-dockerfiles"


def fixed(text: str, path: str = "Dockerfile") -> str:
    """What slimfix makes of ``text`` with default settings: the oracle for the branch's content."""
    result = fix_text(text, path, Settings())
    assert result.changed, "the test needs a Dockerfile slimfix changes"
    return result.output


def test_pushes_a_branch_with_the_fixed_files(remote: Remote, checkout: Checkout) -> None:
    before = checkout.snapshot()
    main = remote.commit_of("main")

    result = run_bot([str(checkout.path), "--forge", "none"])

    assert result.exit_code == 0, result.output
    assert remote.show(BRANCH, "Dockerfile") == fixed(NAIVE.format(package="curl"))
    assert remote.show(BRANCH, "services/api/Dockerfile") == fixed(NAIVE.format(package="python3"))
    assert remote.show(BRANCH, "Dockerfile").startswith(
        "FROM debian:bookworm\nRUN apt-get update \\\n    && apt-get install -y curl"
    )  # SF001 joined the two RUNs
    assert remote.show(BRANCH, "services/static/Dockerfile") == "FROM scratch\nCOPY site /site\n"
    assert remote.files(BRANCH) == remote.files("main")
    commits = remote.log(f"main..{BRANCH}")
    assert len(commits) == 1 and commits[0].endswith("Slim Dockerfiles with slimfix")
    assert git(remote.path, "rev-parse", f"{BRANCH}^") == main
    message = remote.message(BRANCH)
    assert "- Dockerfile: SF001 consecutive-run-instructions" in message
    assert "- services/api/Dockerfile: SF001" in message
    assert "services/static" not in message
    assert f"Slimfix-Tree: {git(remote.path, 'rev-parse', BRANCH + '^{tree}')}" in message
    assert (
        git(remote.path, "log", "-1", "--format=%an <%ae>", BRANCH) == "slimfix-bot <slimfix-bot@users.noreply.invalid>"
    )
    assert remote.commit_of("main") == main
    assert checkout.snapshot() == before  # the user's checkout is only read
    assert f"pushed {BRANCH}" in result.stdout


def test_running_again_with_nothing_new_does_nothing(remote: Remote, checkout: Checkout) -> None:
    run_bot([str(checkout.path), "--forge", "none"])
    branch = remote.commit_of(BRANCH)
    pushes = len(remote.push_log())

    again = run_bot([str(checkout.path), "--forge", "none"])

    assert again.exit_code == 0, again.output
    assert remote.commit_of(BRANCH) == branch
    assert len(remote.push_log()) == pushes  # not even an empty push
    assert "up to date" in again.stdout


def test_unrelated_commits_on_main_leave_the_branch_alone(remote: Remote, checkout: Checkout) -> None:
    run_bot([str(checkout.path), "--forge", "none"])
    branch = remote.commit_of(BRANCH)
    checkout.write("README.md", "widgets, documented\n").commit("docs", push_to="main")
    pushes = len(remote.push_log())

    again = run_bot([str(checkout.path), "--forge", "none"])

    assert again.exit_code == 0, again.output
    assert remote.commit_of(BRANCH) == branch
    assert len(remote.push_log()) == pushes


def test_a_new_naive_dockerfile_updates_the_same_branch(remote: Remote, checkout: Checkout) -> None:
    run_bot([str(checkout.path), "--forge", "none"])
    first = remote.commit_of(BRANCH)
    checkout.write("worker/Dockerfile", NAIVE.format(package="git")).commit("add worker", push_to="main")

    again = run_bot([str(checkout.path), "--forge", "none"])

    assert again.exit_code == 0, again.output
    assert remote.commit_of(BRANCH) != first
    assert [b for b in remote.heads() if b.startswith("slimfix/")] == [BRANCH]
    assert git(remote.path, "rev-parse", f"{BRANCH}^") == remote.commit_of("main")  # on the new main
    assert len(remote.log(f"main..{BRANCH}")) == 1
    assert remote.show(BRANCH, "worker/Dockerfile") == fixed(NAIVE.format(package="git"))
    assert remote.show(BRANCH, "Dockerfile") == fixed(NAIVE.format(package="curl"))
    assert f"updated {BRANCH}" in again.stdout


def test_never_pushes_over_a_human_commit_on_its_branch(remote: Remote, checkout: Checkout, tmp_path: Path) -> None:
    run_bot([str(checkout.path), "--forge", "none"])
    person = human(remote, tmp_path).switch(BRANCH)
    mine = person.write("NOTES.md", "reviewed\n").commit("review notes", push_to=BRANCH)
    checkout.write("worker/Dockerfile", NAIVE.format(package="git")).commit("add worker", push_to="main")
    pushes = len(remote.push_log())

    for _ in range(2):
        again = run_bot([str(checkout.path), "--forge", "none"])
        assert again.exit_code == 0, again.output
        assert remote.commit_of(BRANCH) == mine
        assert len(remote.push_log()) == pushes
        assert "review notes" in again.stderr
        assert "has commits slimfix did not make" in again.output


def test_a_human_amend_of_the_bot_commit_counts_as_human(remote: Remote, checkout: Checkout, tmp_path: Path) -> None:
    run_bot([str(checkout.path), "--forge", "none"])
    person = human(remote, tmp_path).switch(BRANCH)
    person.write("Dockerfile", "FROM debian:bookworm\nRUN apt-get update && apt-get install -y curl wget\n")
    git(person.path, "commit", "--quiet", "-a", "--amend", "--no-edit")  # keeps the bot's message and trailer
    git(person.path, "push", "--quiet", "--force", "origin", BRANCH)
    amended = remote.commit_of(BRANCH)
    checkout.write("worker/Dockerfile", NAIVE.format(package="git")).commit("add worker", push_to="main")

    again = run_bot([str(checkout.path), "--forge", "none"])

    assert again.exit_code == 0, again.output
    assert remote.commit_of(BRANCH) == amended


def test_deletes_its_branch_when_main_no_longer_needs_it(remote: Remote, checkout: Checkout) -> None:
    run_bot([str(checkout.path), "--forge", "none"])
    for path in ("Dockerfile", "services/api/Dockerfile"):  # someone applies the fixes on main
        checkout.write(path, remote.show(BRANCH, path))
    checkout.commit("slim by hand", push_to="main")

    again = run_bot([str(checkout.path), "--forge", "none"])

    assert again.exit_code == 0, again.output
    assert BRANCH not in remote.heads()
    assert f"deleted {BRANCH}" in again.stdout
    third = run_bot([str(checkout.path), "--forge", "none"])
    assert "nothing to fix" in third.stdout


def test_uses_the_repository_configuration(remote: Remote, checkout: Checkout) -> None:
    checkout.write(".slimfix.toml", 'exclude = ["services/*"]\n').commit("config", push_to="main")

    result = run_bot([str(checkout.path), "--forge", "none"])

    assert result.exit_code == 0, result.output
    assert remote.show(BRANCH, "Dockerfile") == fixed(NAIVE.format(package="curl"))
    assert remote.show(BRANCH, "services/api/Dockerfile") == NAIVE.format(package="python3")


def test_dry_run_prints_the_plan_and_the_diff_and_pushes_nothing(remote: Remote, checkout: Checkout) -> None:
    pushes = len(remote.push_log())

    result = run_bot([str(checkout.path), "--forge", "none", "--dry-run"])

    assert result.exit_code == 0, result.output
    assert len(remote.push_log()) == pushes and BRANCH not in remote.heads()
    assert f"would push {BRANCH}" in result.stdout
    assert "--- a/Dockerfile\n+++ b/Dockerfile\n" in result.stdout
    assert "+    && apt-get install -y curl" in result.stdout
    assert "--- a/services/api/Dockerfile" in result.stdout


def test_dry_run_on_an_existing_branch_says_it_would_update(remote: Remote, checkout: Checkout) -> None:
    run_bot([str(checkout.path), "--forge", "none"])
    branch = remote.commit_of(BRANCH)
    checkout.write("worker/Dockerfile", NAIVE.format(package="git")).commit("add worker", push_to="main")
    pushes = len(remote.push_log())

    result = run_bot([str(checkout.path), "--forge", "none", "--dry-run"])

    assert result.exit_code == 0, result.output
    assert f"would update {BRANCH}" in result.stdout
    assert "--- a/worker/Dockerfile" in result.stdout
    assert remote.commit_of(BRANCH) == branch and len(remote.push_log()) == pushes


def test_clones_a_repository_url_and_leaves_no_temporary_files(
    remote: Remote, checkout: Checkout, tmp_path: Path, monkeypatch
) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))

    result = run_bot([f"file://{remote.path}", "--forge", "none"])

    assert result.exit_code == 0, result.output
    assert remote.show(BRANCH, "Dockerfile") == fixed(NAIVE.format(package="curl"))
    assert [p.name for p in scratch.iterdir() if p.name.startswith("slimfix")] == []  # workspace, askpass helper


def test_custom_branch_and_target(remote: Remote, checkout: Checkout) -> None:
    checkout.write("Dockerfile.dev", NAIVE.format(package="vim")).commit("dev image", push_to="develop")

    result = run_bot([str(checkout.path), "--forge", "none", "--branch", "bot/slim", "--base", "develop"])

    assert result.exit_code == 0, result.output
    assert git(remote.path, "rev-parse", "bot/slim^") == remote.commit_of("develop")
    assert remote.show("bot/slim", "Dockerfile.dev") == fixed(NAIVE.format(package="vim"), "Dockerfile.dev")
    assert BRANCH not in remote.heads()


def test_a_repository_with_nothing_to_fix(remote: Remote, tmp_path: Path) -> None:
    work = Checkout(remote, tmp_path / "clean")
    work.write("Dockerfile", "FROM scratch\nCOPY app /app\n").commit("clean", push_to="main")

    result = run_bot([str(work.path), "--forge", "none"])

    assert result.exit_code == 0, result.output
    assert "nothing to fix" in result.stdout
    assert remote.push_log() == [[f"update refs/heads/main {'0' * 40} {remote.commit_of('main')}"]]


def test_a_checkout_whose_remote_is_a_relative_path(remote: Remote, checkout: Checkout) -> None:
    relative = os.path.relpath(remote.path, checkout.path)
    git(checkout.path, "remote", "set-url", "origin", relative)
    result = run_bot([str(checkout.path), "--forge", "none"])
    assert result.exit_code == 0, result.output
    assert remote.show(BRANCH, "Dockerfile") == fixed(NAIVE.format(package="curl"))
