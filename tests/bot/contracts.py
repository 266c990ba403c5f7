"""Check each request the bot sends, and each answer the forge doubles give,
against the official API descriptions, so the doubles cannot drift from the
real APIs.

- GitHub, Python side (always): githubkit's code generated from GitHub's
  OpenAPI description: the operation for the route, its query parameters and
  their types, the request body model, the response model's fields.
- GitHub, the official description itself: the OpenAPI document published as
  the npm package @octokit/openapi, fetched at test time (see
  ``load_github_openapi``; the tests that need it skip when npm cannot reach
  its registry).
- GitLab: the documented parameters of the REST API v4 endpoints the bot uses
  (GITLAB_API below, from the GitLab API docs), cross-checked against
  python-gitlab's attribute definitions in test_contracts.py.
"""

from __future__ import annotations

import importlib
import inspect
import json
import re
import shutil
import subprocess
import tarfile
import typing
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from .forge_double import Recorded

# --- GitHub through githubkit --------------------------------------------------------------

GITHUBKIT_OPERATIONS = {  # (method, route) -> (githubkit rest namespace, method)
    ("GET", "/repos/{owner}/{repo}"): ("repos", "get"),
    ("GET", "/repos/{owner}/{repo}/pulls"): ("pulls", "list"),
    ("POST", "/repos/{owner}/{repo}/pulls"): ("pulls", "create"),
    ("PATCH", "/repos/{owner}/{repo}/pulls/{pull_number}"): ("pulls", "update"),
    ("GET", "/repos/{owner}/{repo}/issues/{issue_number}/comments"): ("issues", "list_comments"),
    ("POST", "/repos/{owner}/{repo}/issues/{issue_number}/comments"): ("issues", "create_comment"),
    ("GET", "/orgs/{org}/repos"): ("repos", "list_for_org"),  # --autodiscover
    ("GET", "/repos/{owner}/{repo}/issues"): ("issues", "list_for_repo"),  # --dashboard
    ("POST", "/repos/{owner}/{repo}/issues"): ("issues", "create"),
    ("PATCH", "/repos/{owner}/{repo}/issues/{issue_number}"): ("issues", "update"),
}
DISCOVERY = {("GET", "/orgs/{org}/repos"), ("GET", "/groups/{id}/projects")}  # used by --autodiscover only
DASHBOARD = {  # used by --dashboard only
    ("GET", "/repos/{owner}/{repo}/issues"),
    ("POST", "/repos/{owner}/{repo}/issues"),
    ("PATCH", "/repos/{owner}/{repo}/issues/{issue_number}"),
    ("GET", "/projects/{id}/issues"),
    ("POST", "/projects/{id}/issues"),
    ("PUT", "/projects/{id}/issues/{issue_iid}"),
}
_NOT_QUERY = {"self", "headers", "stream", "data", "kwargs"}


_CLIENT: List[Any] = []  # githubkit's namespaces need their client alive


def githubkit_operation(method: str, route: str):
    """The githubkit function for an operation, checked to be that operation."""
    from githubkit import GitHub

    if not _CLIENT:
        _CLIENT.append(GitHub("unused"))
    namespace, name = GITHUBKIT_OPERATIONS[(method, route)]
    function = getattr(getattr(_CLIENT[0].rest, namespace), name).__func__
    assert f"{method} {route}" in (function.__doc__ or ""), f"githubkit's {namespace}.{name} is not {method} {route}"
    return function


class _Names(dict):
    """Names for evaluating githubkit's annotations; its model modules load names lazily."""

    def __init__(self, *modules) -> None:
        super().__init__()
        self.modules = modules

    def __getitem__(self, name: str) -> Any:
        if dict.__contains__(self, name):
            return dict.__getitem__(self, name)
        for module in self.modules:
            try:
                return getattr(module, name)
            except AttributeError:
                continue
        raise KeyError(name)


def _hints(function) -> Dict[str, Any]:
    import datetime

    from githubkit.response import Response
    from githubkit.typing import Missing

    module = inspect.getmodule(function)
    assert module is not None and module.__package__
    version = module.__package__.rsplit(".", 1)[0]
    names = _Names(importlib.import_module(version + ".models"), importlib.import_module(version + ".types"), typing)
    names.update({"Missing": Missing, "Response": Response, "_dt": datetime})
    return typing.get_type_hints(function, globalns=dict(vars(module)), localns=names)


def _model_problems(value: Any, annotation: Any, where: str) -> List[str]:
    """The fields of ``value`` a pydantic model (found in ``annotation``) does not declare."""
    from pydantic import BaseModel

    models = [a for a in _flatten(annotation) if isinstance(a, type) and issubclass(a, BaseModel)]
    if isinstance(value, list):
        inner = [a for t in _flatten(annotation) for a in typing.get_args(t)] or [annotation]
        return [
            p
            for i, item in enumerate(value)
            for p in _model_problems(item, typing.Union[tuple(inner)], f"{where}[{i}]")
        ]
    if not isinstance(value, dict) or not models:
        return []
    model = models[0]
    fields = {(f.alias or n): f for n, f in model.model_fields.items()}
    out = []
    for key, item in value.items():
        if key not in fields:
            out.append(f"{where}.{key}: not a field of githubkit's {model.__name__}")
        else:
            out += _model_problems(item, fields[key].annotation, f"{where}.{key}")
    return out


def _flatten(annotation: Any) -> List[Any]:
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) is typing.Union or type(annotation).__name__ == "UnionType":
        return [a for arg in args for a in _flatten(arg)]
    return [annotation]


def githubkit_problems(record: Recorded) -> List[str]:
    """What in one request/answer githubkit's generated API description does not allow."""
    from pydantic import TypeAdapter, ValidationError

    where = f"{record.method} {record.path}"
    if (record.method, record.route) not in GITHUBKIT_OPERATIONS:
        return [f"{where}: not an operation the bot is known to use"]
    function = githubkit_operation(record.method, record.route)
    hints = _hints(function)
    params = inspect.signature(function).parameters
    problems = []
    allowed = {n for n in params if n not in _NOT_QUERY and n not in record.params}
    for name, values in record.query.items():
        if name not in allowed:
            problems.append(f"{where}: query parameter {name!r} is not one of {sorted(allowed)}")
            continue
        try:
            TypeAdapter(hints[name]).validate_python(values[-1])
        except ValidationError as exc:
            problems.append(f"{where}: query {name}={values[-1]!r}: " + "; ".join(e["msg"] for e in exc.errors()))
    if "data" in params:
        body_type = [a for a in _flatten(hints["data"]) if getattr(a, "__annotations__", None)]
        models = importlib.import_module(inspect.getmodule(function).__package__.rsplit(".", 1)[0] + ".models")
        model = getattr(models, body_type[0].__name__[: -len("Type")])
        try:
            model.model_validate(record.body, strict=True)  # JSON types as sent: "yes" is no boolean
        except ValidationError as exc:
            problems.append(f"{where}: body: {exc}")
        fields = {(f.alias or n) for n, f in model.model_fields.items()}
        problems += [
            f"{where}: body field {k!r} is not in {model.__name__}" for k in record.body or {} if k not in fields
        ]
    elif record.body is not None:
        problems.append(f"{where}: a body on an operation that takes none")
    if 200 <= record.status < 300:
        response_model = typing.get_args(hints["return"])[0]
        problems += _model_problems(record.response, response_model, f"{where} -> {record.status}")
    return problems


# --- GitHub's OpenAPI description --------------------------------------------------------

OPENAPI_PACKAGE = "@octokit/openapi"
OPENAPI_MEMBER = "package/generated/api.github.com.json"


def load_github_openapi(cache: Path) -> Tuple[Optional[dict], str]:
    """GitHub's OpenAPI description from npm (kept in ``cache``), or None and why not."""
    spec = cache / "api.github.com.json"
    if not spec.exists():
        npm = shutil.which("npm")
        if npm is None:
            return None, "npm is not installed, so GitHub's OpenAPI description (@octokit/openapi) cannot be fetched"
        cache.mkdir(parents=True, exist_ok=True)
        try:
            proc = subprocess.run(
                [npm, "pack", OPENAPI_PACKAGE, "--silent", "--pack-destination", str(cache)],
                cwd=cache,
                capture_output=True,
                text=True,
                timeout=240,
            )
        except subprocess.TimeoutExpired:
            return None, f"npm pack {OPENAPI_PACKAGE} timed out (no network to the npm registry?)"
        if proc.returncode != 0:
            said = proc.stderr.strip()[-300:]
            return None, f"npm pack {OPENAPI_PACKAGE} failed (npm registry unreachable?)" + (
                f": {said}" if said else ""
            )
        tarball = cache / proc.stdout.strip().splitlines()[-1]
        with tarfile.open(tarball) as archive:
            member = archive.extractfile(OPENAPI_MEMBER)
            assert member is not None, f"{OPENAPI_MEMBER} is missing from {tarball.name}"
            spec.write_bytes(member.read())
        tarball.unlink()
    return json.loads(spec.read_text()), ""


class OpenAPI:
    """Requests and answers checked against an OpenAPI 3.0 document."""

    def __init__(self, document: dict) -> None:
        self.document = document

    def resolve(self, node: Any) -> Any:
        while isinstance(node, dict) and "$ref" in node:
            target: Any = self.document
            for part in node["$ref"].lstrip("#/").split("/"):
                target = target[part]
            node = target
        return node

    def operation(self, method: str, route: str) -> Optional[dict]:
        return self.document["paths"].get(route, {}).get(method.lower())

    def problems(self, record: Recorded) -> List[str]:
        where = f"{record.method} {record.path}"
        operation = self.operation(record.method, record.route)
        if operation is None:
            return [f"{where}: {record.method} {record.route} is not in GitHub's OpenAPI description"]
        out = []
        parameters = [self.resolve(p) for p in operation.get("parameters", [])]
        for kind, values in (("path", record.params), ("query", {k: v[-1] for k, v in record.query.items()})):
            declared = {p["name"]: p for p in parameters if p["in"] == kind}
            for name, value in values.items():
                if name not in declared:
                    out.append(f"{where}: {kind} parameter {name!r} is not declared")
                else:
                    out += self.check(
                        _from_text(value, self.resolve(declared[name]["schema"])),
                        declared[name]["schema"],
                        f"{where}: {kind} {name}",
                        strict=True,
                    )
            out += [
                f"{where}: required {kind} parameter {n!r} missing"
                for n, p in declared.items()
                if p.get("required") and n not in values
            ]
        body = operation.get("requestBody")
        if body is not None:
            schema = self.resolve(body)["content"]["application/json"]["schema"]
            if record.body is None and self.resolve(body).get("required"):
                out.append(f"{where}: the request body is required")
            elif record.body is not None:
                out += self.check(record.body, schema, f"{where}: body", strict=True)
        elif record.body is not None:
            out.append(f"{where}: a body on an operation that takes none")
        response = operation["responses"].get(str(record.status))
        if response is None:
            if 200 <= record.status < 300:  # errors such as 401 are documented once for the whole API
                out.append(f"{where}: status {record.status} is not a documented answer")
        else:
            content = self.resolve(response).get("content", {}).get("application/json")
            if content and record.response is not None:
                out += self.check(record.response, content["schema"], f"{where} -> {record.status}", strict=False)
        return out

    def check(self, value: Any, schema: Any, where: str, strict: bool) -> List[str]:
        """Types, enums and declared properties; ``strict`` also checks required ones
        (answers from the double carry only the fields the bot reads)."""
        schema = self.resolve(schema)
        for key in ("allOf",):
            if key in schema:
                merged: Dict[str, Any] = {"type": "object", "properties": {}, "required": []}
                for part in map(self.resolve, schema[key]):
                    merged["properties"].update(part.get("properties", {}))
                    merged["required"] += part.get("required", [])
                schema = merged
        for key in ("anyOf", "oneOf"):
            if key in schema:
                options = [self.check(value, option, where, strict) for option in schema[key]]
                return [] if any(not o for o in options) else min(options, key=len)
        if value is None:
            return [] if schema.get("nullable") or not schema.get("type") else [f"{where}: null is not allowed"]
        kind = schema.get("type")
        python = {"string": str, "integer": int, "number": (int, float), "boolean": bool, "object": dict, "array": list}
        if kind and not isinstance(value, python[kind]) or kind in ("integer", "number") and isinstance(value, bool):
            return [f"{where}: {value!r} is not of type {kind}"]
        if "enum" in schema and value not in schema["enum"]:
            return [f"{where}: {value!r} is not one of {schema['enum']}"]
        out = []
        if isinstance(value, dict):
            properties = schema.get("properties", {})
            extra = schema.get("additionalProperties")
            for key, item in value.items():
                if key in properties:
                    out += self.check(item, properties[key], f"{where}.{key}", strict)
                elif isinstance(extra, dict):
                    out += self.check(item, extra, f"{where}.{key}", strict)
                elif properties or extra is False:
                    out.append(f"{where}: property {key!r} is not declared")
            if strict:
                out += [
                    f"{where}: required property {k!r} missing" for k in schema.get("required", []) if k not in value
                ]
        if isinstance(value, list) and "items" in schema:
            for i, item in enumerate(value):
                out += self.check(item, schema["items"], f"{where}[{i}]", strict)
        return out


def _from_text(value: str, schema: dict) -> Any:
    if schema.get("type") == "integer" and re.fullmatch(r"-?\d+", value):
        return int(value)
    if schema.get("type") == "boolean" and value in ("true", "false"):
        return value == "true"
    return value


# --- GitLab's documented REST API v4 -------------------------------------------------------

_DOCS = "https://docs.gitlab.com/api"
_PAGING = {"page": "integer", "per_page": "integer"}
GITLAB_API: Dict[Tuple[str, str], Dict[str, Any]] = {
    # source: {_DOCS}/projects/#get-a-single-project
    ("GET", "/projects/{id}"): {
        "query": {"license": "boolean", "statistics": "boolean", "with_custom_attributes": "boolean"},
        "response": ["id", "name", "path", "path_with_namespace", "default_branch", "web_url"],
    },
    # source: {_DOCS}/groups/#list-projects (a group's projects)
    ("GET", "/groups/{id}/projects"): {
        "query": {
            **_PAGING,
            "archived": "boolean",
            "visibility": ("public", "internal", "private"),
            "order_by": (
                "id",
                "name",
                "path",
                "created_at",
                "updated_at",
                "similarity",
                "star_count",
                "last_activity_at",
            ),
            "sort": ("asc", "desc"),
            "search": "string",
            "simple": "boolean",
            "owned": "boolean",
            "starred": "boolean",
            "topic": "string",
            "with_issues_enabled": "boolean",
            "with_merge_requests_enabled": "boolean",
            "with_shared": "boolean",
            "include_subgroups": "boolean",
            "min_access_level": "integer",
            "with_custom_attributes": "boolean",
            "with_security_reports": "boolean",
        },
        "response": "project",
    },
    # source: {_DOCS}/issues/#list-project-issues
    ("GET", "/projects/{id}/issues"): {
        "query": {
            **_PAGING,
            "assignee_id": "integer",
            "assignee_username": "array",
            "author_id": "integer",
            "author_username": "string",
            "confidential": "boolean",
            "created_after": "string",
            "created_before": "string",
            "iids[]": "integer",
            "in": "string",
            "issue_type": ("issue", "incident", "test_case", "task"),
            "labels": "string",
            "milestone": "string",
            "my_reaction_emoji": "string",
            "order_by": ("created_at", "updated_at", "priority", "due_date", "relative_position", "label_priority",
                         "milestone_due", "popularity", "weight", "title"),
            "scope": ("created_by_me", "assigned_to_me", "all"),
            "search": "string",
            "sort": ("asc", "desc"),
            "state": ("opened", "closed", "all"),
            "updated_after": "string",
            "updated_before": "string",
            "with_labels_details": "boolean",
        },
        "response": "issue",
    },
    # source: {_DOCS}/issues/#new-issue
    ("POST", "/projects/{id}/issues"): {
        "body": {
            "title": "string",
            "description": "string",
            "assignee_id": "integer",
            "assignee_ids": "array",
            "confidential": "boolean",
            "created_at": "string",
            "discussion_to_resolve": "string",
            "due_date": "string",
            "epic_id": "integer",
            "iid": "integer",
            "issue_type": ("issue", "incident", "test_case", "task"),
            "labels": "string",
            "merge_request_to_resolve_discussions_of": "integer",
            "milestone_id": "integer",
            "weight": "integer",
        },
        "required": ["title"],
        "max_length": {"description": 1048576},
        "response": "issue",
    },
    # source: {_DOCS}/issues/#edit-an-issue
    ("PUT", "/projects/{id}/issues/{issue_iid}"): {
        "body": {
            "add_labels": "string",
            "assignee_ids": "array",
            "confidential": "boolean",
            "description": "string",
            "discussion_locked": "boolean",
            "due_date": "string",
            "epic_id": "integer",
            "issue_type": ("issue", "incident", "test_case", "task"),
            "labels": "string",
            "milestone_id": "integer",
            "remove_labels": "string",
            "state_event": ("close", "reopen"),
            "title": "string",
            "updated_at": "string",
            "weight": "integer",
        },
        "at_least_one": True,
        "max_length": {"description": 1048576},
        "response": "issue",
    },
    # source: {_DOCS}/merge_requests/#list-project-merge-requests
    ("GET", "/projects/{id}/merge_requests"): {
        "query": {
            **_PAGING,
            "approved_by_ids": "array",
            "approver_ids": "array",
            "assignee_id": "integer",
            "author_id": "integer",
            "author_username": "string",
            "created_after": "string",
            "created_before": "string",
            "iids[]": "integer",
            "labels": "string",
            "milestone": "string",
            "my_reaction_emoji": "string",
            "order_by": ("created_at", "title", "merged_at", "updated_at"),
            "reviewer_id": "integer",
            "reviewer_username": "string",
            "scope": ("created_by_me", "assigned_to_me", "all"),
            "search": "string",
            "sort": ("asc", "desc"),
            "source_branch": "string",
            "state": ("opened", "closed", "locked", "merged", "all"),
            "target_branch": "string",
            "updated_after": "string",
            "updated_before": "string",
            "view": ("simple",),
            "wip": ("yes", "no"),
            "with_labels_details": "boolean",
            "with_merge_status_recheck": "boolean",
        },
        "response": "merge request",
    },
    # source: {_DOCS}/merge_requests/#create-mr
    ("POST", "/projects/{id}/merge_requests"): {
        "body": {
            "source_branch": "string",
            "target_branch": "string",
            "title": "string",
            "allow_collaboration": "boolean",
            "approvals_before_merge": "integer",
            "allow_maintainer_to_push": "boolean",
            "assignee_id": "integer",
            "assignee_ids": "array",
            "description": "string",
            "labels": "string",
            "merge_after": "string",
            "milestone_id": "integer",
            "remove_source_branch": "boolean",
            "reviewer_ids": "array",
            "squash": "boolean",
            "target_project_id": "integer",
        },
        "required": ["source_branch", "target_branch", "title"],
        "max_length": {"description": 1048576},
        "response": "merge request",
    },
    # source: {_DOCS}/merge_requests/#update-mr
    ("PUT", "/projects/{id}/merge_requests/{merge_request_iid}"): {
        "body": {
            "add_labels": "string",
            "allow_collaboration": "boolean",
            "allow_maintainer_to_push": "boolean",
            "assignee_id": "integer",
            "assignee_ids": "array",
            "description": "string",
            "discussion_locked": "boolean",
            "labels": "string",
            "merge_after": "string",
            "milestone_id": "integer",
            "remove_labels": "string",
            "remove_source_branch": "boolean",
            "reviewer_ids": "array",
            "squash": "boolean",
            "state_event": ("close", "reopen"),
            "target_branch": "string",
            "title": "string",
        },
        "at_least_one": True,
        "max_length": {"description": 1048576},
        "response": "merge request",
    },
    # source: {_DOCS}/notes/#list-all-merge-request-notes
    ("GET", "/projects/{id}/merge_requests/{merge_request_iid}/notes"): {
        "query": {**_PAGING, "sort": ("asc", "desc"), "order_by": ("created_at", "updated_at")},
        "response": "note",
    },
    # source: {_DOCS}/notes/#create-new-merge-request-note
    ("POST", "/projects/{id}/merge_requests/{merge_request_iid}/notes"): {
        "body": {
            "body": "string",
            "created_at": "string",
            "internal": "boolean",
            "merge_request_diff_head_sha": "string",
        },
        "required": ["body"],
        "max_length": {"body": 1000000},
        "response": "note",
    },
}
# the documented attributes of the answers (the double sends a subset)
GITLAB_RESPONSES = {
    "issue": {
        "id",
        "iid",
        "project_id",
        "title",
        "description",
        "state",
        "created_at",
        "updated_at",
        "closed_at",
        "labels",
        "author",
        "web_url",
        "assignees",
        "confidential",
    },
    "project": {
        "id",
        "description",
        "name",
        "name_with_namespace",
        "path",
        "path_with_namespace",
        "created_at",
        "default_branch",
        "ssh_url_to_repo",
        "http_url_to_repo",
        "web_url",
        "namespace",
        "archived",
        "visibility",
        "empty_repo",
        "forked_from_project",
        "last_activity_at",
    },
    "merge request": {
        "id",
        "iid",
        "project_id",
        "title",
        "description",
        "state",
        "created_at",
        "updated_at",
        "target_branch",
        "source_branch",
        "author",
        "source_project_id",
        "target_project_id",
        "sha",
        "web_url",
        "force_remove_source_branch",
        "merged_at",
        "closed_at",
        "draft",
        "labels",
    },
    "note": {
        "id",
        "body",
        "author",
        "created_at",
        "updated_at",
        "system",
        "noteable_id",
        "noteable_type",
        "noteable_iid",
    },
}
_GITLAB_TYPES = {"string": str, "integer": int, "boolean": bool, "array": list}


def _gitlab_value_problems(name: str, value: Any, kind: Any, where: str, from_query: bool) -> List[str]:
    if isinstance(kind, tuple):
        return [] if value in kind else [f"{where}: {name}={value!r} is not one of {kind}"]
    if from_query:
        ok = {"integer": lambda v: re.fullmatch(r"\d+", v), "boolean": lambda v: v in ("true", "false")}.get(kind)
        return [] if ok is None or ok(value) else [f"{where}: {name}={value!r} is not {kind}"]
    if not isinstance(value, _GITLAB_TYPES[kind]) or kind == "integer" and isinstance(value, bool):
        return [f"{where}: {name}={value!r} is not {kind}"]
    return []


def gitlab_problems(record: Recorded) -> List[str]:
    where = f"{record.method} {record.path}"
    endpoint = GITLAB_API.get((record.method, record.route))
    if endpoint is None:
        return [f"{where}: {record.method} {record.route} is not a documented endpoint the bot may use"]
    out = []
    query = endpoint.get("query", {})
    for name, values in record.query.items():
        if name not in query:
            out.append(f"{where}: query parameter {name!r} is not documented")
        else:
            out += _gitlab_value_problems(name, values[-1], query[name], where, from_query=True)
    body = endpoint.get("body")
    if body is None and record.body is not None:
        out.append(f"{where}: a body on an endpoint that takes none")
    if body is not None:
        sent = record.body or {}
        for name, value in sent.items():
            if name not in body:
                out.append(f"{where}: attribute {name!r} is not documented")
            else:
                out += _gitlab_value_problems(name, value, body[name], where, from_query=False)
        out += [f"{where}: required attribute {n!r} missing" for n in endpoint.get("required", []) if n not in sent]
        if endpoint.get("at_least_one") and not sent:
            out.append(f"{where}: at least one attribute is required")
        for name, limit in endpoint.get("max_length", {}).items():
            if len(sent.get(name) or "") > limit:
                out.append(f"{where}: {name} is longer than {limit} characters")
    if 200 <= record.status < 300:
        documented = endpoint["response"]
        allowed = set(documented) if isinstance(documented, list) else GITLAB_RESPONSES[documented]
        items = record.response if isinstance(record.response, list) else [record.response]
        for item in items:
            out += [f"{where} -> {record.status}: undocumented attribute {k!r}" for k in item if k not in allowed]
    return out
