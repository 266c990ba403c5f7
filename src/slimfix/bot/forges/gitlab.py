"""GitLab merge requests through the REST API (python-gitlab)."""

from __future__ import annotations

import time
from typing import Callable, List, Optional

from ..errors import BotError
from ..retry import RateLimited, retrying
from ..secrets import Secrets
from . import Forge, Issue, Listed, Request, Wording

try:
    import gitlab
    import requests
except ImportError as exc:  # pragma: no cover - depends on the installation
    raise BotError(f"GitLab support needs the bot extra (pip install 'slimfix[bot]'): {exc}") from None

TIMEOUT = 30.0  # seconds for one API call
_NO_RETRY = {"obey_rate_limit": False, "retry_transient_errors": False}  # report, never sleep
_STATES = {"opened": "open", "locked": "open", "closed": "closed", "merged": "merged"}


class GitLab(Forge):
    name = "gitlab"
    kind = "merge request"
    words = Wording("GitLab", "GITLAB_TOKEN", "the api scope and at least the Developer role", "group", "project")

    def __init__(self, api_url: str, project: str, token: str, secrets: Secrets) -> None:
        self.api_url = api_url
        self.path = project
        self.secrets = secrets
        self.client = gitlab.Gitlab(api_url, private_token=token, timeout=TIMEOUT, user_agent="slimfix-bot")
        self.client.session.hooks["response"].append(self._remember)
        self._retry_after: Optional[float] = None
        self.project = self.client.projects.get(project, lazy=True)

    def _remember(self, response, *args, **kwargs) -> None:
        """GitLab's errors do not keep the headers: note the wait a 429 asks for."""
        if response.status_code == 429:
            self._retry_after = _retry_after(response.headers)

    def _call(self, doing: str, call: Callable, *args, **kwargs):
        return retrying(lambda: self._call_once(doing, call, *args, **kwargs))

    def _call_once(self, doing: str, call: Callable, *args, **kwargs):
        self._retry_after = None
        try:
            return call(*args, **kwargs, **_NO_RETRY)
        except gitlab.exceptions.GitlabError as exc:
            if exc.response_code == 429:
                raise RateLimited(self._retry_after, lambda wait: BotError(self._explain(doing, 429, ""))) from None
            raise BotError(self._explain(doing, exc.response_code, exc.error_message)) from None
        except requests.exceptions.Timeout:
            raise BotError(
                f"the GitLab API at {self.api_url} did not answer in {TIMEOUT:.0f} s while {doing}"
            ) from None
        except requests.exceptions.RequestException as exc:
            raise BotError(
                self.secrets.redact(f"cannot reach the GitLab API at {self.api_url} while {doing}: {exc}")
            ) from None

    def _explain(self, doing: str, status: Optional[int], message) -> str:
        if status == 429:
            return f"GitLab API rate limit exceeded while {doing} (429); try again later"
        return self.explain(doing, status, message, self.path, self.path)

    def _mr(self, request: Request):
        return self.project.mergerequests.get(request.number, lazy=True)

    def default_branch(self) -> Optional[str]:
        project = self._call("reading the project", self.client.projects.get, self.path)
        return project.attributes.get("default_branch")

    def find(self, branch: str) -> List[Request]:
        items = self._call(
            "looking for its merge request",
            self.project.mergerequests.list,
            source_branch=branch,
            state="all",
            order_by="created_at",
            sort="desc",
            per_page=20,
            get_all=False,
        )
        return [_request(item.attributes) for item in items]

    def create(self, branch: str, base: str, title: str, body: str) -> Request:
        data = {
            "source_branch": branch,
            "target_branch": base,
            "title": title,
            "description": body,
            "remove_source_branch": True,
        }
        item = self._call("opening the merge request", self.project.mergerequests.create, data)
        return _request(item.attributes)

    def update(self, request: Request, title: str, body: str) -> Request:
        mr = self._mr(request)
        mr.title, mr.description = title, body
        self._call(f"updating merge request !{request.number}", mr.save)
        return Request(request.number, request.url, request.state, title, body, request.target)

    def close(self, request: Request) -> None:
        mr = self._mr(request)
        mr.state_event = "close"
        self._call(f"closing merge request !{request.number}", mr.save)

    def comments(self, request: Request) -> List[str]:
        notes = self._call(f"reading the comments of !{request.number}", self._mr(request).notes.list, get_all=True)
        return [note.attributes.get("body") or "" for note in notes]

    def comment(self, request: Request, text: str) -> None:
        self._call(f"commenting on !{request.number}", self._mr(request).notes.create, {"body": text})

    def find_issue(self, title: str, marker: str) -> Optional[Issue]:
        items = self._call(
            "looking for its dashboard issue",
            self.project.issues.list,
            state="opened",
            search=title,
            per_page=100,
            get_all=True,
        )
        for item in items:
            data = item.attributes
            if data.get("title") == title and marker in (data.get("description") or ""):
                return Issue(int(data["iid"]), data.get("web_url", ""), data.get("description") or "")
        return None

    def create_issue(self, title: str, body: str) -> Issue:
        item = self._call(
            "opening its dashboard issue", self.project.issues.create, {"title": title, "description": body}
        )
        data = item.attributes
        return Issue(int(data["iid"]), data.get("web_url", ""), data.get("description") or "")

    def update_issue(self, issue: Issue, body: str) -> None:
        item = self.project.issues.get(issue.number, lazy=True)
        item.description = body
        self._call(f"updating issue #{issue.number}", item.save)

    def close_client(self) -> None:
        self.client.session.close()

    def group(self) -> List[Listed]:
        """Every project of the group ``project`` names, subgroups included."""
        group = self.client.groups.get(self.path, lazy=True)
        items = self._call(
            f"listing the projects of {self.path}",
            group.projects.list,
            include_subgroups="true",  # as GitLab documents it (python-gitlab would send "True")
            order_by="path",
            sort="asc",
            per_page=100,
            get_all=True,
        )
        out = []
        for item in items:
            data = item.attributes
            skip = (
                "archived"
                if data.get("archived")
                else "a fork"
                if data.get("forked_from_project")
                else "empty"
                if data.get("empty_repo")
                else ""
            )
            out.append(Listed(data["path_with_namespace"], data.get("http_url_to_repo") or "", skip))
        return out


def _retry_after(headers) -> Optional[float]:
    """Seconds from Retry-After, else from RateLimit-Reset (a Unix time)."""
    try:
        if "Retry-After" in headers:
            return float(headers["Retry-After"])
        if "RateLimit-Reset" in headers:
            return float(headers["RateLimit-Reset"]) - time.time()
    except ValueError:
        pass
    return None


def _request(data: dict) -> Request:
    return Request(
        number=int(data["iid"]),
        url=data.get("web_url", ""),
        state=_STATES.get(data.get("state", ""), "closed"),
        title=data.get("title") or "",
        body=data.get("description") or "",
        target=data.get("target_branch", ""),
    )
