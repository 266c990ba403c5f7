"""The bot at organisation scale: a GitLab group of real git repositories served
over HTTP, found with --autodiscover, handled by a pool of workers, with the
forge double's every request checked against the documented API."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterator, List

import pytest

pytest.importorskip("gitlab", reason="GitLab support needs the bot extra (python-gitlab)")

from .conftest import run_bot  # noqa: E402
from .contracts import gitlab_problems  # noqa: E402
from .forge_double import GitLabDouble, GitLabGroupDouble  # noqa: E402
from .git_http import GitHTTPServer  # noqa: E402
from .gitrepos import NAIVE, Checkout, Remote  # noqa: E402

BRANCH = "slimfix/slim-dockerfiles"
TOKEN = "glpat-fleet0123456789TOKEN"
SIZE = 20
PACKAGES = ["curl", "git", "jq", "make", "wget", "less", "file", "zip"]


@dataclass
class Fleet:
    server: GitHTTPServer
    gitlab: GitLabGroupDouble
    remotes: Dict[str, Remote] = field(default_factory=dict)
    checkouts: Dict[str, Checkout] = field(default_factory=dict)
    projects: Dict[str, GitLabDouble] = field(default_factory=dict)

    @property
    def active(self) -> List[str]:
        return sorted(self.checkouts)

    def branches(self) -> Dict[str, str]:
        return {name: remote.commit_of(BRANCH) or "" for name, remote in self.remotes.items()}

    def pushes(self) -> Dict[str, int]:
        return {name: len(remote.push_log()) for name, remote in self.remotes.items()}

    def bot(self, *extra: str):
        args = ["--autodiscover", "acme", "--forge", "gitlab", "--api-url", self.gitlab.url, *extra]
        result = run_bot(args, env={"GITLAB_TOKEN": TOKEN})
        assert TOKEN not in result.output
        return result


def _name(i: int) -> str:
    return f"acme/platform/svc-{i:02d}" if i % 4 == 0 else f"acme/app-{i:02d}"  # a subgroup too


@pytest.fixture
def fleet(tmp_path: Path) -> Iterator[Fleet]:
    root, work = tmp_path / "srv", tmp_path / "work"
    work.mkdir()
    server = GitHTTPServer(root, "oauth2", TOKEN).start()
    gitlab = GitLabGroupDouble(TOKEN, "acme").start()
    fleet = Fleet(server, gitlab)
    names = [_name(i) for i in range(SIZE)] + ["acme/old", "acme/forked", "acme/blank"]
    for i, name in enumerate(names):
        remote = Remote(root / f"{name}.git")
        fleet.remotes[name] = remote
        if name != "acme/blank":
            checkout = Checkout(remote, work / name.replace("/", "-"))
            checkout.write("Dockerfile", NAIVE.format(package=PACKAGES[i % len(PACKAGES)]))
            checkout.write("README.md", f"{name}\n").commit("initial", push_to="main")
            if i < SIZE:
                fleet.checkouts[name] = checkout
        fleet.projects[name] = gitlab.add(
            name,
            remote,
            server.url(f"{name}.git"),
            archived=name == "acme/old",
            fork=name == "acme/forked",
            empty=name == "acme/blank",
        )
    try:
        yield fleet
    finally:
        gitlab.stop()
        server.stop()
    problems = [p for record in gitlab.log for p in gitlab_problems(record)]
    assert problems == [], "requests or answers outside the documented GitLab API:\n" + "\n".join(problems)


def _report(path: Path) -> Dict[str, dict]:
    return {item["name"]: item for item in json.loads(path.read_text())["repositories"]}


def test_a_group_campaign_opens_updates_and_leaves_alone(fleet: Fleet, tmp_path: Path) -> None:
    report = tmp_path / "report.json"

    first = fleet.bot("--jobs", "4", "--report", str(report), "--report", str(tmp_path / "report.html"))

    assert first.exit_code == 0, first.output
    for name in fleet.active:  # one merge request each, on its own project
        (mr,) = fleet.projects[name].items
        assert (mr["source_branch"], mr["state"]) == (BRANCH, "opened")
        assert fleet.remotes[name].commit_of(BRANCH)
    for name in ("acme/old", "acme/forked", "acme/blank"):
        assert fleet.projects[name].items == [] and not fleet.remotes[name].commit_of(BRANCH)
    rows = _report(report)
    assert len(rows) == SIZE + 3
    assert {name: rows[name]["message"] for name in rows if rows[name]["status"] == "skipped"} == {
        "acme/old": "archived",
        "acme/forked": "a fork",
        "acme/blank": "empty",
    }
    for name in fleet.active:
        assert rows[name]["action"] == "create"
        assert rows[name]["request_url"] == fleet.projects[name].items[0]["web_url"]
        assert rows[name]["files"][0]["fixes"]["SF001"] == 1 and rows[name]["estimated"] > 0
    assert "acme/platform/svc-04" in rows  # found in the subgroup

    # a second run changes nothing
    writes, pushes, branches = len(fleet.gitlab.writes()), fleet.pushes(), fleet.branches()
    second = fleet.bot("--jobs", "4", "--report", str(report))
    assert second.exit_code == 0, second.output
    assert len(fleet.gitlab.writes()) == writes and fleet.pushes() == pushes and fleet.branches() == branches
    assert {rows["action"] for rows in _report(report).values() if rows["status"] == "ok"} == {"refresh"}

    # a new Dockerfile in one repository updates that request only
    changed = "acme/app-05"
    fleet.checkouts[changed].write("worker/Dockerfile", NAIVE.format(package="rsync")).commit("w", push_to="main")
    third = fleet.bot("--jobs", "3")
    assert third.exit_code == 0, third.output
    after = fleet.branches()
    assert [n for n in after if after[n] != branches[n]] == [changed]
    new_writes = fleet.gitlab.writes()[writes:]
    assert [(w.method, w.route, w.params["id"]) for w in new_writes] == [
        ("PUT", "/projects/{id}/merge_requests/{merge_request_iid}", changed)
    ]
    assert "`worker/Dockerfile`" in fleet.projects[changed].items[0]["description"]
    assert [n for n, count in fleet.pushes().items() if count != pushes[n]] == [changed]

    # a failing repository is reported; the others go on
    broken, fine = "acme/app-06", "acme/app-07"
    for name in (broken, fine):
        fleet.checkouts[name].write("job/Dockerfile", NAIVE.format(package="tar")).commit("job", push_to="main")
    fleet.remotes[broken].refuse_pushes("protected branch")
    fourth = fleet.bot("--jobs", "4", "--report", str(report))
    assert fourth.exit_code == 2
    rows = _report(report)
    assert rows[broken]["status"] == "failed" and "protected branch" in rows[broken]["message"]
    assert rows[fine]["action"] == "update" and "`job/Dockerfile`" in fleet.projects[fine].items[0]["description"]
    assert [n for n in rows if rows[n]["status"] == "failed"] == [broken]
    assert f"{SIZE + 3} repositories, 1 failed: {broken}" in fourth.stdout


def test_two_shards_cover_every_repository_once(fleet: Fleet, tmp_path: Path) -> None:
    seen = []
    for k in (1, 2):
        report = tmp_path / f"shard-{k}.json"
        result = fleet.bot("--shard", f"{k}/2", "--jobs", "2", "--report", str(report))
        assert result.exit_code == 0, result.output
        seen.append(set(_report(report)))
    assert seen[0] and seen[1] and not seen[0] & seen[1]
    assert seen[0] | seen[1] == set(fleet.remotes)
    assert {n for n, p in fleet.projects.items() if p.items} == set(fleet.active)  # every request opened once
    assert all(len(p.items) <= 1 for p in fleet.projects.values())


def test_filters_choose_repositories_by_path(fleet: Fleet, tmp_path: Path) -> None:
    report = tmp_path / "r.json"
    result = fleet.bot(
        "--include", "acme/platform/*", "--include", "acme/app-1*", "--exclude", "*-12", "--dry-run",
        "--report", str(report),
    )
    assert result.exit_code == 0, result.output
    expected = {n for n in fleet.remotes if n.startswith(("acme/platform/", "acme/app-1")) and not n.endswith("-12")}
    assert set(_report(report)) == expected
    assert fleet.gitlab.writes() == [] and all(not c for c in fleet.branches().values())  # a dry run


def test_an_unknown_group_is_reported(fleet: Fleet) -> None:
    result = run_bot(
        ["--autodiscover", "nobody", "--forge", "gitlab", "--api-url", fleet.gitlab.url], env={"GITLAB_TOKEN": TOKEN}
    )
    assert result.exit_code == 2
    assert "GitLab has no group nobody" in result.stderr


def test_a_github_organisation_is_discovered_and_handled(tmp_path: Path, github_openapi) -> None:
    pytest.importorskip("githubkit", reason="GitHub support needs the bot extra (githubkit)")
    from .contracts import githubkit_problems
    from .forge_double import GitHubOrgDouble

    token = "ghp_fleet0123456789abcdefTOKEN"
    root, work = tmp_path / "srv", tmp_path / "work"
    work.mkdir()
    server = GitHTTPServer(root, "x-access-token", token).start()
    github = GitHubOrgDouble(token, "acme").start()
    remotes = {}
    try:
        for name in ("api", "web", "cli", "legacy", "upstream-fork"):
            remote = remotes[name] = Remote(root / "acme" / f"{name}.git")
            checkout = Checkout(remote, work / name)
            checkout.write("Dockerfile", NAIVE.format(package="curl")).commit("initial", push_to="main")
            github.add(name, remote, server.url(f"acme/{name}.git"), archived=name == "legacy", fork="fork" in name)
        args = ["--autodiscover", "acme", "--forge", "github", "--api-url", github.url, "--jobs", "2"]
        result = run_bot(args + ["--exclude", "acme/cli"], env={"GITHUB_TOKEN": token})
    finally:
        github.stop()
        server.stop()
    assert result.exit_code == 0, result.output
    assert {n for n, r in github.repos.items() if r.items} == {"api", "web"}
    assert {n for n, r in remotes.items() if r.commit_of(BRANCH)} == {"api", "web"}
    assert "skipped: archived" in result.stdout and "skipped: a fork" in result.stdout
    assert [p for record in github.log for p in githubkit_problems(record)] == []
    assert [p for record in github.log for p in github_openapi.problems(record)] == []
    assert ("GET", "/orgs/{org}/repos") in {(r.method, r.route) for r in github.log}


def test_autodiscover_reads_every_page(tmp_path: Path) -> None:
    pytest.importorskip("githubkit", reason="GitHub support needs the bot extra (githubkit)")
    from slimfix.bot.discover import discover
    from slimfix.bot.run import BotOptions
    from slimfix.bot.secrets import Secrets

    from .contracts import githubkit_problems
    from .forge_double import GitHubOrgDouble

    gitlab, github = GitLabGroupDouble(TOKEN, "acme").start(), GitHubOrgDouble("ghp_pages0123456789", "acme").start()
    try:
        for i in range(130):
            gitlab.add(f"acme/sub{i % 3}/p{i:03d}", None, f"https://gitlab.example/acme/p{i:03d}.git")
            github.add(f"r{i:03d}", None, f"https://github.example/acme/r{i:03d}.git", fork=i == 7)
        env = {"GITLAB_TOKEN": TOKEN, "GITHUB_TOKEN": "ghp_pages0123456789"}
        on_gitlab = discover("acme", BotOptions(forge="gitlab", api_url=gitlab.url), Secrets(), env)
        on_github = discover("acme", BotOptions(forge="github", api_url=github.url), Secrets(), env)
    finally:
        gitlab.stop()
        github.stop()
    assert len(on_gitlab) == 130 and len({item.name for item in on_gitlab}) == 130
    assert len(on_github) == 130 and [i.name for i in on_github if i.skip] == ["acme/r007"]
    assert [r.query.get("page") for r in gitlab.log] == [None, ["2"]]  # followed the Link header
    assert [r.query["page"] for r in github.log] == [["1"], ["2"]]
    assert [p for r in gitlab.log for p in gitlab_problems(r)] == []
    assert [p for r in github.log for p in githubkit_problems(r)] == []
