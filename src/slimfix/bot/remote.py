"""Clone URLs: credentials taken out, host and project path read, forge guessed."""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Mapping, Optional
from urllib.parse import unquote, urlsplit, urlunsplit

from ..record import record

FORGES = ("gitlab", "github", "none")
_SCP_LIKE = re.compile(r"^(?:(?P<user>[^@/]+)@)?(?P<host>[^:/]+):(?P<path>(?!//).+)$")


@record
class Remote:
    url: str  # as git is given it: never with a password in it
    host: str  # "" for a path on disk
    path: str  # project path, e.g. "group/sub/project" (no ".git")
    username: str = ""
    password: str = ""  # from the URL the user gave, kept out of ``url``

    @property
    def is_local(self) -> bool:
        return not self.host


def _project_path(path: str, local: bool) -> str:
    path = path.strip("/")
    if path.endswith(".git"):
        path = path[: -len(".git")]
    if local:  # a bare repository on disk: name it by its last two folders
        path = "/".join(PurePosixPath(path).parts[-2:])
    return path


def looks_like_url(text: str) -> bool:
    return "://" in text or bool(_SCP_LIKE.match(text)) and not text.startswith(("/", "."))


def parse_remote(url: str) -> Remote:
    """Split a clone URL; user and password move out of the URL."""
    if "://" in url:
        parts = urlsplit(url)
        if parts.scheme == "file":
            return Remote(url, "", _project_path(unquote(parts.path), local=True))
        host = parts.hostname or ""
        netloc = host + (f":{parts.port}" if parts.port else "")
        keep_user = parts.scheme == "ssh" and parts.username
        if keep_user:
            netloc = f"{parts.username}@{netloc}"
        clean = urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))
        return Remote(
            clean,
            host.lower(),
            _project_path(unquote(parts.path), local=False),
            "" if keep_user else unquote(parts.username or ""),
            unquote(parts.password or ""),
        )
    match = _SCP_LIKE.match(url)
    if match and not url.startswith(("/", ".")):
        return Remote(url, match.group("host").lower(), _project_path(match.group("path"), local=False))
    return Remote(url, "", _project_path(url, local=True))


def _host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower() if url else ""


def detect_forge(remote: Remote, env: Mapping[str, str]) -> str:
    """``github``, ``gitlab`` or ``none``: from the host name, then from the CI
    job that runs on that host."""
    host = remote.host
    if host == "github.com" or host.startswith("github."):
        return "github"
    if host == "gitlab.com" or "gitlab" in host.split(".")[0]:
        return "gitlab"
    if host and env.get("GITLAB_CI") == "true" and env.get("CI_SERVER_HOST", "").lower() == host:
        return "gitlab"
    if host and env.get("GITHUB_ACTIONS") == "true" and _host_of(env.get("GITHUB_SERVER_URL", "")) == host:
        return "github"
    return "none"


def api_url(forge: str, remote: Remote, env: Mapping[str, str]) -> Optional[str]:
    """The forge's API root for this remote (``None`` when it cannot be known)."""
    host = remote.host
    if not host:
        return None
    if forge == "github":
        if env.get("GITHUB_API_URL") and _host_of(env.get("GITHUB_SERVER_URL", "")) == host:
            return env["GITHUB_API_URL"]
        return "https://api.github.com" if host == "github.com" else f"https://{host}/api/v3"
    if forge == "gitlab":
        if env.get("CI_SERVER_URL") and _host_of(env["CI_SERVER_URL"]) == host:
            return env["CI_SERVER_URL"]
        return f"https://{host}"
    return None
