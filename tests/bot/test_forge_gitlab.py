"""The bot against a GitLab API double: merge requests opened, updated, closed, commented on."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator, List

import pytest

pytest.importorskip("gitlab", reason="GitLab support needs the bot extra (python-gitlab)")

from .conftest import human, run_bot  # noqa: E402
from .contracts import gitlab_problems  # noqa: E402
from .forge_double import GitLabDouble  # noqa: E402
from .gitrepos import NAIVE, Checkout, Remote  # noqa: E402

BRANCH = "slimfix/slim-dockerfiles"
TOKEN = "glpat-test0123456789TOKEN"


@pytest.fixture
def gitlab(remote: Remote) -> Iterator[GitLabDouble]:
    double = GitLabDouble(TOKEN, remote).start()
    try:
        yield double
    finally:
        double.stop()
    problems = [p for record in double.log for p in gitlab_problems(record)]
    assert problems == [], "requests or answers outside the documented GitLab API:\n" + "\n".join(problems)


def bot(checkout: Checkout, gitlab: GitLabDouble, *extra: str, token: str = TOKEN):
    args = [str(checkout.path), "--forge", "gitlab", "--api-url", gitlab.url, "--project", "acme/widgets", "-v", *extra]
    result = run_bot(args, env={"GITLAB_TOKEN": token})
    assert token not in result.output  # --verbose logs every call, credentials redacted
    return result


def test_opens_a_merge_request_with_the_fixes(remote: Remote, checkout: Checkout, gitlab: GitLabDouble) -> None:
    result = bot(checkout, gitlab)

    assert result.exit_code == 0, result.output
    (mr,) = gitlab.items
    assert (mr["source_branch"], mr["target_branch"], mr["state"]) == (BRANCH, "main", "opened")
    assert mr["force_remove_source_branch"] is True
    assert (
        "| `Dockerfile` | SF001" in mr["description"] and "**SF001** consecutive-run-instructions" in mr["description"]
    )
    assert f"opened merge request #1: {mr['web_url']}" in result.stdout
    assert remote.commit_of(BRANCH)
    assert remote.push_options()[-1] == []  # the API, not push options, when there is a token


def test_running_again_sends_no_write(remote: Remote, checkout: Checkout, gitlab: GitLabDouble) -> None:
    bot(checkout, gitlab)
    writes = len(gitlab.writes())
    again = bot(checkout, gitlab)
    assert again.exit_code == 0, again.output
    assert len(gitlab.writes()) == writes and len(gitlab.items) == 1


def test_new_fixes_update_the_same_merge_request(remote: Remote, checkout: Checkout, gitlab: GitLabDouble) -> None:
    bot(checkout, gitlab)
    checkout.write("worker/Dockerfile", NAIVE.format(package="git")).commit("add worker", push_to="main")

    again = bot(checkout, gitlab)

    assert again.exit_code == 0, again.output
    (mr,) = gitlab.items
    assert "`worker/Dockerfile`" in mr["description"]
    last = gitlab.writes()[-1]
    assert (last.method, last.route) == ("PUT", "/projects/{id}/merge_requests/{merge_request_iid}")
    assert set(last.body) <= {"title", "description"}


def test_a_human_commit_gets_one_note_not_a_push(
    remote: Remote, checkout: Checkout, gitlab: GitLabDouble, tmp_path: Path
) -> None:
    bot(checkout, gitlab)
    mine = human(remote, tmp_path).switch(BRANCH).write("NOTES.md", "hi\n").commit("notes", push_to=BRANCH)
    checkout.write("worker/Dockerfile", NAIVE.format(package="git")).commit("add worker", push_to="main")

    for _ in range(2):
        assert bot(checkout, gitlab).exit_code == 0
        assert remote.commit_of(BRANCH) == mine

    (note,) = gitlab.notes[1]
    assert "commits slimfix did not make" in note["body"]


def test_closes_and_deletes_when_main_no_longer_needs_it(
    remote: Remote, checkout: Checkout, gitlab: GitLabDouble
) -> None:
    bot(checkout, gitlab)
    for path in ("Dockerfile", "services/api/Dockerfile"):
        checkout.write(path, remote.show(BRANCH, path))
    checkout.commit("slim by hand", push_to="main")

    again = bot(checkout, gitlab)

    assert again.exit_code == 0, again.output
    (mr,) = gitlab.items
    assert mr["state"] == "closed"
    assert "no longer needs these changes" in gitlab.notes[1][0]["body"]
    assert BRANCH not in remote.heads()


def test_an_existing_branch_without_merge_request_gets_one(
    remote: Remote, checkout: Checkout, gitlab: GitLabDouble
) -> None:
    run_bot([str(checkout.path), "--forge", "none"])  # e.g. an earlier run whose API call failed
    branch = remote.commit_of(BRANCH)

    result = bot(checkout, gitlab)

    assert result.exit_code == 0, result.output
    assert remote.commit_of(BRANCH) == branch
    assert [m["state"] for m in gitlab.items] == ["opened"]


def test_a_refused_merge_request_takes_its_branch_back(
    remote: Remote, checkout: Checkout, gitlab: GitLabDouble
) -> None:
    gitlab.fail("POST", "/projects/{id}/merge_requests", 403, {"message": "403 Forbidden"})

    result = bot(checkout, gitlab)

    assert result.exit_code == 2
    assert "no permission on acme/widgets while opening the merge request" in result.stderr
    assert "was deleted again" in result.stderr
    assert BRANCH not in remote.heads()


def test_a_rate_limit_is_waited_out_as_retry_after_asks(
    remote: Remote, checkout: Checkout, gitlab: GitLabDouble, waits: List[float]
) -> None:
    gitlab.fail("GET", "/projects/{id}", 429, {"message": "Retry later"}, {"Retry-After": "30"}, times=2)

    result = bot(checkout, gitlab)

    assert result.exit_code == 0, result.output
    assert waits == [30.0, 30.0]
    assert [r.status for r in gitlab.log if r.route == "/projects/{id}"] == [429, 429, 200]
    assert len(gitlab.items) == 1


def test_rate_limit_is_reported_before_anything_is_pushed(
    remote: Remote, checkout: Checkout, gitlab: GitLabDouble, waits: List[float]
) -> None:
    gitlab.fail("GET", "/projects/{id}", 429, {"message": "Retry later"}, times=10)  # no Retry-After: backoff

    result = bot(checkout, gitlab)

    assert result.exit_code == 2
    assert "GitLab API rate limit exceeded while reading the project" in result.stderr
    assert waits == [1.0, 2.0, 4.0, 8.0]  # five tries in all
    assert BRANCH not in remote.heads()


def test_a_long_reset_is_reported_without_waiting(
    remote: Remote, checkout: Checkout, gitlab: GitLabDouble, waits: List[float]
) -> None:
    gitlab.fail("GET", "/projects/{id}", 429, {"message": "Retry later"}, {"Retry-After": "3600"})

    result = bot(checkout, gitlab)

    assert result.exit_code == 2 and waits == []
    assert "GitLab API rate limit exceeded" in result.stderr


def test_a_bad_token_is_reported(remote: Remote, checkout: Checkout, gitlab: GitLabDouble) -> None:
    result = bot(checkout, gitlab, token="glpat-wrong0123456789")
    assert result.exit_code == 2
    assert "GitLab rejected the token" in result.stderr and "glpat-wrong0123456789" not in result.output
    assert BRANCH not in remote.heads()


def test_an_unknown_project_is_reported(remote: Remote, checkout: Checkout, gitlab: GitLabDouble) -> None:
    args = [str(checkout.path), "--forge", "gitlab", "--api-url", gitlab.url, "--project", "acme/gadgets"]
    result = run_bot(args, env={"GITLAB_TOKEN": TOKEN})
    assert result.exit_code == 2
    assert "GitLab has no project acme/gadgets" in result.stderr


def test_an_unreachable_api_is_reported(remote: Remote, checkout: Checkout) -> None:
    args = [str(checkout.path), "--forge", "gitlab", "--api-url", "http://127.0.0.1:9", "--project", "acme/widgets"]
    result = run_bot(args, env={"GITLAB_TOKEN": TOKEN})
    assert result.exit_code == 2
    assert "cannot reach the GitLab API at http://127.0.0.1:9" in result.stderr
    assert BRANCH not in remote.heads()
