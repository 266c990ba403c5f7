"""Failures give one clear message, exit status 2, and leave nothing half-done."""

from __future__ import annotations

from pathlib import Path

import pytest

from slimfix.bot import workspace

from .conftest import human, run_bot
from .gitrepos import NAIVE, Checkout, Remote

BRANCH = "slimfix/slim-dockerfiles"


@pytest.mark.parametrize(
    "refusal, meaning",
    [
        ("GitLab: You are not allowed to push code to protected branches on this project.", "protected"),
        ("error: GH006: Protected branch update failed for refs/heads/slimfix/slim-dockerfiles.", "protected"),
        ("Permission to acme/widgets.git denied to bot.", "permission denied"),
    ],
)
def test_a_refused_push_is_reported(remote: Remote, checkout: Checkout, refusal: str, meaning: str) -> None:
    remote.refuse_pushes(refusal)

    result = run_bot([str(checkout.path), "--forge", "none"])

    assert result.exit_code == 2
    assert meaning in result.stderr
    assert refusal in result.stderr  # the remote's own words
    assert BRANCH not in remote.heads()


def test_the_branch_changing_during_the_run_is_not_overwritten(
    remote: Remote, checkout: Checkout, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_bot([str(checkout.path), "--forge", "none"])
    checkout.write("worker/Dockerfile", NAIVE.format(package="git")).commit("add worker", push_to="main")
    person = human(remote, tmp_path).switch(BRANCH)
    fetch = workspace.Workspace.fetch
    pushed = []

    def fetch_then_someone_pushes(self, branches):
        fetch(self, branches)
        pushed.append(person.write("NOTES.md", "mine\n").commit("late review", push_to=BRANCH))

    monkeypatch.setattr(workspace.Workspace, "fetch", fetch_then_someone_pushes)

    result = run_bot([str(checkout.path), "--forge", "none"])

    assert result.exit_code == 2
    assert "changed on the remote while slimfix was working" in result.stderr
    assert remote.commit_of(BRANCH) == pushed[0]


def test_not_a_checkout(tmp_path: Path) -> None:
    folder = tmp_path / "plain"
    folder.mkdir()
    result = run_bot([str(folder), "--forge", "none"])
    assert result.exit_code == 2
    assert "is not a git checkout" in result.stderr


def test_a_checkout_without_that_remote(checkout: Checkout) -> None:
    result = run_bot([str(checkout.path), "--forge", "none", "--remote", "upstream"])
    assert result.exit_code == 2
    assert "no remote named 'upstream'" in result.stderr


def test_neither_folder_nor_url(tmp_path: Path) -> None:
    result = run_bot([str(tmp_path / "missing"), "--forge", "none"])
    assert result.exit_code == 2
    assert "neither a folder nor a clone URL" in result.stderr


def test_an_unreachable_remote(tmp_path: Path) -> None:
    result = run_bot(["http://127.0.0.1:9/acme/widgets.git", "--forge", "none"])
    assert result.exit_code == 2
    assert "network failure" in result.stderr


def test_a_missing_repository(tmp_path: Path) -> None:
    result = run_bot([f"file://{tmp_path}/nowhere.git", "--forge", "none"])
    assert result.exit_code == 2
    assert "repository not found" in result.stderr or "does not appear" in result.stderr


def test_a_missing_target_branch(remote: Remote, checkout: Checkout) -> None:
    result = run_bot([str(checkout.path), "--forge", "none", "--base", "release"])
    assert result.exit_code == 2
    assert "no branch 'release'" in result.stderr


def test_bot_branch_same_as_target(remote: Remote, checkout: Checkout) -> None:
    result = run_bot([str(checkout.path), "--forge", "none", "--branch", "main"])
    assert result.exit_code == 2
    assert "pick another --branch" in result.stderr
    assert len(remote.push_log()) == 1  # the setup's push only


def test_a_bad_author(checkout: Checkout) -> None:
    result = run_bot([str(checkout.path), "--forge", "none", "--author", "nobody"])
    assert result.exit_code == 2
    assert "Name <email>" in result.stderr


def test_a_broken_repository_configuration(remote: Remote, checkout: Checkout) -> None:
    checkout.write(".slimfix.toml", "exclude = [\n").commit("broken config", push_to="main")
    result = run_bot([str(checkout.path), "--forge", "none"])
    assert result.exit_code == 2
    assert "configuration is invalid" in result.stderr
    assert BRANCH not in remote.heads()


def test_a_dockerfile_slimfix_cannot_read_is_left_and_listed(remote: Remote, checkout: Checkout) -> None:
    checkout.write("broken/Dockerfile", "FROM debian\nRUN <<EOF\nnever closed\n").commit("broken", push_to="main")
    result = run_bot([str(checkout.path), "--forge", "none"])
    assert result.exit_code == 0, result.output
    assert remote.show(BRANCH, "broken/Dockerfile") == "FROM debian\nRUN <<EOF\nnever closed\n"
    assert "not changed: broken/Dockerfile" in result.stderr
