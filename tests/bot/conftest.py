"""Every bot test runs with its own HOME and git configuration, and no forge
variables from the machine's environment."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import pytest
from click.testing import CliRunner, Result

from .gitrepos import NAIVE, Checkout, Remote

FORGE_VARIABLES = (
    "GITHUB_TOKEN",
    "GH_TOKEN",
    "GITLAB_TOKEN",
    "CI_JOB_TOKEN",
    "GITHUB_ACTIONS",
    "GITHUB_API_URL",
    "GITHUB_SERVER_URL",
    "GITLAB_CI",
    "CI_SERVER_URL",
    "CI_SERVER_HOST",
    "SLIMFIX_BOT_API_URL",
    "SLIMFIX_BOT_AUTHOR",
    "SLIMFIX_BOT_DOCS_URL",
    "GIT_ASKPASS",
    "SSH_ASKPASS",
)


@pytest.fixture(autouse=True)
def isolated_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(home / ".gitconfig"))
    for name in FORGE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    (home / ".gitconfig").write_text(
        "[user]\n\tname = Dev\n\temail = dev@example.org\n[init]\n\tdefaultBranch = main\n"
        "[advice]\n\tdetachedHead = false\n"
    )
    return home


@pytest.fixture(autouse=True)
def waits(monkeypatch: pytest.MonkeyPatch) -> List[float]:
    """The rate-limit waits the bot asked for, instead of sleeping through them."""
    from slimfix.bot import retry

    asked: List[float] = []
    monkeypatch.setattr(retry, "sleep", asked.append)
    return asked


@pytest.fixture
def remote(tmp_path: Path) -> Remote:
    return Remote(tmp_path / "remote" / "acme" / "widgets.git")


@pytest.fixture
def checkout(remote: Remote, tmp_path: Path) -> Checkout:
    """A checkout whose main has two naive Dockerfiles, a clean one and a README, pushed."""
    work = Checkout(remote, tmp_path / "work")
    work.write("Dockerfile", NAIVE.format(package="curl"))
    work.write("services/api/Dockerfile", NAIVE.format(package="python3"))
    work.write("services/static/Dockerfile", "FROM scratch\nCOPY site /site\n")
    work.write("README.md", "widgets\n")
    work.commit("initial", push_to="main")
    return work


def run_bot(args: List[str], env: Optional[dict] = None) -> Result:
    from slimfix.bot.cli import bot_command

    return CliRunner().invoke(bot_command, args, env=env, catch_exceptions=False)


def human(remote: Remote, tmp_path: Path, name: str = "human") -> Checkout:
    return Checkout(remote, tmp_path / name)


@pytest.fixture(scope="session")
def github_openapi(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """GitHub's official OpenAPI description, from the npm package @octokit/openapi
    (fetched once with ``npm pack`` into pytest's cache; never part of the repository)."""
    import json
    import os

    from .contracts import OpenAPI, load_github_openapi

    given = os.environ.get("SLIMFIX_GITHUB_OPENAPI")  # an api.github.com.json already on disk
    if given:
        return OpenAPI(json.loads(Path(given).read_text()))
    cache = getattr(request.config, "cache", None)  # None with -p no:cacheprovider
    folder = Path(cache.mkdir("octokit-openapi")) if cache is not None else tmp_path_factory.mktemp("octokit-openapi")
    document, why = load_github_openapi(folder)
    if document is None:
        pytest.skip(why)
    return OpenAPI(document)
