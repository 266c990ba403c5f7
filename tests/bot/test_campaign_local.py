"""Several bare repositories on disk, no forge at all: the branch pushed in each,
one report for all, an interrupted run resumed from its state file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Dict, List

import pytest

from slimfix.bot import campaign, fleet

from .conftest import run_bot
from .gitrepos import CLEAN, NAIVE, Checkout, Remote

BRANCH = "slimfix/slim-dockerfiles"


def bare_repos(tmp_path: Path, count: int) -> Dict[str, Remote]:
    repos = {}
    for i in range(count):
        remote = Remote(tmp_path / "repos" / f"team/repo-{i}.git")
        work = Checkout(remote, _folder(tmp_path / "work") / f"repo-{i}")
        work.write("Dockerfile", NAIVE.format(package="curl") if i != 1 else CLEAN)
        work.commit("initial", push_to="main")
        repos[f"team/repo-{i}"] = remote
    return repos


def _folder(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def test_many_local_bare_repositories_with_no_forge(tmp_path: Path) -> None:
    repos = bare_repos(tmp_path, 3)
    empty = Remote(tmp_path / "repos" / "team/empty.git")
    html, data = tmp_path / "out.html", tmp_path / "out.json"
    args = [str(r.path) for r in repos.values()] + [str(empty.path), "--forge", "none"]

    result = run_bot(args + ["--report", str(html), "--report", str(data)])

    assert result.exit_code == 0, result.output
    assert repos["team/repo-0"].commit_of(BRANCH) and repos["team/repo-2"].commit_of(BRANCH)
    assert not repos["team/repo-1"].commit_of(BRANCH)  # nothing to fix there
    rows = {r["name"]: r for r in json.loads(data.read_text())["repositories"]}
    assert [rows[n]["action"] for n in sorted(repos)] == ["create", "nothing", "create"]
    assert rows["team/empty"]["status"] == "skipped" and rows["team/empty"]["message"] == "the repository is empty"
    page = html.read_text()
    assert page.count('<rect class="bar estimated"') == 2 and "team/repo-2" in page
    assert "http" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")  # no external asset
    assert "== team/repo-0" in result.stdout and f"pushed {BRANCH}" in result.stdout


def test_one_broken_repository_does_not_stop_the_others(tmp_path: Path) -> None:
    repos = bare_repos(tmp_path, 2)
    missing = str(tmp_path / "nowhere")

    result = run_bot([missing, str(repos["team/repo-0"].path), "--forge", "none"])

    assert result.exit_code == 2
    assert "neither a folder nor a clone URL" in result.stderr
    assert repos["team/repo-0"].commit_of(BRANCH)
    assert "2 repositories, 1 failed" in result.stdout


def test_an_interrupted_run_resumes_where_it_stopped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repos = bare_repos(tmp_path, 4)
    state = tmp_path / "state.json"
    handled: List[str] = []
    real = campaign.run_bot

    def interrupted(options, output, env=None):
        if len(handled) == 2:
            raise KeyboardInterrupt
        handled.append(options.repo)
        return real(options, output, env)

    monkeypatch.setattr(campaign, "run_bot", interrupted)
    args = [str(r.path) for r in repos.values()] + ["--forge", "none", "--state", str(state)]
    assert run_bot(args).exit_code == 1  # click's "Aborted!"
    saved = json.loads(state.read_text())
    assert saved["complete"] is False and [r["name"] for r in saved["repositories"]] == ["team/repo-0", "team/repo-1"]

    handled.clear()
    monkeypatch.setattr(campaign, "run_bot", lambda o, out, env=None: handled.append(o.repo) or real(o, out, env))
    resumed = run_bot(args + ["--report", str(tmp_path / "r.json")])

    assert resumed.exit_code == 0, resumed.output
    assert handled == [str(repos["team/repo-2"].path.resolve()), str(repos["team/repo-3"].path.resolve())]
    assert "team/repo-0: finished in the interrupted run, not redone" in resumed.stdout
    rows = json.loads((tmp_path / "r.json").read_text())["repositories"]
    assert [r["name"] for r in rows] == sorted(repos)  # the report still covers all four
    assert json.loads(state.read_text())["complete"] is True

    handled.clear()
    assert run_bot(args).exit_code == 0  # a run after a complete one starts afresh
    assert len(handled) == 4


def test_repos_file_and_shards(tmp_path: Path) -> None:
    listing = tmp_path / "repos.txt"
    listing.write_text("# the team\nhttps://git.example/team/a.git\n\n  https://git.example/team/b.git  # b\n")
    assert fleet.read_repos_file(str(listing)) == ["https://git.example/team/a.git", "https://git.example/team/b.git"]
    targets = fleet.from_names([f"https://git.example/team/r{i}.git" for i in range(50)])
    parts = [fleet.shard(targets, k, 3) for k in (1, 2, 3)]
    assert sorted(t.name for p in parts for t in p) == sorted(t.name for t in targets)
    assert all(parts) and fleet.shard(list(reversed(targets)), 2, 3) == list(reversed(parts[1]))


@pytest.mark.parametrize("text", ["0/2", "3/2", "x", "1/0", "1"])
def test_bad_shards_are_refused(text: str) -> None:
    result = run_bot(["--shard", text, "."])
    assert result.exit_code == 2 and "--shard must be K/N" in result.stderr


def test_repositories_with_the_same_path_name_stay_apart(tmp_path: Path) -> None:
    one = bare_repos(tmp_path / "one", 1)["team/repo-0"]
    two = bare_repos(tmp_path / "two", 1)["team/repo-0"]  # the same last two folders
    data = tmp_path / "r.json"

    result = run_bot([str(one.path), str(two.path), str(one.path), "--forge", "none", "--report", str(data)])

    assert result.exit_code == 0, result.output
    assert one.commit_of(BRANCH) and two.commit_of(BRANCH)
    rows = json.loads(data.read_text())["repositories"]
    assert [r["repo"] for r in rows] == [str(one.path.resolve()), str(two.path.resolve())]  # named twice: once


def test_filters_that_leave_nothing_say_so(tmp_path: Path) -> None:
    repos = bare_repos(tmp_path, 1)
    result = run_bot([str(repos["team/repo-0"].path), "--forge", "none", "--include", "other/*"])
    assert result.exit_code == 0
    assert "no repository to handle" in result.stdout and not repos["team/repo-0"].commit_of(BRANCH)


def test_parallel_repositories_leave_the_collector_as_it_was(tmp_path: Path) -> None:
    import gc

    repos = bare_repos(tmp_path, 4)
    before = gc.get_threshold()
    result = run_bot([str(r.path) for r in repos.values()] + ["--forge", "none", "--jobs", "4"])
    assert result.exit_code == 0, result.output
    assert gc.get_threshold() == before
    assert all(r.commit_of(BRANCH) for n, r in repos.items() if n != "team/repo-1")
