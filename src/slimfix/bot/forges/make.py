"""The forge for a remote. A forge's client library is imported only when that
forge is used; they come with the ``bot`` extra."""

from __future__ import annotations

from typing import Optional

from ..errors import BotError
from ..secrets import Secrets
from . import Forge, GitLabPushOptions


def make_forge(name: str, api_url: Optional[str], project: str, token: str, secrets: Secrets) -> Forge:
    if name == "none":
        return Forge()
    if name == "gitlab" and not token:
        return GitLabPushOptions()
    if not api_url:
        raise BotError(f"cannot tell the {name} API address for this remote: pass --api-url")
    if name == "github":
        if not token:
            raise BotError(
                "GitHub needs a token to open pull requests: set GITHUB_TOKEN (or GH_TOKEN), "
                "or use --forge none to push the branch only"
            )
        from .github import GitHub  # lazy: optional (the bot extra's githubkit)

        return GitHub(api_url, project, token, secrets)
    if name == "gitlab":
        from .gitlab import GitLab  # lazy: optional (the bot extra's python-gitlab)

        return GitLab(api_url, project, token, secrets)
    raise BotError(f"unknown forge {name!r}")
