"""Real git repositories for the bot's tests: a bare remote on disk and checkouts of it."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Dict, List, Optional

NAIVE = "FROM debian:bookworm\nRUN apt-get update\nRUN apt-get install -y {package}\n"
CLEAN = "FROM scratch\nCOPY app /app\n"


def git(cwd: Path, *args: str, input: Optional[str] = None) -> str:
    proc = subprocess.run(["git", *args], cwd=cwd, input=input, capture_output=True, text=True, timeout=120)
    if proc.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed:\n{proc.stderr}")
    return proc.stdout.strip()


class Remote:
    """A bare repository with a log of every push it receives (ref updates and push options)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.mkdir(parents=True)
        git(path, "init", "--quiet", "--bare", "--initial-branch=main")
        git(path, "config", "receive.advertisePushOptions", "true")
        self.pushes = path / "pushes.log"
        hook = path / "hooks" / "pre-receive"
        hook.write_text(
            "#!/bin/sh\n"
            "set -e\n"
            'log="$(dirname "$0")/../pushes.log"\n'
            "echo '--- push' >> \"$log\"\n"
            "i=0\n"
            'while [ "$i" -lt "${GIT_PUSH_OPTION_COUNT:-0}" ]; do\n'
            '  eval "echo option \\"\\$GIT_PUSH_OPTION_$i\\"" >> "$log"\n'
            "  i=$((i + 1))\n"
            "done\n"
            'while read old new ref; do echo "update $ref $old $new" >> "$log"; done\n'
            'if [ -f "$(dirname "$0")/../refuse" ]; then cat "$(dirname "$0")/../refuse" >&2; exit 1; fi\n'
        )
        hook.chmod(0o755)

    @property
    def url(self) -> str:
        return str(self.path)

    def push_log(self) -> List[List[str]]:
        """One list of lines per push."""
        if not self.pushes.exists():
            return []
        pushes: List[List[str]] = []
        for line in self.pushes.read_text().splitlines():
            if line == "--- push":
                pushes.append([])
            else:
                pushes[-1].append(line)
        return pushes

    def push_options(self) -> List[List[str]]:
        return [[line[len("option ") :] for line in push if line.startswith("option ")] for push in self.push_log()]

    def refuse_pushes(self, message: str) -> None:
        (self.path / "refuse").write_text(message + "\n")

    def heads(self) -> Dict[str, str]:
        out = git(self.path, "for-each-ref", "--format=%(refname:short) %(objectname)", "refs/heads")
        return dict(line.split(" ", 1) for line in out.splitlines())

    def commit_of(self, branch: str) -> Optional[str]:
        return self.heads().get(branch)

    def show(self, branch: str, path: str) -> str:
        return git(self.path, "show", f"{branch}:{path}") + "\n"

    def files(self, branch: str) -> List[str]:
        return git(self.path, "ls-tree", "-r", "--name-only", branch).splitlines()

    def log(self, revisions: str) -> List[str]:
        return git(self.path, "log", "--format=%H %s", revisions).splitlines()

    def message(self, branch: str) -> str:
        return git(self.path, "log", "-1", "--format=%B", branch)


class Checkout:
    """A clone of the remote that a person (or CI) works in."""

    def __init__(self, remote: Remote, path: Path) -> None:
        self.path = path
        git(path.parent, "clone", "--quiet", remote.url, path.name)

    def switch(self, branch: str) -> "Checkout":
        git(self.path, "fetch", "--quiet", "origin")
        git(self.path, "checkout", "--quiet", branch)
        return self

    def write(self, relative: str, text: str) -> "Checkout":
        target = self.path / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
        return self

    def commit(self, message: str, push_to: Optional[str] = None) -> str:
        git(self.path, "add", "-A")
        git(self.path, "commit", "--quiet", "-m", message)
        if push_to:
            git(self.path, "push", "--quiet", "origin", f"HEAD:refs/heads/{push_to}")
        return git(self.path, "rev-parse", "HEAD")

    def pull(self) -> None:
        git(self.path, "pull", "--quiet", "--ff-only")

    def snapshot(self) -> Dict[str, str]:
        """What must not change when the bot runs here."""
        git_dir = self.path / ".git"
        return {
            "status": git(self.path, "status", "--porcelain", "--untracked-files=all"),
            "HEAD": git(self.path, "rev-parse", "HEAD"),
            "refs": git(self.path, "for-each-ref"),
            "config": (git_dir / "config").read_text(),
            "worktrees": git(self.path, "worktree", "list", "--porcelain"),
            "git_dir": "\n".join(
                sorted(
                    str(p.relative_to(git_dir))
                    for p in git_dir.rglob("*")
                    if "objects" not in p.parts and p.name not in ("index", "FETCH_HEAD")
                )
            ),
        }
