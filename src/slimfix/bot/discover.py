"""``--autodiscover``: the repositories of a GitLab group (subgroups included)
or of a GitHub organisation, through the forge's API."""

from __future__ import annotations

import os
from typing import List, Mapping, Optional
from urllib.parse import urlsplit

from .credentials import find_credentials
from .errors import BotError
from .forges import Listed
from .forges.make import make_forge
from .remote import Remote, api_url
from .run import BotOptions
from .secrets import Secrets

_HOSTS = {"gitlab": "gitlab.com", "github": "github.com"}


def discover(
    group: str, options: BotOptions, secrets: Secrets, env: Optional[Mapping[str, str]] = None
) -> List[Listed]:
    env = os.environ if env is None else env
    name = options.forge
    if name not in ("gitlab", "github"):
        raise BotError("--autodiscover needs --forge gitlab or --forge github")
    host = Remote("", _HOSTS[name], "")
    if name == "gitlab" and env.get("CI_SERVER_HOST"):
        host = Remote("", env["CI_SERVER_HOST"].lower(), "")
    if name == "github" and env.get("GITHUB_SERVER_URL"):
        host = Remote("", (urlsplit(env["GITHUB_SERVER_URL"]).hostname or "").lower(), "")
    credentials = find_credentials(name, host, env)
    if not credentials.api_token:
        variable = "GITLAB_TOKEN" if name == "gitlab" else "GITHUB_TOKEN"
        raise BotError(f"--autodiscover needs an API token: set {variable}")
    secrets.add(credentials.api_token)
    root = options.api_url or api_url(name, host, env)
    project = group.strip("/") + ("/*" if name == "github" else "")  # GitHub's client wants OWNER/NAME
    forge = make_forge(name, root, project, credentials.api_token, secrets)
    try:
        return forge.group() if name == "gitlab" else forge.organisation()  # type: ignore[attr-defined]
    finally:
        forge.close_client()
