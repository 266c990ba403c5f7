"""GitLab without an API token: the merge request comes from git push options."""

from __future__ import annotations

from .conftest import run_bot
from .gitrepos import NAIVE, Checkout, Remote, git

BRANCH = "slimfix/slim-dockerfiles"


def test_first_push_creates_the_merge_request_later_pushes_update_it(remote: Remote, checkout: Checkout) -> None:
    result = run_bot([str(checkout.path), "--forge", "gitlab"])

    assert result.exit_code == 0, result.output
    options = remote.push_options()[-1]
    assert options[:2] == ["merge_request.create", "merge_request.remove_source_branch"]
    assert "merge_request.target=main" in options
    assert "merge_request.title=Slim Dockerfiles with slimfix" in options
    (description,) = [o for o in options if o.startswith("merge_request.description=")]
    assert "\n" not in description
    assert "`Dockerfile`: SF001 consecutive-run-instructions" in description
    assert "`services/api/Dockerfile`: SF001" in description
    assert "<!-- slimfix-bot:digest:" in description

    checkout.write("worker/Dockerfile", NAIVE.format(package="git")).commit("add worker", push_to="main")
    again = run_bot([str(checkout.path), "--forge", "gitlab"])

    assert again.exit_code == 0, again.output
    options = remote.push_options()[-1]
    assert "merge_request.create" not in options  # the merge request exists: the options update it
    assert "merge_request.target=main" in options
    assert any(o.startswith("merge_request.description=") and "worker/Dockerfile" in o for o in options)


def test_a_remote_without_push_options_is_reported(remote: Remote, checkout: Checkout) -> None:
    git(remote.path, "config", "receive.advertisePushOptions", "false")
    pushes = len(remote.push_log())

    result = run_bot([str(checkout.path), "--forge", "gitlab"])

    assert result.exit_code == 2
    assert "does not accept push options" in result.stderr
    assert len(remote.push_log()) == pushes and BRANCH not in remote.heads()


def test_forge_none_sends_no_push_options(remote: Remote, checkout: Checkout) -> None:
    assert run_bot([str(checkout.path), "--forge", "none"]).exit_code == 0
    assert remote.push_options()[-1] == []
