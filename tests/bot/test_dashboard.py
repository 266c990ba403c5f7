"""--dashboard: one issue per repository with the findings slimfix did not fix
and the savings; ticking a box opts that fix in on the next run."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import run_bot
from .contracts import OpenAPI
from .gitrepos import Checkout, Remote

BRANCH = "slimfix/slim-dockerfiles"


def test_gitlab_dashboard_offers_unsafe_fixes_and_applies_the_ticked_ones(
    remote: Remote, checkout: Checkout, tmp_path: Path
) -> None:
    pytest.importorskip("gitlab", reason="GitLab support needs the bot extra (python-gitlab)")
    from . import test_forge_gitlab as gl
    from .contracts import gitlab_problems
    from .forge_double import GitLabDouble
    from .test_contracts import python_gitlab_problems

    double = GitLabDouble(gl.TOKEN, remote).start()
    try:
        first = gl.bot(checkout, double, "--dashboard")
        assert first.exit_code == 0, first.output
        (mr,) = double.items
        (issue,) = double.issues
        body = issue["description"]
        assert issue["title"] == "slimfix dashboard"
        assert f"slimfix's merge request ({mr['web_url']}) changes 2 Dockerfile(s): estimated savings" in body
        offers = [line for line in body.splitlines() if line.startswith("- [ ]")]
        assert len(offers) == 2 and all("**SF003** apt-install-recommends" in line for line in offers)
        assert "`Dockerfile`" in offers[0] and "`services/api/Dockerfile`" in offers[1]
        assert "--no-install-recommends" not in remote.show(BRANCH, "Dockerfile")
        assert f"opened dashboard issue #1: {issue['web_url']}" in first.stdout

        writes = len(double.writes())
        assert gl.bot(checkout, double, "--dashboard").exit_code == 0
        assert len(double.writes()) == writes  # nothing new, nothing written

        double.tick(1, "`Dockerfile`: **SF003**")
        third = gl.bot(checkout, double, "--dashboard")
        assert third.exit_code == 0, third.output
        assert "--no-install-recommends" in remote.show(BRANCH, "Dockerfile")  # opted in
        assert "--no-install-recommends" not in remote.show(BRANCH, "services/api/Dockerfile")
        body = double.issues[0]["description"]
        assert "- [x] `Dockerfile`: **SF003** apt-install-recommends: applied in the merge request" in body
        assert [line for line in body.splitlines() if line.startswith("- [ ]")] == [offers[1]]
        assert "SF003" in double.items[0]["description"] and len(double.items) == 1  # the same request, updated

        writes = len(double.writes())
        assert gl.bot(checkout, double, "--dashboard").exit_code == 0
        assert len(double.writes()) == writes  # the opt-in holds: no flip-flop between runs
    finally:
        double.stop()
    assert [p for r in double.log for p in gitlab_problems(r) + python_gitlab_problems(r)] == []
    routes = {(r.method, r.route) for r in double.log}
    assert {("GET", "/projects/{id}/issues"), ("POST", "/projects/{id}/issues")} <= routes
    assert ("PUT", "/projects/{id}/issues/{issue_iid}") in routes


def test_github_dashboard_matches_the_openapi_description(
    remote: Remote, checkout: Checkout, github_openapi: OpenAPI
) -> None:
    pytest.importorskip("githubkit", reason="GitHub support needs the bot extra (githubkit)")
    from . import test_forge_github as gh
    from .contracts import githubkit_problems
    from .forge_double import GitHubDouble

    double = GitHubDouble(gh.TOKEN, remote).start()
    try:
        assert gh.bot(checkout, double, "--dashboard").exit_code == 0
        (issue,) = double.issues
        assert issue["number"] == 2  # after the pull request: they share the numbers
        double.tick(2, "`services/api/Dockerfile`: **SF003**")
        again = gh.bot(checkout, double, "--dashboard")
        assert again.exit_code == 0, again.output
        assert "--no-install-recommends" in remote.show(BRANCH, "services/api/Dockerfile")
        assert "applied in the pull request" in double.issues[0]["body"]
    finally:
        double.stop()
    assert [p for r in double.log for p in githubkit_problems(r)] == []
    assert [p for r in double.log for p in github_openapi.problems(r)] == []


def test_no_forge_means_no_dashboard(remote: Remote, checkout: Checkout) -> None:
    result = run_bot([str(checkout.path), "--forge", "none", "--dashboard"])
    assert result.exit_code == 0
    assert "--dashboard needs the forge's API" in result.stderr
