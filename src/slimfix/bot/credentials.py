"""Where tokens come from: the environment (CI variables included) or the remote URL."""

from __future__ import annotations

from typing import Mapping

from ..record import field, record
from .remote import Remote


@record
class Credentials:
    api_token: str = field(default="", repr=False)  # for the forge's REST API
    git_username: str = ""
    git_password: str = field(default="", repr=False)  # for git over HTTPS; "" leaves git to its own setup
    source: str = ""  # where they came from, for messages (never the value)


def find_credentials(forge: str, remote: Remote, env: Mapping[str, str]) -> Credentials:
    if forge == "github":
        for name in ("GITHUB_TOKEN", "GH_TOKEN"):
            if env.get(name):
                return Credentials(env[name], "x-access-token", env[name], name)
    if forge == "gitlab":
        if env.get("GITLAB_TOKEN"):
            return Credentials(env["GITLAB_TOKEN"], "oauth2", env["GITLAB_TOKEN"], "GITLAB_TOKEN")
        if env.get("CI_JOB_TOKEN"):  # can push (when the project allows it), cannot open merge requests
            return Credentials("", "gitlab-ci-token", env["CI_JOB_TOKEN"], "CI_JOB_TOKEN")
    if remote.password:
        return Credentials("", remote.username or "git", remote.password, "the remote URL")
    return Credentials()
