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


@record
class Wording:
    """A forge's words in error messages."""

    title: str  # GitHub
    token_variable: str  # GITHUB_TOKEN
    token_needs: str  # the rights the bot's token needs
    owner: str  # what owns repositories: organisation, group
    project: str  # repository, project


class Forge:
    """No forge: the bot pushes the branch and says what it would have asked."""

    name = "none"
    kind = "merge request"  # what the forge calls a request
    words: Optional[Wording] = None  # how a forge with an API words its failures

    @property
    def has_api(self) -> bool:
        return self.words is not None

    def explain(self, doing: str, status: Optional[int], message: str, owner: str, where: str) -> str:
        """What went wrong when the API answered ``status`` while ``doing``, and what to check."""
        said, words = f": {message}" if message else "", self.words
        if status == 401:
            return f"{words.title} rejected the token while {doing} (401{said}); check {words.token_variable}"
        if status == 403:
            return f"no permission on {where} while {doing} (403{said}); the token needs {words.token_needs}"
        if status == 404 and doing.startswith("listing"):
            return f"{words.title} has no {words.owner} {owner} that this token can see (404 while {doing})"
        if status == 404:
            return f"{words.title} has no {words.project} {where} that this token can see (404 while {doing})"
        return self.secrets.redact(f"{words.title} refused {doing} ({status}{said})")  # type: ignore[attr-defined]

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
