"""The bot against a GitHub API double: pull requests opened, updated, closed, commented on."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator, List

import pytest

pytest.importorskip("githubkit", reason="GitHub support needs the bot extra (githubkit)")

from .conftest import human, run_bot  # noqa: E402
from .contracts import githubkit_problems  # noqa: E402
from .forge_double import GitHubDouble  # noqa: E402
from .gitrepos import NAIVE, Checkout, Remote  # noqa: E402

BRANCH = "slimfix/slim-dockerfiles"
TOKEN = "ghp_test0123456789abcdefTOKEN"


@pytest.fixture
def github(remote: Remote) -> Iterator[GitHubDouble]:
    double = GitHubDouble(TOKEN, remote).start()
    try:
        yield double
    finally:
        double.stop()
    problems = [p for record in double.log for p in githubkit_problems(record)]
    assert problems == [], "requests or answers outside the GitHub API description:\n" + "\n".join(problems)


def bot(checkout: Checkout, github: GitHubDouble, *extra: str, token: str = TOKEN):
    args = [str(checkout.path), "--forge", "github", "--api-url", github.url, "--project", "acme/widgets", "-v", *extra]
    result = run_bot(args, env={"GITHUB_TOKEN": token})
    assert token not in result.output  # --verbose logs every call, credentials redacted
    return result


def test_opens_a_pull_request_with_the_fixes(remote: Remote, checkout: Checkout, github: GitHubDouble) -> None:
    result = bot(checkout, github)

    assert result.exit_code == 0, result.output
    assert remote.commit_of(BRANCH)
    (pull,) = github.items
    assert (pull["head"]["ref"], pull["base"]["ref"], pull["state"]) == (BRANCH, "main", "open")
    assert pull["title"] == "Slim Dockerfiles with slimfix"
    body = pull["body"]
    assert "| `Dockerfile` | SF001" in body and "| `services/api/Dockerfile` | SF001" in body
    assert "services/static" not in body
    assert "**SF001** consecutive-run-instructions: RUN follows the RUN on line 2" in body
    assert "Consecutive RUN instructions can be one layer." in body  # the rule's summary
    assert "> Every `RUN` makes a layer." in body  # an excerpt of its documentation
    assert "| **Total** |" in body and "estimated savings" in body
    assert f"opened pull request #{pull['number']}: {pull['html_url']}" in result.stdout
    creates = [r for r in github.writes() if r.route == "/repos/{owner}/{repo}/pulls"]
    assert len(creates) == 1 and creates[0].body["head"] == BRANCH


def test_running_again_sends_no_write(remote: Remote, checkout: Checkout, github: GitHubDouble) -> None:
    bot(checkout, github)
    writes = len(github.writes())

    again = bot(checkout, github)

    assert again.exit_code == 0, again.output
    assert len(github.writes()) == writes
    assert len(github.items) == 1


def test_new_fixes_update_the_same_pull_request(remote: Remote, checkout: Checkout, github: GitHubDouble) -> None:
    bot(checkout, github)
    checkout.write("worker/Dockerfile", NAIVE.format(package="git")).commit("add worker", push_to="main")

    again = bot(checkout, github)

    assert again.exit_code == 0, again.output
    (pull,) = github.items
    assert "`worker/Dockerfile`" in pull["body"] and pull["state"] == "open"
    last = github.writes()[-1]
    assert (last.method, last.route) == ("PATCH", "/repos/{owner}/{repo}/pulls/{pull_number}")
    assert f"updated pull request #{pull['number']}" in again.stdout


def test_a_human_commit_gets_one_comment_not_a_push(
    remote: Remote, checkout: Checkout, github: GitHubDouble, tmp_path: Path
) -> None:
    bot(checkout, github)
    mine = human(remote, tmp_path).switch(BRANCH).write("NOTES.md", "hi\n").commit("notes", push_to=BRANCH)
    checkout.write("worker/Dockerfile", NAIVE.format(package="git")).commit("add worker", push_to="main")

    for _ in range(2):
        again = bot(checkout, github)
        assert again.exit_code == 0, again.output
        assert remote.commit_of(BRANCH) == mine

    (pull,) = github.items
    (comment,) = github.notes[pull["number"]]
    assert "commits slimfix did not make" in comment["body"] and "`worker/Dockerfile`" in comment["body"]


def test_closes_and_deletes_when_main_no_longer_needs_it(
    remote: Remote, checkout: Checkout, github: GitHubDouble
) -> None:
    bot(checkout, github)
    for path in ("Dockerfile", "services/api/Dockerfile"):
        checkout.write(path, remote.show(BRANCH, path))
    checkout.commit("slim by hand", push_to="main")

    again = bot(checkout, github)

    assert again.exit_code == 0, again.output
    (pull,) = github.items
    assert pull["state"] == "closed"
    assert "no longer needs these changes" in github.notes[pull["number"]][0]["body"]
    assert BRANCH not in remote.heads()


def test_a_merged_pull_request_only_loses_its_branch(remote: Remote, checkout: Checkout, github: GitHubDouble) -> None:
    bot(checkout, github)
    for path in ("Dockerfile", "services/api/Dockerfile"):  # merging, as far as main's files go
        checkout.write(path, remote.show(BRANCH, path))
    checkout.commit("merge", push_to="main")
    github.close_by_hand(1, merged=True)
    writes = len(github.writes())

    again = bot(checkout, github)

    assert again.exit_code == 0, again.output
    assert BRANCH not in remote.heads()
    assert len(github.writes()) == writes and github.notes[1] == []


def test_a_pull_request_closed_by_hand_is_not_proposed_again(
    remote: Remote, checkout: Checkout, github: GitHubDouble
) -> None:
    bot(checkout, github)
    github.close_by_hand(1)
    writes = len(github.writes())

    again = bot(checkout, github)

    assert again.exit_code == 0, again.output
    assert len(github.items) == 1 and len(github.writes()) == writes
    assert BRANCH not in remote.heads()  # its branch goes too
    assert bot(checkout, github).exit_code == 0 and len(github.writes()) == writes
    checkout.write("worker/Dockerfile", NAIVE.format(package="git")).commit("add worker", push_to="main")
    third = bot(checkout, github)
    assert third.exit_code == 0, third.output
    assert [p["state"] for p in github.items] == ["closed", "open"]  # new changes: a new proposal


def test_a_refused_pull_request_takes_its_branch_back(remote: Remote, checkout: Checkout, github: GitHubDouble) -> None:
    github.fail(
        "POST",
        "/repos/{owner}/{repo}/pulls",
        403,
        {"message": "GitHub Actions is not permitted to create or approve pull requests."},
    )

    result = bot(checkout, github)

    assert result.exit_code == 2
    assert "no permission on acme/widgets while opening the pull request" in result.stderr
    assert "not permitted to create or approve pull requests" in result.stderr
    assert "was deleted again" in result.stderr
    assert BRANCH not in remote.heads()


def test_rate_limit_is_reported_before_anything_is_pushed(
    remote: Remote, checkout: Checkout, github: GitHubDouble
) -> None:
    github.fail(
        "GET",
        "/repos/{owner}/{repo}",
        403,
        {"message": "API rate limit exceeded for installation."},
        {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "4102444800"},
    )

    result = bot(checkout, github)

    assert result.exit_code == 2
    assert "GitHub API rate limit exceeded while reading the repository" in result.stderr
    assert BRANCH not in remote.heads()


def test_a_secondary_rate_limit_is_waited_out(
    remote: Remote, checkout: Checkout, github: GitHubDouble, waits: List[float]
) -> None:
    github.fail(
        "POST",
        "/repos/{owner}/{repo}/pulls",
        403,
        {"message": "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."},
        {"retry-after": "7"},
    )

    result = bot(checkout, github)

    assert result.exit_code == 0, result.output
    assert waits == [7.0]
    assert [r.status for r in github.log if r.method == "POST"] == [403, 201]
    assert len(github.items) == 1 and remote.commit_of(BRANCH)


def test_a_secondary_rate_limit_without_retry_after_waits_a_minute(
    remote: Remote, checkout: Checkout, github: GitHubDouble, waits: List[float]
) -> None:
    github.fail(
        "GET",
        "/repos/{owner}/{repo}/pulls",
        403,
        {"message": "You have exceeded a secondary rate limit and have been temporarily blocked from content creation."},
        times=2,
    )

    result = bot(checkout, github)

    assert result.exit_code == 0, result.output
    assert waits == [60.0, 60.0] and len(github.items) == 1


def test_a_bad_token_is_reported(remote: Remote, checkout: Checkout, github: GitHubDouble) -> None:
    result = bot(checkout, github, token="ghp_wrong0123456789")
    assert result.exit_code == 2
    assert "GitHub rejected the token" in result.stderr and "ghp_wrong0123456789" not in result.output
    assert BRANCH not in remote.heads()


def test_an_unreachable_api_is_reported(remote: Remote, checkout: Checkout, github: GitHubDouble) -> None:
    args = [str(checkout.path), "--forge", "github", "--api-url", "http://127.0.0.1:9", "--project", "acme/widgets"]
    result = run_bot(args, env={"GITHUB_TOKEN": TOKEN})
    assert result.exit_code == 2
    assert "cannot reach the GitHub API at http://127.0.0.1:9" in result.stderr
    assert BRANCH not in remote.heads()


def test_no_token_no_pull_request(remote: Remote, checkout: Checkout) -> None:
    result = run_bot(
        [str(checkout.path), "--forge", "github", "--api-url", "http://127.0.0.1:9", "--project", "acme/widgets"]
    )
    assert result.exit_code == 2
    assert "set GITHUB_TOKEN" in result.stderr
    assert BRANCH not in remote.heads()


def test_dry_run_reads_but_writes_nothing(remote: Remote, checkout: Checkout, github: GitHubDouble) -> None:
    pushes = len(remote.push_log())
    result = bot(checkout, github, "--dry-run")
    assert result.exit_code == 0, result.output
    assert github.writes() == [] and len(remote.push_log()) == pushes
    assert "would push slimfix/slim-dockerfiles and open a pull request" in result.stdout
    assert "--- pull request title: Slim Dockerfiles with slimfix" in result.stdout
    assert "| `Dockerfile` | SF001" in result.stdout


def test_no_longer_needed_but_a_human_committed_comments_and_keeps_everything(
    remote: Remote, checkout: Checkout, github: GitHubDouble, tmp_path: Path
) -> None:
    bot(checkout, github)
    mine = human(remote, tmp_path).switch(BRANCH).write("NOTES.md", "hi\n").commit("notes", push_to=BRANCH)
    for path in ("Dockerfile", "services/api/Dockerfile"):
        checkout.write(path, remote.show(BRANCH, path))
    checkout.commit("slim by hand", push_to="main")

    for _ in range(2):
        assert bot(checkout, github).exit_code == 0

    (pull,) = github.items
    assert pull["state"] == "open" and remote.commit_of(BRANCH) == mine
    (comment,) = github.notes[pull["number"]]
    assert "leaves this pull request and its branch alone" in comment["body"]
