"""The forge doubles and the bot's requests agree with the official API descriptions.

The GitHub scenario is checked against GitHub's OpenAPI description (npm
package @octokit/openapi; skipped with the reason when npm cannot fetch it)
and, always, against githubkit's generated models (each GitHub test does that
in its fixture). GitLab requests are checked against the documented
parameters and against python-gitlab's attribute definitions.
"""

from __future__ import annotations

from pathlib import Path
from typing import List

import pytest

pytest.importorskip("githubkit", reason="the bot extra (githubkit) is not installed")
pytest.importorskip("gitlab", reason="the bot extra (python-gitlab) is not installed")

from . import test_forge_github as gh  # noqa: E402
from . import test_forge_gitlab as gl  # noqa: E402
from .contracts import (  # noqa: E402
    DASHBOARD,
    DISCOVERY,
    GITHUBKIT_OPERATIONS,
    GITLAB_API,
    OpenAPI,
    githubkit_operation,
    githubkit_problems,
    gitlab_problems,
)
from .conftest import human  # noqa: E402
from .forge_double import GitHubDouble, GitHubOrgDouble, GitLabDouble, GitLabGroupDouble, Recorded  # noqa: E402
from .gitrepos import NAIVE, Checkout, Remote  # noqa: E402

BRANCH = "slimfix/slim-dockerfiles"


def lifecycle(run, checkout: Checkout, remote: Remote, tmp_path: Path) -> None:
    """Every kind of run: open, nothing new, update, close, open again, blocked by a human, failures."""
    for step in range(3):
        if step == 2:
            checkout.write("worker/Dockerfile", NAIVE.format(package="git")).commit("worker", push_to="main")
        assert run().exit_code == 0
    for path in ("Dockerfile", "services/api/Dockerfile", "worker/Dockerfile"):
        checkout.write(path, remote.show(BRANCH, path))
    checkout.commit("slim by hand", push_to="main")
    assert run().exit_code == 0  # closes
    checkout.write("extra/Dockerfile", NAIVE.format(package="make")).commit("extra", push_to="main")
    assert run().exit_code == 0  # opens a second one
    human(remote, tmp_path).switch(BRANCH).write("NOTES.md", "x\n").commit("notes", push_to=BRANCH)
    checkout.write("more/Dockerfile", NAIVE.format(package="jq")).commit("more", push_to="main")
    assert run().exit_code == 0 and run().exit_code == 0  # comments once


def test_github_requests_match_the_openapi_description(
    remote: Remote, checkout: Checkout, tmp_path: Path, github_openapi: OpenAPI
) -> None:
    double = GitHubDouble(gh.TOKEN, remote).start()
    try:
        lifecycle(lambda: gh.bot(checkout, double), checkout, remote, tmp_path)
        double.fail(
            "GET",
            "/repos/{owner}/{repo}",
            403,
            {"message": "API rate limit exceeded"},
            {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "4102444800"},
        )
        assert gh.bot(checkout, double).exit_code == 2
    finally:
        double.stop()
    routes = {(r.method, r.route) for r in double.log}
    assert routes == set(GITHUBKIT_OPERATIONS) - DISCOVERY - DASHBOARD  # the scenario used every operation
    problems = [p for record in double.log for p in github_openapi.problems(record)]
    assert problems == [], "\n".join(problems)
    assert [p for record in double.log for p in githubkit_problems(record)] == []


def test_the_github_double_serves_only_documented_operations(github_openapi: OpenAPI) -> None:
    for method, route, _ in GitHubDouble("t").routes():
        assert github_openapi.operation(method, route) is not None, f"{method} {route}"
        assert (method, route) in GITHUBKIT_OPERATIONS
        githubkit_operation(method, route)  # githubkit names the same operation


def _github(method: str, route: str, body=None, query=None, status=200, response=None) -> Recorded:
    params = {"owner": "acme", "repo": "widgets", "pull_number": "1", "issue_number": "1"}
    path = route.format(**params)
    used = {k: v for k, v in params.items() if "{" + k + "}" in route}
    return Recorded(method, route, path, used, query or {}, {}, body, status, response)


BAD_GITHUB_REQUESTS = [
    _github("POST", "/repos/{owner}/{repo}/pulls", {"head": "b", "base": "main", "titel": "x"}, status=201),
    _github("POST", "/repos/{owner}/{repo}/pulls", {"head": "b", "base": "main", "draft": "yes"}, status=201),
    _github("PATCH", "/repos/{owner}/{repo}/pulls/{pull_number}", {"state": "merged"}),
    _github("GET", "/repos/{owner}/{repo}/pulls", query={"state": ["opened"]}, response=[]),
    _github("GET", "/repos/{owner}/{repo}/pulls", query={"branch": ["b"]}, response=[]),
    _github("GET", "/repos/{owner}/{repo}/pulls", response=[{"number": 1, "head_branch": "b"}]),
    _github("POST", "/repos/{owner}/{repo}/issues/{issue_number}/comments", {"text": "hi"}, status=201),
]


@pytest.mark.parametrize(
    "record", BAD_GITHUB_REQUESTS, ids=lambda r: f"{r.method} {r.route} {r.body or r.query or r.response}"
)
def test_the_github_checks_catch_what_github_would_not_accept(record: Recorded, github_openapi: OpenAPI) -> None:
    assert github_openapi.problems(record) != []


@pytest.mark.parametrize(
    "record", BAD_GITHUB_REQUESTS, ids=lambda r: f"{r.method} {r.route} {r.body or r.query or r.response}"
)
def test_the_githubkit_checks_catch_what_github_would_not_accept(record: Recorded) -> None:
    assert githubkit_problems(record) != []


def test_gitlab_requests_match_the_documented_api_and_python_gitlab(
    remote: Remote, checkout: Checkout, tmp_path: Path
) -> None:
    double = GitLabDouble(gl.TOKEN, remote).start()
    try:
        lifecycle(lambda: gl.bot(checkout, double), checkout, remote, tmp_path)
    finally:
        double.stop()
    assert {(r.method, r.route) for r in double.log} == set(GITLAB_API) - DISCOVERY - DASHBOARD
    assert [p for record in double.log for p in gitlab_problems(record)] == []
    assert [p for record in double.log for p in python_gitlab_problems(record)] == []


def python_gitlab_problems(record: Recorded) -> List[str]:
    """Attributes and filters that python-gitlab's managers do not define."""
    from gitlab.v4.objects import ProjectManager, ProjectMergeRequestManager, ProjectMergeRequestNoteManager

    from gitlab.v4.objects import GroupProjectManager, ProjectIssueManager

    managers = {
        "/projects/{id}/issues": ProjectIssueManager,
        "/projects/{id}/issues/{issue_iid}": ProjectIssueManager,
        "/groups/{id}/projects": GroupProjectManager,
        "/projects/{id}": ProjectManager,
        "/projects/{id}/merge_requests": ProjectMergeRequestManager,
        "/projects/{id}/merge_requests/{merge_request_iid}": ProjectMergeRequestManager,
        "/projects/{id}/merge_requests/{merge_request_iid}/notes": ProjectMergeRequestNoteManager,
    }
    manager = managers[record.route]
    where = f"{record.method} {record.path}"
    listings = ("merge_requests", "notes", "/groups/{id}/projects", "/issues")
    if record.method == "GET" and record.route.endswith(listings):
        known = set(manager._list_filters) | {"page", "per_page", "order_by", "sort"}
        return [f"{where}: python-gitlab has no list filter {k!r}" for k in record.query if k not in known]
    if record.method in ("POST", "PUT"):
        attrs = manager._create_attrs if record.method == "POST" else manager._update_attrs
        known = set(attrs.required) | set(attrs.optional)
        return [f"{where}: python-gitlab does not know attribute {k!r}" for k in record.body or {} if k not in known]
    return []


def test_the_documented_gitlab_table_agrees_with_python_gitlab() -> None:
    from gitlab.v4.objects import ProjectMergeRequestManager, ProjectMergeRequestNoteManager

    create = GITLAB_API[("POST", "/projects/{id}/merge_requests")]
    update = GITLAB_API[("PUT", "/projects/{id}/merge_requests/{merge_request_iid}")]
    notes = GITLAB_API[("POST", "/projects/{id}/merge_requests/{merge_request_iid}/notes")]
    listing = GITLAB_API[("GET", "/projects/{id}/merge_requests")]
    assert set(create["required"]) == set(ProjectMergeRequestManager._create_attrs.required)
    assert set(ProjectMergeRequestManager._create_attrs.optional) <= set(create["body"])
    assert set(ProjectMergeRequestManager._update_attrs.optional) <= set(update["body"])
    assert set(notes["required"]) == set(ProjectMergeRequestNoteManager._create_attrs.required)
    assert {"state", "source_branch", "order_by", "sort"} <= set(ProjectMergeRequestManager._list_filters) | {
        "order_by",
        "sort",
    }
    assert {"state", "source_branch"} <= set(listing["query"])


def test_the_gitlab_double_serves_only_documented_endpoints() -> None:
    assert {(m, r) for m, r, _ in GitLabDouble("t").routes()} == set(GITLAB_API) - DISCOVERY
    assert {(m, r) for m, r, _ in GitLabGroupDouble("t").routes()} == set(GITLAB_API)


def test_the_github_org_double_serves_only_documented_operations(github_openapi: OpenAPI) -> None:
    for method, route, _ in GitHubOrgDouble("t").routes():
        assert github_openapi.operation(method, route) is not None, f"{method} {route}"
        githubkit_operation(method, route)


def _gitlab(method: str, route: str, body=None, query=None, status=200, response=None) -> Recorded:
    return Recorded(method, route, route, {}, query or {}, {}, body, status, response)


@pytest.mark.parametrize(
    "record",
    [
        _gitlab(
            "POST",
            "/projects/{id}/merge_requests",
            {"source_branch": "b", "target_branch": "main"},
            status=201,
            response={},
        ),
        _gitlab(
            "POST",
            "/projects/{id}/merge_requests",
            {"source_branch": "b", "target_branch": "main", "title": "t", "remove_source": True},
            status=201,
            response={},
        ),
        _gitlab("PUT", "/projects/{id}/merge_requests/{merge_request_iid}", {"state_event": "closed"}, response={}),
        _gitlab("PUT", "/projects/{id}/merge_requests/{merge_request_iid}", {}, response={}),
        _gitlab("GET", "/projects/{id}/merge_requests", query={"state": ["open"]}, response=[]),
        _gitlab("GET", "/projects/{id}/merge_requests", query={"head": ["b"]}, response=[]),
        _gitlab("GET", "/projects/{id}/merge_requests", response=[{"iid": 1, "head_ref": "b"}]),
        _gitlab(
            "POST", "/projects/{id}/merge_requests/{merge_request_iid}/notes", {"note": "x"}, status=201, response={}
        ),
        _gitlab("DELETE", "/projects/{id}/merge_requests/{merge_request_iid}"),
    ],
    ids=lambda r: f"{r.method} {r.route} {r.body or r.query or r.response}",
)
def test_the_gitlab_checks_catch_what_gitlab_would_not_accept(record: Recorded) -> None:
    assert gitlab_problems(record) != []
