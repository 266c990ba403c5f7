"""A private repository in a temporary folder that talks to the remote.

The user's checkout is only read (its object store lends objects, so fetching
is quick); nothing in it changes. The folder, remote URL included, never holds
a credential, and it is deleted when the run ends.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Dict, Iterable, Optional

from ..record import field, record
from .errors import BotError
from .gitcmd import Git
from .secrets import Secrets

REMOTE = "origin"


@record(frozen=False)
class RemoteState:
    default_branch: Optional[str]
    heads: Dict[str, str] = field(default_factory=dict)  # branch -> commit


def local_remote_url(checkout: Path, remote: str, secrets: Secrets) -> str:
    """The URL of ``remote`` of a checkout; a bare repository on disk is the remote itself."""
    git = Git(checkout, secrets)
    bare = git.run("rev-parse", "--is-bare-repository", check=False)
    if bare.returncode == 0 and bare.stdout.strip() == "true":
        return str(checkout.resolve())
    proc = git.run("remote", "get-url", remote, check=False)
    if proc.returncode != 0:
        inside = git.run("rev-parse", "--is-inside-work-tree", check=False)
        if inside.returncode != 0:
            raise BotError(f"{checkout} is not a git checkout")
        raise BotError(f"{checkout} has no remote named {remote!r} (use --remote NAME)")
    url = proc.stdout.strip()
    if "://" not in url and ":" not in url.split("/")[0] and not Path(url).is_absolute():
        url = str((checkout / url).resolve())  # a path relative to the checkout
    return url


def local_objects(checkout: Path, secrets: Secrets) -> Optional[Path]:
    """The checkout's object store, when it can lend objects safely (not shallow)."""
    git = Git(checkout, secrets)
    if git.out("rev-parse", "--is-shallow-repository") == "true":
        return None
    common = Path(git.out("rev-parse", "--git-common-dir"))
    objects = (checkout / common if not common.is_absolute() else common) / "objects"
    return objects.resolve() if objects.is_dir() else None


class Workspace:
    def __init__(
        self, url: str, secrets: Secrets, username: str = "", password: str = "", borrow_objects: Optional[Path] = None
    ) -> None:
        self.url = url
        self.secrets = secrets
        self._username, self._password = username, password
        self._borrow = borrow_objects
        self.path = Path()
        self.git: Git

    def __enter__(self) -> "Workspace":
        self.path = Path(tempfile.mkdtemp(prefix="slimfix-bot-"))
        self.git = Git(self.path, self.secrets, self._username, self._password)
        try:
            self.git.run("init", "--quiet")
            if self._borrow is not None:
                Path(self.path, ".git", "objects", "info", "alternates").write_text(f"{self._borrow}\n")
            self.git.run("remote", "add", REMOTE, self.url)
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.git.close()
        shutil.rmtree(self.path, ignore_errors=True)

    def remote_state(self, branches: Iterable[str]) -> RemoteState:
        """The remote's default branch and the commits of ``branches`` (absent ones left out)."""
        wanted = {f"refs/heads/{name}": name for name in branches if name}
        lines = self.git.out("ls-remote", "--symref", REMOTE, "HEAD", *wanted).splitlines()
        state = RemoteState(None)
        head_commit = None
        for line in lines:
            left, _, ref = line.partition("\t")
            if left.startswith("ref: ") and ref == "HEAD":
                target = left[len("ref: ") :]
                if target.startswith("refs/heads/"):
                    state.default_branch = target[len("refs/heads/") :]
            elif ref == "HEAD":
                head_commit = left
            elif ref in wanted:
                state.heads[wanted[ref]] = left
        if state.default_branch and head_commit and state.default_branch not in state.heads:
            state.heads[state.default_branch] = head_commit
        return state

    def fetch(self, branches: Iterable[str]) -> None:
        specs = [f"+refs/heads/{b}:refs/remotes/{REMOTE}/{b}" for b in branches]
        if specs:
            self.git.run("fetch", "--quiet", "--no-tags", REMOTE, *specs)

    def checkout(self, commit: str) -> None:
        self.git.run("checkout", "--quiet", "--force", "--detach", commit)

    def ref(self, branch: str) -> str:
        return f"refs/remotes/{REMOTE}/{branch}"
