"""A stand-in for the GitHub and GitLab REST APIs, on 127.0.0.1, for the bot's tests.

It serves only the documented endpoints the bot needs, keeps their state
(requests, comments), refuses what the real forge refuses (a second open
request for a branch, a head branch that does not exist, a bad token), and
records every request so the tests can check each one against the official
API descriptions (see contracts.py). Failures can be injected per route.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Dict, List, Optional, Tuple
from urllib.parse import parse_qs, unquote, urlsplit

from .gitrepos import Remote

STAMP = "2030-01-02T03:04:05Z"


@dataclass
class Recorded:
    method: str
    route: str  # the documented path template, e.g. "/repos/{owner}/{repo}/pulls"; "" when unknown
    path: str
    params: Dict[str, str]  # path parameters
    query: Dict[str, List[str]]
    headers: Dict[str, str]
    body: Any  # parsed JSON, or None
    status: int = 0
    response: Any = None


@dataclass
class Failure:
    method: str
    route: str
    status: int
    body: Any
    headers: Dict[str, str] = field(default_factory=dict)
    times: int = 1


class Reply(Exception):
    def __init__(self, status: int, body: Any, headers: Optional[Dict[str, str]] = None) -> None:
        self.status, self.body, self.headers = status, body, headers or {}


Route = Tuple[str, str, "re.Pattern[str]", Callable]


class ForgeDouble:
    kind = ""
    prefix = ""

    def __init__(
        self,
        token: str,
        remote: Optional[Remote] = None,
        default_branch: str = "main",
        owner: str = "acme",
        name: str = "widgets",
    ) -> None:
        self.token = token
        self.remote = remote
        self.default_branch = default_branch
        self.owner, self.name = owner, name
        self.items: List[Dict[str, Any]] = []  # pull or merge requests, oldest first
        self.issues: List[Dict[str, Any]] = []  # issues (the dashboard), oldest first
        self.notes: Dict[int, List[Dict[str, Any]]] = {}
        self.log: List[Recorded] = []
        self.failures: List[Failure] = []
        self._lock = threading.Lock()
        self._routes: List[Route] = [
            (method, template, _compile(self.prefix + template), handler) for method, template, handler in self.routes()
        ]
        self.server: Optional[ThreadingHTTPServer] = None
        self.thread: Optional[threading.Thread] = None

    # lifecycle -------------------------------------------------------------------

    def start(self) -> "ForgeDouble":
        double = self

        class Handler(BaseHTTPRequestHandler):
            timeout = 10  # a stuck client cannot hold the test

            def _serve(self) -> None:
                double._serve(self)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            assert self.thread is not None
            self.thread.join(timeout=10)
            self.server = None

    @property
    def url(self) -> str:
        assert self.server is not None
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def fail(
        self,
        method: str,
        route: str,
        status: int,
        body: Any = None,
        headers: Optional[Dict[str, str]] = None,
        times: int = 1,
    ) -> None:
        self.failures.append(Failure(method, route, status, body, headers or {}, times))

    def writes(self) -> List[Recorded]:
        return [r for r in self.log if r.method != "GET"]

    # serving ---------------------------------------------------------------------

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        record = Recorded(
            handler.command,
            "",
            parts.path,
            {},
            parse_qs(parts.query, keep_blank_values=True),
            {k.lower(): v for k, v in handler.headers.items()},
            json.loads(raw) if raw else None,
        )
        status, body, headers = self._answer(record)
        record.status, record.response = status, body
        with self._lock:
            self.log.append(record)
        data = b"" if body is None else json.dumps(body).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        for key, value in headers.items():
            handler.send_header(key, value)
        handler.end_headers()
        handler.wfile.write(data)

    def _answer(self, record: Recorded) -> Tuple[int, Any, Dict[str, str]]:
        handler = self._route(record)
        if handler is None:
            return 404, {"message": "Not Found"}, {}
        if not self.authorized(record.headers):
            return 401, self.unauthorized(), {}
        with self._lock:
            for failure in self.failures:
                if failure.times and failure.method == record.method and failure.route == record.route:
                    failure.times -= 1
                    return failure.status, failure.body, failure.headers
            try:
                status, body, *headers = handler(record)  # a handler may add headers (paging links)
            except Reply as reply:
                return reply.status, reply.body, reply.headers
        return status, body, headers[0] if headers else {}

    def _route(self, record: Recorded) -> Optional[Callable]:
        for method, template, pattern, handler in self._routes:
            match = pattern.fullmatch(record.path)  # undecoded: a GitLab project path arrives as group%2Fname
            if match and method == record.method:
                record.route = template
                record.params = {k: unquote(v) for k, v in match.groupdict().items()}
                return handler
        return None

    # for subclasses ----------------------------------------------------------------

    def routes(self) -> List[Tuple[str, str, Callable]]:
        raise NotImplementedError

    def authorized(self, headers: Dict[str, str]) -> bool:
        raise NotImplementedError

    def unauthorized(self) -> Any:
        raise NotImplementedError

    def _branch_commit(self, branch: str) -> Optional[str]:
        if self.remote is None:
            return "0" * 40
        return self.remote.commit_of(branch)


def _tick(body: str, text: str) -> str:
    lines = body.split("\n")
    (index,) = [i for i, line in enumerate(lines) if line.startswith("- [ ] ") and text in line]
    lines[index] = "- [x] " + lines[index][len("- [ ] ") :]
    return "\n".join(lines)


def _compile(template: str) -> "re.Pattern[str]":
    return re.compile(re.sub(r"\\{(\w+)\\}", r"(?P<\1>[^/]+)", re.escape(template)))


class GitHubDouble(ForgeDouble):
    """The REST API of github.com: pulls and issue comments."""

    kind = "github"

    def routes(self):
        return [
            ("GET", "/repos/{owner}/{repo}", self.get_repo),
            ("GET", "/repos/{owner}/{repo}/pulls", self.list_pulls),
            ("POST", "/repos/{owner}/{repo}/pulls", self.create_pull),
            ("PATCH", "/repos/{owner}/{repo}/pulls/{pull_number}", self.update_pull),
            ("GET", "/repos/{owner}/{repo}/issues/{issue_number}/comments", self.list_comments),
            ("POST", "/repos/{owner}/{repo}/issues/{issue_number}/comments", self.create_comment),
            ("GET", "/repos/{owner}/{repo}/issues", self.list_issues),
            ("POST", "/repos/{owner}/{repo}/issues", self.create_issue),
            ("PATCH", "/repos/{owner}/{repo}/issues/{issue_number}", self.update_issue),
        ]

    def authorized(self, headers):
        return headers.get("authorization") in (f"token {self.token}", f"Bearer {self.token}")

    def unauthorized(self):
        return {"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest", "status": "401"}

    @property
    def web(self) -> str:
        return f"https://github.example/{self.owner}/{self.name}"

    def _repo_of(self, record: Recorded) -> None:
        if (record.params["owner"], record.params["repo"]) != (self.owner, self.name):
            raise Reply(404, {"message": "Not Found", "documentation_url": "https://docs.github.com/rest"})

    def _pull(self, record: Recorded, key: str) -> Dict[str, Any]:
        self._repo_of(record)
        number = int(record.params[key])
        for item in self.items:
            if item["number"] == number:
                return item
        raise Reply(404, {"message": "Not Found", "documentation_url": "https://docs.github.com/rest"})

    def user(self) -> Dict[str, Any]:
        return {
            "login": "slimfix-bot",
            "id": 7,
            "node_id": "U_7",
            "type": "Bot",
            "site_admin": False,
            "html_url": "https://github.example/slimfix-bot",
        }

    def get_repo(self, record):
        self._repo_of(record)
        return 200, {
            "id": 1,
            "node_id": "R_1",
            "name": self.name,
            "full_name": f"{self.owner}/{self.name}",
            "private": False,
            "html_url": self.web,
            "default_branch": self.default_branch,
            "permissions": {"admin": False, "maintain": False, "push": True, "triage": True, "pull": True},
        }

    def list_pulls(self, record):
        self._repo_of(record)
        query = {k: v[-1] for k, v in record.query.items()}
        state = query.get("state", "open")
        found = [
            p
            for p in reversed(self.items)
            if (state == "all" or p["state"] == state) and ("head" not in query or p["head"]["label"] == query["head"])
        ]
        per_page, page = int(query.get("per_page", 30)), int(query.get("page", 1))
        return 200, found[(page - 1) * per_page : page * per_page]

    def create_pull(self, record):
        self._repo_of(record)
        body = record.body or {}
        head, base = body.get("head", ""), body.get("base", "")
        if not self._branch_commit(head) or not self._branch_commit(base):
            raise Reply(
                422,
                {
                    "message": "Validation Failed",
                    "errors": [{"resource": "PullRequest", "field": "head", "code": "invalid"}],
                },
            )
        if any(p["state"] == "open" and p["head"]["ref"] == head and p["base"]["ref"] == base for p in self.items):
            raise Reply(
                422,
                {
                    "message": "Validation Failed",
                    "errors": [
                        {
                            "resource": "PullRequest",
                            "code": "custom",
                            "message": f"A pull request already exists for {self.owner}:{head}.",
                        }
                    ],
                },
            )
        number = len(self.items) + len(self.issues) + 1  # pulls and issues share the numbers
        item = {
            "url": f"/repos/{self.owner}/{self.name}/pulls/{number}",
            "id": 1000 + number,
            "node_id": f"PR_{number}",
            "html_url": f"{self.web}/pull/{number}",
            "number": number,
            "state": "open",
            "locked": False,
            "title": body.get("title", ""),
            "user": self.user(),
            "body": body.get("body"),
            "created_at": STAMP,
            "updated_at": STAMP,
            "closed_at": None,
            "merged_at": None,
            "draft": False,
            "head": {
                "label": f"{self.owner}:{head}",
                "ref": head,
                "sha": self._branch_commit(head),
                "user": self.user(),
            },
            "base": {
                "label": f"{self.owner}:{base}",
                "ref": base,
                "sha": self._branch_commit(base),
                "user": self.user(),
            },
        }
        self.items.append(item)
        self.notes[number] = []
        return 201, item

    def update_pull(self, record):
        item = self._pull(record, "pull_number")
        body = record.body or {}
        for key in ("title", "body"):
            if key in body:
                item[key] = body[key]
        if body.get("state") in ("open", "closed"):
            item["state"] = body["state"]
            item["closed_at"] = STAMP if body["state"] == "closed" else None
        item["updated_at"] = STAMP
        return 200, item

    def list_comments(self, record):
        item = self._pull(record, "issue_number")
        query = {k: v[-1] for k, v in record.query.items()}
        per_page, page = int(query.get("per_page", 30)), int(query.get("page", 1))
        return 200, self.notes[item["number"]][(page - 1) * per_page : page * per_page]

    def create_comment(self, record):
        item = self._pull(record, "issue_number")
        notes = self.notes[item["number"]]
        comment = {
            "id": 5000 + len(notes),
            "node_id": f"IC_{len(notes)}",
            "body": (record.body or {}).get("body", ""),
            "user": self.user(),
            "created_at": STAMP,
            "updated_at": STAMP,
            "html_url": f"{item['html_url']}#issuecomment-{len(notes)}",
            "url": f"/repos/{self.owner}/{self.name}/issues/comments/{5000 + len(notes)}",
        }
        notes.append(comment)
        return 201, comment

    def _as_issue(self, pull: Dict[str, Any]) -> Dict[str, Any]:
        keys = ("url", "id", "node_id", "html_url", "number", "state", "title", "body", "user", "locked")
        return {
            **{k: pull[k] for k in keys},
            "comments": len(self.notes[pull["number"]]),
            "created_at": STAMP,
            "updated_at": STAMP,
            "closed_at": pull["closed_at"],
            "labels": [],
            "author_association": "NONE",
            "pull_request": {"url": pull["url"], "html_url": pull["html_url"], "diff_url": None, "patch_url": None},
        }

    def list_issues(self, record):
        self._repo_of(record)
        query = {k: v[-1] for k, v in record.query.items()}
        state = query.get("state", "open")
        pulls = [self._as_issue(p) for p in self.items]  # GitHub lists pull requests among the issues
        found = sorted(self.issues + pulls, key=lambda i: i["number"], reverse=True)
        found = [i for i in found if state == "all" or i["state"] == state]
        per_page, page = int(query.get("per_page", 30)), int(query.get("page", 1))
        return 200, found[(page - 1) * per_page : page * per_page]

    def create_issue(self, record):
        self._repo_of(record)
        body = record.body or {}
        if not body.get("title"):
            error = {"resource": "Issue", "field": "title", "code": "missing_field"}
            raise Reply(422, {"message": "Validation Failed", "errors": [error]})
        number = len(self.items) + len(self.issues) + 1
        item = {
            "url": f"/repos/{self.owner}/{self.name}/issues/{number}",
            "id": 3000 + number,
            "node_id": f"I_{number}",
            "html_url": f"{self.web}/issues/{number}",
            "number": number,
            "state": "open",
            "title": body["title"],
            "body": body.get("body"),
            "user": self.user(),
            "locked": False,
            "comments": 0,
            "labels": [],
            "author_association": "NONE",
            "created_at": STAMP,
            "updated_at": STAMP,
            "closed_at": None,
        }
        self.issues.append(item)
        self.notes[number] = []
        return 201, item

    def update_issue(self, record):
        self._repo_of(record)
        number = int(record.params["issue_number"])
        for item in self.issues:
            if item["number"] == number:
                body = record.body or {}
                for key in ("title", "body"):
                    if key in body:
                        item[key] = body[key]
                item["updated_at"] = STAMP
                return 200, item
        raise Reply(404, {"message": "Not Found", "documentation_url": "https://docs.github.com/rest"})

    # for tests: what a person does in the web interface
    def tick(self, number: int, text: str) -> None:
        """Tick the box of the line that contains ``text`` in issue ``number``."""
        for item in self.issues:
            if item["number"] == number:
                item["body"] = _tick(item["body"], text)

    def close_by_hand(self, number: int, merged: bool = False) -> None:
        for item in self.items:
            if item["number"] == number:
                item["state"] = "closed"
                item["closed_at"] = STAMP
                item["merged_at"] = STAMP if merged else None


class GitLabDouble(ForgeDouble):
    """The REST API v4 of gitlab.com: projects, merge requests and their notes."""

    kind = "gitlab"
    prefix = "/api/v4"
    project_id = 42

    def routes(self):
        return [
            ("GET", "/projects/{id}", self.get_project),
            ("GET", "/projects/{id}/merge_requests", self.list_mrs),
            ("POST", "/projects/{id}/merge_requests", self.create_mr),
            ("PUT", "/projects/{id}/merge_requests/{merge_request_iid}", self.update_mr),
            ("GET", "/projects/{id}/merge_requests/{merge_request_iid}/notes", self.list_notes),
            ("POST", "/projects/{id}/merge_requests/{merge_request_iid}/notes", self.create_note),
            ("GET", "/projects/{id}/issues", self.list_issues),
            ("POST", "/projects/{id}/issues", self.create_issue),
            ("PUT", "/projects/{id}/issues/{issue_iid}", self.update_issue),
        ]

    def authorized(self, headers):
        return headers.get("private-token") == self.token

    def unauthorized(self):
        return {"message": "401 Unauthorized"}

    @property
    def path_with_namespace(self) -> str:
        return f"{self.owner}/{self.name}"

    @property
    def web(self) -> str:
        return f"https://gitlab.example/{self.path_with_namespace}"

    def _project_of(self, record: Recorded) -> None:
        if record.params["id"] not in (str(self.project_id), self.path_with_namespace):
            raise Reply(404, {"message": "404 Project Not Found"})

    def _mr(self, record: Recorded) -> Dict[str, Any]:
        self._project_of(record)
        iid = int(record.params["merge_request_iid"])
        for item in self.items:
            if item["iid"] == iid:
                return item
        raise Reply(404, {"message": "404 Not found"})

    def author(self) -> Dict[str, Any]:
        return {
            "id": 7,
            "username": "slimfix-bot",
            "name": "slimfix bot",
            "state": "active",
            "web_url": "https://gitlab.example/slimfix-bot",
        }

    def get_project(self, record):
        self._project_of(record)
        return 200, {
            "id": self.project_id,
            "name": self.name,
            "path": self.name,
            "path_with_namespace": self.path_with_namespace,
            "default_branch": self.default_branch,
            "web_url": self.web,
        }

    def list_mrs(self, record):
        self._project_of(record)
        query = {k: v[-1] for k, v in record.query.items()}
        state = query.get("state", "all")
        found = [
            m
            for m in self.items
            if (state == "all" or m["state"] == state)
            and ("source_branch" not in query or m["source_branch"] == query["source_branch"])
        ]
        if query.get("sort", "desc") == "desc":
            found.reverse()
        per_page, page = int(query.get("per_page", 20)), int(query.get("page", 1))
        return 200, found[(page - 1) * per_page : page * per_page]

    def create_mr(self, record):
        self._project_of(record)
        body = record.body or {}
        missing = [k for k in ("source_branch", "target_branch", "title") if not body.get(k)]
        if missing:
            raise Reply(400, {"error": f"{', '.join(missing)} is missing"})
        source, target = body["source_branch"], body["target_branch"]
        if not self._branch_commit(source):
            raise Reply(422, {"message": ["Source branch does not exist"]})  # as GitLab answers
        for m in self.items:
            if m["state"] == "opened" and m["source_branch"] == source and m["target_branch"] == target:
                raise Reply(
                    409, {"message": [f"Another open merge request already exists for this source branch: !{m['iid']}"]}
                )
        iid = len(self.items) + 1
        item = {
            "id": 900 + iid,
            "iid": iid,
            "project_id": self.project_id,
            "title": body["title"],
            "description": body.get("description"),
            "state": "opened",
            "created_at": STAMP,
            "updated_at": STAMP,
            "target_branch": target,
            "source_branch": source,
            "author": self.author(),
            "source_project_id": self.project_id,
            "target_project_id": self.project_id,
            "sha": self._branch_commit(source),
            "web_url": f"{self.web}/-/merge_requests/{iid}",
            "force_remove_source_branch": bool(body.get("remove_source_branch")),
        }
        self.items.append(item)
        self.notes[iid] = []
        return 201, item

    def update_mr(self, record):
        item = self._mr(record)
        body = record.body or {}
        for key in ("title", "description", "target_branch"):
            if key in body:
                item[key] = body[key]
        if body.get("state_event") == "close":
            item["state"] = "closed"
        elif body.get("state_event") == "reopen":
            item["state"] = "opened"
        item["updated_at"] = STAMP
        return 200, item

    def list_notes(self, record):
        item = self._mr(record)
        query = {k: v[-1] for k, v in record.query.items()}
        per_page, page = int(query.get("per_page", 20)), int(query.get("page", 1))
        return 200, self.notes[item["iid"]][(page - 1) * per_page : page * per_page]

    def create_note(self, record):
        item = self._mr(record)
        notes = self.notes[item["iid"]]
        body = (record.body or {}).get("body")
        if not body:
            raise Reply(400, {"error": "body is missing"})
        note = {
            "id": 300 + len(notes),
            "body": body,
            "author": self.author(),
            "created_at": STAMP,
            "updated_at": STAMP,
            "system": False,
            "noteable_id": item["id"],
            "noteable_type": "MergeRequest",
            "noteable_iid": item["iid"],
        }
        notes.append(note)
        return 201, note

    def list_issues(self, record):
        self._project_of(record)
        query = {k: v[-1] for k, v in record.query.items()}
        state, search = query.get("state", "all"), query.get("search", "").lower()
        found = [
            i
            for i in reversed(self.issues)
            if (state == "all" or i["state"] == state)
            and (not search or search in i["title"].lower() or search in (i["description"] or "").lower())
        ]
        per_page, page = int(query.get("per_page", 20)), int(query.get("page", 1))
        return 200, found[(page - 1) * per_page : page * per_page]

    def create_issue(self, record):
        self._project_of(record)
        body = record.body or {}
        if not body.get("title"):
            raise Reply(400, {"error": "title is missing"})
        iid = len(self.issues) + 1
        item = {
            "id": 700 + iid,
            "iid": iid,
            "project_id": self.project_id,
            "title": body["title"],
            "description": body.get("description"),
            "state": "opened",
            "created_at": STAMP,
            "updated_at": STAMP,
            "closed_at": None,
            "labels": [],
            "author": self.author(),
            "web_url": f"{self.web}/-/issues/{iid}",
        }
        self.issues.append(item)
        return 201, item

    def update_issue(self, record):
        self._project_of(record)
        iid = int(record.params["issue_iid"])
        for item in self.issues:
            if item["iid"] == iid:
                body = record.body or {}
                for key in ("title", "description"):
                    if key in body:
                        item[key] = body[key]
                item["updated_at"] = STAMP
                return 200, item
        raise Reply(404, {"message": "404 Issue Not Found"})

    def tick(self, iid: int, text: str) -> None:
        for item in self.issues:
            if item["iid"] == iid:
                item["description"] = _tick(item["description"], text)

    def close_by_hand(self, iid: int, merged: bool = False) -> None:
        for item in self.items:
            if item["iid"] == iid:
                item["state"] = "merged" if merged else "closed"


class GitLabGroupDouble(GitLabDouble):
    """A GitLab group of many projects, each a GitLabDouble of its own behind one
    server; ``GET /groups/{id}/projects`` lists them (subgroups included on request)."""

    def __init__(self, token: str, group: str = "acme") -> None:
        self.projects: Dict[str, GitLabDouble] = {}
        self.listing: Dict[str, Dict[str, Any]] = {}  # path -> the listing's extra attributes
        super().__init__(token, None, owner=group, name="")
        self.group = group

    def add(
        self, path: str, remote: Optional[Remote], clone_url: str, archived=False, fork=False, empty=False
    ) -> GitLabDouble:
        owner, _, name = path.rpartition("/")
        project = GitLabDouble(self.token, remote, owner=owner, name=name)
        project.project_id = 100 + len(self.projects)
        project.log = self.log  # one log for the whole server
        self.projects[path] = project
        self.listing[path] = {"http_url_to_repo": clone_url, "archived": archived, "empty_repo": empty}
        if fork:
            self.listing[path]["forked_from_project"] = {"id": 1, "path_with_namespace": "upstream/" + name}
        return project

    def routes(self):
        delegated = [(m, t, self._delegate(h.__name__)) for m, t, h in super().routes()]
        return [("GET", "/groups/{id}/projects", self.list_group_projects)] + delegated

    def _delegate(self, name: str) -> Callable:
        def handler(record: Recorded):
            wanted = record.params["id"]
            for project in self.projects.values():
                if wanted in (str(project.project_id), project.path_with_namespace):
                    return getattr(project, name)(record)
            raise Reply(404, {"message": "404 Project Not Found"})

        return handler

    def list_group_projects(self, record):
        if record.params["id"] != self.group:
            raise Reply(404, {"message": "404 Group Not Found"})
        query = {k: v[-1] for k, v in record.query.items()}
        subgroups = query.get("include_subgroups") == "true"
        found = []
        for path, project in sorted(self.projects.items()):
            if not subgroups and project.owner != self.group:
                continue
            _, item = project.get_project(Recorded("GET", "", "", {"id": path}, {}, {}, None))
            found.append({**item, "namespace": {"full_path": project.owner}, **self.listing[path]})
        per_page, page = int(query.get("per_page", 20)), int(query.get("page", 1))
        headers = {"X-Page": str(page), "X-Per-Page": str(per_page), "X-Total": str(len(found))}
        if page * per_page < len(found):  # GitLab's paging: the next page's address in a Link header
            query.update(page=str(page + 1), per_page=str(per_page))
            following = f"{self.url}{record.path}?" + "&".join(f"{k}={v}" for k, v in query.items())
            headers.update({"X-Next-Page": str(page + 1), "Link": f'<{following}>; rel="next"'})
        return 200, found[(page - 1) * per_page : page * per_page], headers


class GitHubOrgDouble(GitHubDouble):
    """A GitHub organisation of many repositories, each a GitHubDouble of its own
    behind one server; ``GET /orgs/{org}/repos`` lists them."""

    def __init__(self, token: str, org: str = "acme") -> None:
        self.repos: Dict[str, GitHubDouble] = {}
        self.listing: Dict[str, Dict[str, Any]] = {}
        super().__init__(token, None, owner=org, name="")

    def add(self, name: str, remote: Optional[Remote], clone_url: str, archived=False, fork=False) -> GitHubDouble:
        repo = GitHubDouble(self.token, remote, owner=self.owner, name=name)
        repo.log = self.log
        self.repos[name] = repo
        self.listing[name] = {"clone_url": clone_url, "archived": archived, "fork": fork}
        return repo

    def routes(self):
        delegated = [(m, t, self._delegate(h.__name__)) for m, t, h in super().routes()]
        return [("GET", "/orgs/{org}/repos", self.list_org_repos)] + delegated

    def _delegate(self, name: str) -> Callable:
        def handler(record: Recorded):
            repo = self.repos.get(record.params["repo"]) if record.params["owner"] == self.owner else None
            if repo is None:
                raise Reply(404, {"message": "Not Found", "documentation_url": "https://docs.github.com/rest"})
            return getattr(repo, name)(record)

        return handler

    def list_org_repos(self, record):
        if record.params["org"] != self.owner:
            raise Reply(404, {"message": "Not Found", "documentation_url": "https://docs.github.com/rest"})
        query = {k: v[-1] for k, v in record.query.items()}
        found = []
        for name, repo in sorted(self.repos.items()):
            _, item = repo.get_repo(Recorded("GET", "", "", {"owner": self.owner, "repo": name}, {}, {}, None))
            found.append({**item, "owner": self.user(), **self.listing[name]})
        per_page, page = int(query.get("per_page", 30)), int(query.get("page", 1))
        return 200, found[(page - 1) * per_page : page * per_page]
