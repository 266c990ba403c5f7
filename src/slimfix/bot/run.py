"""One run of the bot: find the fixes, compare with the remote, act."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Callable, Dict, List, Mapping, Optional, Set, Tuple

from ..output.diff import unified_diff
from ..record import record
from . import dashboard, description
from .branch import BranchState, inspect_branch
from .changes import ChangeSet, compute_changes
from .credentials import find_credentials
from .errors import BotError, Skipped
from .forges import Forge, Issue
from .forges.make import make_forge
from .gitcmd import GitError
from .outcome import Outcome
from .plan import Action, Plan, decide
from .remote import FORGES, api_url, detect_forge, looks_like_url, parse_remote
from .secrets import Secrets
from .workspace import REMOTE, Workspace, local_objects, local_remote_url

DEFAULT_BRANCH = "slimfix/slim-dockerfiles"
DEFAULT_AUTHOR = "slimfix-bot <slimfix-bot@users.noreply.invalid>"
_AUTHOR = re.compile(r"^\s*(?P<name>[^<>]+?)\s*<(?P<email>[^<>\s]+)>\s*$")


@record(frozen=False)
class BotOptions:
    repo: str = "."
    forge: Optional[str] = None  # None: from the remote URL or the CI environment
    branch: str = DEFAULT_BRANCH
    base: Optional[str] = None  # None: the default branch
    remote: str = REMOTE  # the remote of a local checkout
    dry_run: bool = False
    verify: bool = False
    api_url: Optional[str] = None
    project: Optional[str] = None
    author: str = DEFAULT_AUTHOR
    docs_url: Optional[str] = None  # e.g. "https://example.org/rules/{code}/"
    workers: Optional[int] = None  # processes for the files (1 when repositories run in threads)
    dashboard: bool = False  # keep a dashboard issue (needs the forge's API)


class Output:
    """Everything the bot says goes through here, redacted."""

    def __init__(self, secrets: Secrets, out: Callable[[str], None], err: Callable[[str], None]) -> None:
        self.secrets = secrets
        self._out, self._err = out, err

    def say(self, text: str) -> None:
        self._out(self.secrets.redact(text))

    def warn(self, text: str) -> None:
        self._err(self.secrets.redact(f"warning: {text}"))

    def warn_error(self, text: str) -> None:
        self._err(self.secrets.redact(f"slimfix bot: error: {text}"))


def _author(text: str) -> Tuple[str, str]:
    match = _AUTHOR.match(text)
    if not match:
        raise BotError(f"--author must look like 'Name <email>', not {text!r}")
    return match.group("name"), match.group("email")


def run_bot(options: BotOptions, output: Output, env: Optional[Mapping[str, str]] = None) -> Outcome:
    """What the run did. Raises BotError when the run fails; the remote is then as
    it was, or as the message says."""
    env = os.environ if env is None else env
    secrets = output.secrets
    author = _author(options.author)
    if options.forge is not None and options.forge not in FORGES:
        raise BotError(f"--forge must be one of {', '.join(FORGES)}")
    borrow = None
    if Path(options.repo).exists():
        checkout = Path(options.repo)
        url = local_remote_url(checkout, options.remote, secrets)
        borrow = local_objects(checkout, secrets)
    elif looks_like_url(options.repo):
        url = options.repo
    else:
        raise BotError(f"{options.repo!r} is neither a folder nor a clone URL")
    remote = parse_remote(url)
    outcome = Outcome(options.repo, options.project or remote.path, dry_run=options.dry_run)
    secrets.add(remote.password, remote.username)
    forge_name = options.forge or detect_forge(remote, env)
    credentials = find_credentials(forge_name, remote, env)
    secrets.add(credentials.api_token)
    secrets.add(credentials.git_password, credentials.git_username)
    if options.dry_run and forge_name == "github" and not credentials.api_token:
        forge: Forge = Forge()  # a dry run can look without the API
        output.warn("no GITHUB_TOKEN: this dry run does not look for an existing pull request")
    else:
        forge = make_forge(
            forge_name,
            options.api_url or api_url(forge_name, remote, env),
            options.project or remote.path,
            credentials.api_token,
            secrets,
        )
    try:
        with Workspace(remote.url, secrets, credentials.git_username, credentials.git_password, borrow) as ws:
            _Run(options, output, forge, ws, author, remote.url, outcome).go()
    finally:
        forge.close_client()
    return outcome


class _Run:
    def __init__(
        self,
        options: BotOptions,
        output: Output,
        forge: Forge,
        ws: Workspace,
        author: Tuple[str, str],
        url: str,
        outcome: Outcome,
    ) -> None:
        self.o, self.out, self.forge, self.ws, self.git = options, output, forge, ws, ws.git
        self.author, self.url, self.outcome = author, url, outcome
        self.branch = options.branch

    # finding out -------------------------------------------------------------

    def go(self) -> None:
        base, base_commit, branch_commit = self._remote()
        self.base = base
        self.out.say(
            f"slimfix bot: {self.url} ({self.forge.name}), target branch {base}, bot branch {self.branch}"
            + (" [dry run]" if self.o.dry_run else "")
        )
        self.ws.fetch([base] + ([self.branch] if branch_commit else []))
        self.ws.checkout(base_commit)
        issue = None
        if self.o.dashboard and self.forge.has_api:
            issue = self.forge.find_issue(dashboard.TITLE, dashboard.MARKER)
        opted = dashboard.opted_in(issue.body) if issue else {}
        changes = compute_changes(self.ws.path, self.o.workers, opted)
        for warning in changes.warnings:
            self.out.warn(warning)
        if self.o.verify and changes:
            from .measure import measure  # lazy: start-up (the verifier loads only with --verify)

            measure(changes, self.ws.path, self.out.say)
        tree = self._stage(changes)
        state = inspect_branch(self.git, base_commit, branch_commit, tree) if branch_commit else BranchState()
        requests = self.forge.find(self.branch) if self.forge.has_api else []
        open_request = next((r for r in requests if r.is_open), None)
        closed = next((r for r in requests if not r.is_open), None)
        rejected = (
            closed is not None
            and closed.state == "closed"
            and changes.digest in description.find_markers(closed.body, "digest")
        )
        plan = decide(bool(changes), state, open_request, rejected)
        self.changes, self.state, self.request, self.tree, self.base_commit = (
            changes,
            state,
            open_request,
            tree,
            base_commit,
        )
        self.rejected = rejected
        self.outcome.record(changes)
        self.outcome.action, self.outcome.message = plan.action.value, plan.reason
        self.outcome.request_url = open_request.url if open_request else ""
        self._report(plan)
        steps = {
            Action.NOTHING: self._do_nothing,
            Action.CREATE: self._do_create,
            Action.UPDATE: self._do_update,
            Action.REFRESH: self._do_refresh,
            Action.CLOSE: self._do_close,
            Action.BLOCKED: self._do_blocked,
            Action.LEFT_ALONE: self._do_left_alone,
        }
        if not self.o.dry_run:
            steps[plan.action]()
        if self.o.dashboard:
            self._dashboard(issue, opted)

    def _remote(self) -> Tuple[str, str, Optional[str]]:
        asked = [self.branch] + ([self.o.base] if self.o.base else [])
        state = self.ws.remote_state(asked)
        if not state.heads and state.default_branch is None and not self.o.base:
            raise Skipped("the repository is empty")
        base = self.o.base or self.forge.default_branch() or state.default_branch
        if not base:
            raise BotError("cannot tell the remote's default branch: pass --base BRANCH")
        if base == self.branch:
            raise BotError(f"the bot branch and the target branch are both {base!r}: pick another --branch")
        if base not in state.heads:
            state.heads.update(self.ws.remote_state([base]).heads)
        if base not in state.heads:
            raise BotError(f"the remote has no branch {base!r}")
        return base, state.heads[base], state.heads.get(self.branch)

    def _stage(self, changes: ChangeSet) -> str:
        if changes:
            self.git.run("add", "--", *[c.path for c in changes.files])
        return self.git.out("write-tree")

    def _report(self, plan: Plan) -> None:
        would = "would " if self.o.dry_run else ""
        kind = self.forge.kind
        for line in self.changes.skipped:
            self.out.warn(f"not changed: {line}")
        if self.state.foreign:
            self.out.warn(f"{self.branch} has commits slimfix did not make: " + "; ".join(self.state.foreign[:5]))
        self.out.say(f"{plan.reason}: {would}{_words(plan.action, self.branch, self.forge)}")
        if self.o.dry_run or plan.action in (Action.CREATE, Action.UPDATE, Action.BLOCKED):
            for line in description.diff_summary(self.changes):
                self.out.say(f"  {line}")
        if self.o.dry_run and self.changes:
            for change in self.changes.files:
                self.out.say(unified_diff(change.before, change.after, change.path).rstrip("\n"))
            if self.forge.name != "none":
                self.out.say(f"--- {kind} title: {description.TITLE}")
                self.out.say(self._body())

    # acting -----------------------------------------------------------------

    def _dashboard(self, issue: Optional[Issue], opted: Dict[str, Set[str]]) -> None:
        if not self.forge.has_api:
            self.out.warn("--dashboard needs the forge's API (a GitLab or GitHub token): no dashboard issue")
            return
        body = dashboard.render(self.changes, opted, self.forge.kind, self.outcome.request_url)
        if issue is not None:
            self.outcome.dashboard_url = issue.url
            if _normal(issue.body) == _normal(body):
                return
        would = "would " if self.o.dry_run else ""
        if self.o.dry_run:
            self.out.say(f"{would}{'update' if issue else 'open'} the dashboard issue")
        elif issue is None:
            issue = self.forge.create_issue(dashboard.TITLE, body)
            self.outcome.dashboard_url = issue.url
            self.out.say(f"opened dashboard issue #{issue.number}: {issue.url}")
        else:
            self.forge.update_issue(issue, body)
            self.out.say(f"updated dashboard issue #{issue.number}: {issue.url}")

    def _body(self) -> str:
        return description.body(self.changes, self.forge.kind, self.o.docs_url)

    def _commit(self) -> str:
        name, email = self.author
        identity = {
            "GIT_AUTHOR_NAME": name,
            "GIT_AUTHOR_EMAIL": email,
            "GIT_COMMITTER_NAME": name,
            "GIT_COMMITTER_EMAIL": email,
        }
        message = description.commit_message(self.changes, self.tree)
        return self.git.out(
            "commit-tree", "--no-gpg-sign", self.tree, "-p", self.base_commit, "-F", "-", input=message, env=identity
        )

    def _push(self, commit: str, expect: Optional[str], new_branch: bool) -> None:
        options = self.forge.push_options(new_branch, self.base, description.TITLE, description.one_line(self.changes))
        self._git_push(f"{commit}:refs/heads/{self.branch}", expect, options)

    def _delete_branch(self, expect: str) -> None:
        self._git_push(f":refs/heads/{self.branch}", expect, [])

    def _git_push(self, refspec: str, expect: Optional[str], options: List[str]) -> None:
        lease = f"--force-with-lease=refs/heads/{self.branch}:{expect or ''}"
        args = ["push", "--porcelain", lease] + [f"--push-option={o}" for o in options] + [REMOTE, refspec]
        proc = self.git.run(*args)
        for line in proc.stderr.splitlines():  # GitLab answers push options with a link
            if line.startswith("remote:") and line[7:].strip() and options:
                self.out.say(line)

    def _do_nothing(self) -> None:
        pass

    def _do_create(self) -> None:
        commit = self._commit()
        self._push(commit, None, new_branch=True)
        self.out.say(f"pushed {self.branch} ({commit[:10]})")
        if not self.forge.has_api:
            return
        try:
            request = self.forge.create(self.branch, self.base, description.TITLE, self._body())
        except BotError as exc:
            raise BotError(f"{exc}\n{self._undo_push(commit)}") from None
        self.outcome.request_url = request.url
        self.out.say(f"opened {self.forge.kind} #{request.number}: {request.url}")

    def _undo_push(self, commit: str) -> str:
        try:
            self._delete_branch(commit)
        except GitError as exc:
            return (
                f"The branch {self.branch} stays on the remote without its {self.forge.kind} "
                f"(deleting it failed: {exc.meaning}); delete it by hand or run slimfix bot again."
            )
        return f"The branch {self.branch} was deleted again: nothing is left half-done."

    def _do_update(self) -> None:
        commit = self._commit()
        self._push(commit, self.state.commit, new_branch=False)
        self.out.say(f"updated {self.branch}: {self.state.commit[:10]} -> {commit[:10]}")
        self._do_refresh()

    def _do_refresh(self) -> None:
        if not self.forge.has_api:
            return
        body = self._body()
        if self.request is None:
            if self.rejected:
                return
            request = self.forge.create(self.branch, self.base, description.TITLE, body)
            self.outcome.request_url = request.url
            self.out.say(f"opened {self.forge.kind} #{request.number}: {request.url}")
        elif _normal(self.request.body) != _normal(body) or self.request.title != description.TITLE:
            self.forge.update(self.request, description.TITLE, body)
            self.out.say(f"updated {self.forge.kind} #{self.request.number}: {self.request.url}")

    def _do_close(self) -> None:
        if self.request is not None:
            self._comment_once(description.closing_comment(self.forge.kind, self.base), None)
            self.forge.close(self.request)
            self.out.say(f"closed {self.forge.kind} #{self.request.number}")
        if self.state.exists:
            self._delete_branch(self.state.commit)
            self.out.say(f"deleted {self.branch}")
            if self.forge.name == "gitlab" and not self.forge.has_api:
                self.out.warn("without GITLAB_TOKEN slimfix cannot close the merge request; close it by hand")

    def _do_blocked(self) -> None:
        self._comment_once(description.blocked_comment(self.changes, self.branch, self.forge.kind), "blocked")

    def _do_left_alone(self) -> None:
        text = (
            f"`{self.base}` no longer needs slimfix's changes, but `{self.branch}` has commits slimfix did not "
            f"make, so it leaves this {self.forge.kind} and its branch alone.\n\n"
            + description.marker("unneeded", self.changes.digest)
        )
        self._comment_once(text, "unneeded")

    def _comment_once(self, text: str, kind: Optional[str]) -> None:
        if self.request is None:
            if kind:
                self.out.warn(f"{self.branch} was left as it is, and there is no open {self.forge.kind} to comment on")
            return
        if kind and any(
            self.changes.digest in description.find_markers(c, kind) for c in self.forge.comments(self.request)
        ):
            return  # said already
        self.forge.comment(self.request, text)
        self.out.say(f"commented on {self.forge.kind} #{self.request.number}")


_ACTION_WORDS = {
    Action.NOTHING: "nothing to do",
    Action.CREATE: "push {branch}{and_open}",
    Action.UPDATE: "update {branch}{and_its}",
    Action.REFRESH: "leave {branch} as it is{check}",
    Action.CLOSE: "{close}delete {branch}",
    Action.BLOCKED: "leave {branch} alone{and_comment}",
    Action.LEFT_ALONE: "leave {branch} alone{and_comment}",
}


def _words(action: Action, branch: str, forge: Forge) -> str:
    kind = forge.kind
    api, options = forge.has_api, forge.name == "gitlab" and not forge.has_api
    return _ACTION_WORDS[action].format(
        branch=branch,
        and_open=f" and open a {kind}" if api else " with merge request push options" if options else "",
        and_its=f" and its {kind}" if api else " (push options update the merge request)" if options else "",
        check=f" and check that its {kind} is open and up to date" if api else "",
        close=f"close the {kind} and " if api else "",
        and_comment=f" and comment on its {kind}" if api else "",
    )


def _normal(text: str) -> str:
    return text.replace("\r\n", "\n").strip()
