"""The forges the bot talks to, behind one small interface (``make.make_forge`` picks one)."""

from __future__ import annotations

from typing import List, Optional

from ...record import record


@record
class Request:
    """A merge request (GitLab) or pull request (GitHub), as the bot needs it."""

    number: int  # GitLab iid, GitHub number
    url: str
    state: str  # "open", "closed" or "merged"
    title: str
    body: str
    target: str

    @property
    def is_open(self) -> bool:
        return self.state == "open"


@record
class Issue:
    """The dashboard issue."""

    number: int  # GitLab iid, GitHub number
    url: str
    body: str


@record
class Listed:
    """A repository found by --autodiscover."""

    name: str  # OWNER/NAME or group/sub/project
    clone_url: str
    skip: str = ""  # why the bot leaves it out: "archived", "a fork", "empty"


class Forge:
    """No forge: the bot pushes the branch and says what it would have asked."""

    name = "none"
    kind = "merge request"  # what the forge calls a request
    has_api = False

    def default_branch(self) -> Optional[str]:
        return None

    def find(self, branch: str) -> List[Request]:
        """Requests from ``branch``, newest first."""
        return []

    def create(self, branch: str, base: str, title: str, body: str) -> Request:
        raise NotImplementedError

    def update(self, request: Request, title: str, body: str) -> Request:
        raise NotImplementedError

    def close(self, request: Request) -> None:
        raise NotImplementedError

    def comments(self, request: Request) -> List[str]:
        return []

    def comment(self, request: Request, text: str) -> None:
        raise NotImplementedError

    def push_options(self, new_branch: bool, base: str, title: str, description: str) -> List[str]:
        return []

    def find_issue(self, title: str, marker: str) -> Optional[Issue]:
        """The open issue called ``title`` whose body holds ``marker``."""
        return None

    def create_issue(self, title: str, body: str) -> Issue:
        raise NotImplementedError

    def update_issue(self, issue: Issue, body: str) -> None:
        raise NotImplementedError

    def close_client(self) -> None:
        pass


class GitLabPushOptions(Forge):
    """GitLab without an API token: ``git push -o merge_request.*`` creates and
    updates the merge request; closing it and commenting need a token."""

    name = "gitlab"

    def push_options(self, new_branch: bool, base: str, title: str, description: str) -> List[str]:
        # On a branch that already has its merge request, "create" only draws a warning:
        # the other options update that merge request.
        options = ["merge_request.create", "merge_request.remove_source_branch"] if new_branch else []
        return options + [
            f"merge_request.target={base}",
            f"merge_request.title={title}",
            f"merge_request.description={description}",
        ]
