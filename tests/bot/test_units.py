"""The bot's small parts: URLs, forge detection, credentials, redaction, decisions, texts."""

from __future__ import annotations

import logging

import pytest

from slimfix.bot.branch import BranchState, bot_trailer
from slimfix.bot.changes import ChangeSet, FileChange
from slimfix.bot.credentials import find_credentials
from slimfix.bot.description import body, commit_message, find_markers, marker, one_line
from slimfix.bot.forges import GitLabPushOptions, Request
from slimfix.bot.gitcmd import explain
from slimfix.bot.plan import Action, decide
from slimfix.bot.remote import api_url, detect_forge, looks_like_url, parse_remote
from slimfix.bot.secrets import RedactingFilter, Secrets
from slimfix.config import Settings
from slimfix.fixer import fix_text

from .gitrepos import NAIVE


@pytest.mark.parametrize(
    "url, clean, host, path, user, password",
    [
        (
            "https://github.com/acme/widgets.git",
            "https://github.com/acme/widgets.git",
            "github.com",
            "acme/widgets",
            "",
            "",
        ),
        (
            "https://gitlab-ci-token:s3cr3t-job@gitlab.example.org/grp/sub/proj.git",
            "https://gitlab.example.org/grp/sub/proj.git",
            "gitlab.example.org",
            "grp/sub/proj",
            "gitlab-ci-token",
            "s3cr3t-job",
        ),
        ("git@github.com:acme/widgets.git", "git@github.com:acme/widgets.git", "github.com", "acme/widgets", "", ""),
        (
            "ssh://git@gitlab.com:2222/acme/widgets.git",
            "ssh://git@gitlab.com:2222/acme/widgets.git",
            "gitlab.com",
            "acme/widgets",
            "",
            "",
        ),
        ("/srv/git/acme/widgets.git", "/srv/git/acme/widgets.git", "", "acme/widgets", "", ""),
        ("file:///srv/git/acme/widgets.git", "file:///srv/git/acme/widgets.git", "", "acme/widgets", "", ""),
    ],
)
def test_parse_remote(url, clean, host, path, user, password) -> None:
    remote = parse_remote(url)
    assert (remote.url, remote.host, remote.path, remote.username, remote.password) == (
        clean,
        host,
        path,
        user,
        password,
    )
    assert password == "" or password not in remote.url


def test_looks_like_url() -> None:
    assert looks_like_url("https://x/y.git") and looks_like_url("git@host:a/b.git")
    assert not looks_like_url("./checkout") and not looks_like_url("/abs/path")


@pytest.mark.parametrize(
    "url, env, forge",
    [
        ("https://github.com/a/b.git", {}, "github"),
        ("git@gitlab.com:a/b.git", {}, "gitlab"),
        ("https://gitlab.corp.example/a/b.git", {}, "gitlab"),
        ("https://git.corp.example/a/b.git", {}, "none"),
        ("https://git.corp.example/a/b.git", {"GITLAB_CI": "true", "CI_SERVER_HOST": "git.corp.example"}, "gitlab"),
        ("https://git.corp.example/a/b.git", {"GITLAB_CI": "true", "CI_SERVER_HOST": "other.example"}, "none"),
        (
            "https://code.corp.example/a/b.git",
            {"GITHUB_ACTIONS": "true", "GITHUB_SERVER_URL": "https://code.corp.example"},
            "github",
        ),
        ("/srv/git/a/b.git", {"GITLAB_CI": "true", "CI_SERVER_HOST": "gitlab.com"}, "none"),
    ],
)
def test_detect_forge(url, env, forge) -> None:
    assert detect_forge(parse_remote(url), env) == forge


def test_api_url() -> None:
    assert api_url("github", parse_remote("https://github.com/a/b"), {}) == "https://api.github.com"
    assert api_url("github", parse_remote("https://ghe.corp/a/b"), {}) == "https://ghe.corp/api/v3"
    ci = {"GITHUB_API_URL": "https://ghe.corp/api/v3", "GITHUB_SERVER_URL": "https://ghe.corp"}
    assert api_url("github", parse_remote("https://ghe.corp/a/b"), ci) == "https://ghe.corp/api/v3"
    assert api_url("gitlab", parse_remote("git@gitlab.com:a/b.git"), {}) == "https://gitlab.com"
    ci = {"CI_SERVER_URL": "https://git.corp:8443"}
    assert api_url("gitlab", parse_remote("https://git.corp/a/b.git"), ci) == "https://git.corp:8443"
    assert api_url("github", parse_remote("/srv/a/b.git"), {}) is None


def test_credentials_by_forge() -> None:
    remote = parse_remote("https://gitlab-ci-token:from-url@gitlab.com/a/b.git")
    gh = find_credentials("github", parse_remote("https://github.com/a/b"), {"GH_TOKEN": "t1"})
    assert (gh.api_token, gh.git_username, gh.git_password) == ("t1", "x-access-token", "t1")
    gl = find_credentials("gitlab", remote, {"GITLAB_TOKEN": "t2", "CI_JOB_TOKEN": "job"})
    assert (gl.api_token, gl.git_username, gl.git_password) == ("t2", "oauth2", "t2")
    job = find_credentials("gitlab", remote, {"CI_JOB_TOKEN": "job"})
    assert (job.api_token, job.git_username, job.git_password) == ("", "gitlab-ci-token", "job")
    url = find_credentials("none", remote, {"GITHUB_TOKEN": "ignored"})
    assert (url.api_token, url.git_username, url.git_password) == ("", "gitlab-ci-token", "from-url")
    assert "t2" not in repr(gl)


def test_secrets_redact_every_form_and_never_show_themselves(caplog: pytest.LogCaptureFixture) -> None:
    secrets = Secrets()
    secrets.add("tok/en+123", "user")
    secrets.add("abc")  # too short to mask safely
    text = "a tok/en+123 b tok%2Fen%2B123 c dXNlcjp0b2svZW4rMTIz d abc"
    assert secrets.redact(text) == "a *** b *** c *** d abc"
    assert "tok" not in repr(secrets)
    logger = logging.getLogger("slimfix.bot.test")
    handler = logging.StreamHandler()
    handler.addFilter(RedactingFilter(secrets))
    record = logger.makeRecord("x", logging.INFO, __file__, 1, "using %s", ("tok/en+123",), None)
    handler.filter(record)
    assert record.getMessage() == "using ***"


@pytest.mark.parametrize(
    "stderr, meaning",
    [
        ("remote: GitLab: You are not allowed to push code to protected branches on this project.", "protected"),
        ("fatal: unable to access 'https://h/': Could not resolve host: h", "network failure"),
        ("fatal: unable to access 'https://h/': The requested URL returned error: 403", "permission denied"),
        ("fatal: Authentication failed for 'https://h/'", "authentication failed"),
        ("! [rejected] x -> x (stale info)", "changed on the remote"),
        ("fatal: repository 'https://h/x/' not found", "repository not found"),
    ],
)
def test_git_failures_are_explained(stderr, meaning) -> None:
    assert meaning in explain(stderr)


def test_trailer_is_read_from_the_end() -> None:
    assert bot_trailer("Title\n\nbody\n\nSlimfix-Tree: abc123\n") == "abc123"
    assert bot_trailer("Title\n\nno trailer\n") is None


def _request(state: str = "open") -> Request:
    return Request(1, "u", state, "t", "b", "main")


@pytest.mark.parametrize(
    "has_changes, branch, request_, rejected, action",
    [
        (False, BranchState(), None, False, Action.NOTHING),
        (False, BranchState(), _request(), False, Action.CLOSE),
        (False, BranchState("c1"), None, False, Action.CLOSE),
        (False, BranchState("c1", ["x human"]), _request(), False, Action.LEFT_ALONE),
        (True, BranchState(), None, False, Action.CREATE),
        (True, BranchState(), None, True, Action.NOTHING),
        (True, BranchState("c1", [], current=True), _request(), False, Action.REFRESH),
        (True, BranchState("c1", [], current=True), None, True, Action.CLOSE),  # rejected: drop the branch
        (True, BranchState("c1", [], current=False), None, True, Action.CLOSE),
        (True, BranchState("c1", [], current=False), _request(), False, Action.UPDATE),
        (True, BranchState("c1", ["x human"], current=False), _request(), False, Action.BLOCKED),
        (True, BranchState("c1", ["x human"], current=True), _request(), False, Action.NOTHING),
    ],
)
def test_decide(has_changes, branch, request_, rejected, action) -> None:
    assert decide(has_changes, branch, request_, rejected).action is action


def changes(*paths: str) -> ChangeSet:
    out = ChangeSet()
    for path in paths:
        result = fix_text(NAIVE.format(package="curl"), path, Settings())
        out.files.append(FileChange(path, result.source, result.output, result.fixed))
    return out


def test_digest_names_the_changes_not_their_order() -> None:
    a, b = changes("x/Dockerfile", "Dockerfile"), changes("Dockerfile", "x/Dockerfile")
    assert a.digest == b.digest != changes("Dockerfile").digest
    assert find_markers(body(a), "digest") == [a.digest]
    assert find_markers(marker("blocked", "00ff"), "blocked") == ["00ff"] and find_markers("x", "blocked") == []


def test_commit_message_names_files_rules_and_tree() -> None:
    message = commit_message(changes("Dockerfile"), "f" * 40)
    assert message.startswith("Slim Dockerfiles with slimfix\n\n")
    assert "- Dockerfile: SF001 consecutive-run-instructions" in message
    assert message.rstrip().endswith("Slimfix-Tree: " + "f" * 40)


def test_one_line_description_for_push_options() -> None:
    text = one_line(changes("Dockerfile", "a/Dockerfile"))
    assert "\n" not in text and "`a/Dockerfile`: SF001" in text


def test_push_options_create_only_for_a_new_branch() -> None:
    forge = GitLabPushOptions()
    assert forge.push_options(True, "main", "T", "D")[0] == "merge_request.create"
    assert "merge_request.create" not in forge.push_options(False, "main", "T", "D")
    assert "merge_request.target=main" in forge.push_options(False, "main", "T", "D")


def test_body_links_rule_docs_when_given_a_url() -> None:
    text = body(changes("Dockerfile"), docs_url="https://docs.example/rules/{code}/")
    assert "[SF001](https://docs.example/rules/SF001/)" in text
    assert "`slimfix rule CODE`" in body(changes("Dockerfile"))


def test_a_huge_body_is_shortened_below_the_limit() -> None:
    many = changes(*[f"app{i:04d}/Dockerfile" for i in range(600)])
    text = body(many)
    assert len(text) <= 65536
    assert find_markers(text, "digest") == [many.digest]


def test_imports_stay_lazy() -> None:
    """The core never imports the bot; the bot loads forge clients and the verifier only when used."""
    import subprocess
    import sys

    code = (
        "import sys, slimfix.cli, slimfix.app, slimfix.fixer, slimfix.runner\n"
        "assert 'slimfix.bot' not in sys.modules\n"
        "import slimfix.bot.cli, slimfix.bot.run\n"
        "heavy = [m for m in ('slimfix.verify', 'githubkit', 'gitlab', 'httpx', 'requests') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
