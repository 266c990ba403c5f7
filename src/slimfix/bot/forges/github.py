"""GitHub pull requests through the REST API (githubkit)."""

from __future__ import annotations

from typing import Any, Callable, List, Optional

from ..errors import BotError
from ..retry import RateLimited, retrying
from ..secrets import Secrets
from . import Forge, Issue, Listed, Request, Wording

try:
    from githubkit import GitHub as _Client
    from githubkit.exception import RateLimitExceeded, RequestError, RequestFailed, RequestTimeout
except ImportError as exc:  # pragma: no cover - depends on the installation
    raise BotError(f"GitHub support needs the bot extra (pip install 'slimfix[bot]'): {exc}") from None

TIMEOUT = 30.0  # seconds for one API call
PAGE = 100
SECONDARY_WAIT = 60.0  # seconds, for a secondary rate limit that does not say how long


class GitHub(Forge):
    name = "github"
    kind = "pull request"
    words = Wording("GitHub", "GITHUB_TOKEN", "write access to contents and pull requests", "organisation", "repository")

    def __init__(self, api_url: str, project: str, token: str, secrets: Secrets) -> None:
        owner, _, repo = project.partition("/")
        if not owner or not repo or "/" in repo:
            raise BotError(f"a GitHub repository is named OWNER/NAME, not {project!r} (see --project)")
        self.owner, self.repo = owner, repo
        self.api_url = api_url
        self.secrets = secrets
        self.client = _Client(
            token,
            base_url=api_url,
            timeout=TIMEOUT,
            auto_retry=False,  # report a rate limit instead of sleeping through it
            http_cache=False,  # every look must see the current state
            user_agent="slimfix-bot",
        )

    def _call(self, doing: str, call: Callable, *args, **kwargs):
        return retrying(lambda: self._call_once(doing, lambda: call(self.owner, self.repo, *args, **kwargs)))

    def _call_once(self, doing: str, call: Callable[[], Any]):
        try:
            return call().json()
        except RateLimitExceeded as exc:  # the primary limit, or a secondary one (Retry-After)
            raise RateLimited(exc.retry_after.total_seconds(), lambda wait: _limit_error(doing, wait)) from None
        except RequestFailed as exc:
            status, message = exc.response.status_code, _message(exc.response)
            if status in (403, 429) and "secondary rate limit" in message.lower():
                # without Retry-After, GitHub asks to wait at least a minute
                raise RateLimited(SECONDARY_WAIT, lambda wait: _limit_error(doing, wait)) from None
            raise BotError(self.explain(doing, status, message, self.owner, f"{self.owner}/{self.repo}")) from None
        except RequestTimeout:
            raise BotError(
                f"the GitHub API at {self.api_url} did not answer in {TIMEOUT:.0f} s while {doing}"
            ) from None
        except RequestError as exc:
            raise BotError(
                self.secrets.redact(f"cannot reach the GitHub API at {self.api_url} while {doing}: {exc.exc}")
            ) from None

    def default_branch(self) -> Optional[str]:
        data = self._call("reading the repository", self.client.rest.repos.get)
        if data.get("permissions", {}).get("push") is False:
            raise BotError(f"the token cannot push to {self.owner}/{self.repo}")
        return data.get("default_branch")

    def find(self, branch: str) -> List[Request]:
        data = self._call(
            "looking for its pull request",
            self.client.rest.pulls.list,
            head=f"{self.owner}:{branch}",
            state="all",
            sort="created",
            direction="desc",
            per_page=PAGE,
        )
        return [_request(item) for item in data]

    def create(self, branch: str, base: str, title: str, body: str) -> Request:
        data = self._call(
            "opening the pull request",
            self.client.rest.pulls.create,
            title=title,
            head=branch,
            base=base,
            body=body,
            maintainer_can_modify=True,
        )
        return _request(data)

    def update(self, request: Request, title: str, body: str) -> Request:
        return _request(self._update_pull("updating", request, title=title, body=body))

    def close(self, request: Request) -> None:
        self._update_pull("closing", request, state="closed")

    def _update_pull(self, doing: str, request: Request, **fields):
        return self._call(f"{doing} pull request #{request.number}", self.client.rest.pulls.update,
                          request.number, **fields)

    def comments(self, request: Request) -> List[str]:
        out: List[str] = []
        page = 1
        while True:
            data = self._call(
                f"reading the comments of #{request.number}",
                self.client.rest.issues.list_comments,
                request.number,
                per_page=PAGE,
                page=page,
            )
            out.extend(item.get("body") or "" for item in data)
            if len(data) < PAGE:
                return out
            page += 1

    def comment(self, request: Request, text: str) -> None:
        self._call(
            f"commenting on #{request.number}", self.client.rest.issues.create_comment, request.number, body=text
        )

    def find_issue(self, title: str, marker: str) -> Optional[Issue]:
        page = 1
        while True:
            data = self._call(
                "looking for its dashboard issue",
                self.client.rest.issues.list_for_repo,
                state="open",
                per_page=PAGE,
                page=page,
            )
            for item in data:  # pull requests are issues too: they carry "pull_request"
                if "pull_request" not in item and item.get("title") == title and marker in (item.get("body") or ""):
                    return Issue(int(item["number"]), item.get("html_url", ""), item.get("body") or "")
            if len(data) < PAGE:
                return None
            page += 1

    def create_issue(self, title: str, body: str) -> Issue:
        data = self._call("opening its dashboard issue", self.client.rest.issues.create, title=title, body=body)
        return Issue(int(data["number"]), data.get("html_url", ""), data.get("body") or "")

    def update_issue(self, issue: Issue, body: str) -> None:
        self._call(f"updating issue #{issue.number}", self.client.rest.issues.update, issue.number, body=body)

    def close_client(self) -> None:
        pass  # githubkit opens and closes a connection per call

    def organisation(self) -> List[Listed]:
        """Every repository of the organisation ``owner`` (the ``project`` given was ``ORG/*``)."""
        out: List[Listed] = []
        page = 1
        while True:
            data = retrying(
                lambda: self._call_once(
                    f"listing the repositories of {self.owner}",
                    lambda: self.client.rest.repos.list_for_org(self.owner, type="all", per_page=PAGE, page=page),
                )
            )
            for item in data:
                skip = "archived" if item.get("archived") else "a fork" if item.get("fork") else ""
                out.append(Listed(item["full_name"], item.get("clone_url") or "", skip))
            if len(data) < PAGE:
                return out
            page += 1


def _limit_error(doing: str, wait: float) -> BotError:
    return BotError(f"GitHub API rate limit exceeded while {doing}; try again in {wait:.0f} s")


def _message(response) -> str:
    try:
        data = response.json()
    except Exception:
        return ""
    return str(data.get("message", "")) if isinstance(data, dict) else ""


def _request(data: dict) -> Request:
    state = "merged" if data.get("merged_at") else data.get("state", "open")
    return Request(
        number=int(data["number"]),
        url=data.get("html_url", ""),
        state=state,
        title=data.get("title") or "",
        body=data.get("body") or "",
        target=(data.get("base") or {}).get("ref", ""),
    )
