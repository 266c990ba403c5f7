"""Running git: credentials through an askpass helper and the environment of
each call only (never in argv, a config file or a remote URL), no user hooks,
no prompts, failures explained in one sentence."""

from __future__ import annotations

import logging
import os
import shutil
import stat
import subprocess
import tempfile
from pathlib import Path
from typing import Dict, List, Optional, Sequence

from .errors import BotError
from .secrets import Secrets

log = logging.getLogger("slimfix.bot")

TIMEOUT = 900  # seconds for one git command (a clone of a large repository)

_ASKPASS = """#!/bin/sh
case "$1" in
  [Uu]sername*) printf '%s\\n' "$SLIMFIX_GIT_USERNAME" ;;
  *) printf '%s\\n' "$SLIMFIX_GIT_PASSWORD" ;;
esac
"""

# what git says, and what it means for the user (first match wins)
_EXPLANATIONS = (
    (
        ("stale info",),
        "the branch changed on the remote while slimfix was working; nothing was overwritten, run it again",
    ),
    (("protected branch", "protected ref", "GH006"), "the remote refuses pushes to this branch: it is protected"),
    (
        ("does not support push options",),
        "the remote does not accept push options (merge_request.*); use a token for the API instead",
    ),
    (
        (
            "Could not resolve host",
            "Failed to connect",
            "Connection refused",
            "Connection timed out",
            "Network is unreachable",
            "Could not read from remote repository",
            "unable to access",
        ),
        "network failure: the remote cannot be reached",
    ),
    (
        (
            "Authentication failed",
            "could not read Username",
            "could not read Password",
            "terminal prompts disabled",
            "returned error: 401",
            "Invalid username or password",
        ),
        "authentication failed: provide a token (GITLAB_TOKEN / GITHUB_TOKEN) or credentials git can use",
    ),
    (
        (
            "returned error: 403",
            "Permission to",
            "not allowed to push",
            "You are not allowed",
            "denied to",
            "Permission denied",
            "insufficient permission",
            "pre-receive hook declined",
            "hook declined",
        ),
        "permission denied: the remote refused the push",
    ),
    (("not found", "does not appear to be a git repository", "does not exist"), "repository not found"),
)


def explain(stderr: str) -> str:
    for needles, meaning in _EXPLANATIONS:
        if any(needle.lower() in stderr.lower() for needle in needles):
            # "unable to access" also precedes HTTP errors: prefer their meaning
            if meaning.startswith("network") and ("error: 40" in stderr or "error: 50" in stderr):
                continue
            return meaning
    return "git failed"


class GitError(BotError):
    def __init__(self, meaning: str, command: str, stderr: str) -> None:
        detail = "\n".join(line for line in stderr.strip().splitlines()[-8:])
        super().__init__(f"{meaning} (git {command})" + (f":\n{detail}" if detail else ""))
        self.meaning = meaning
        self.stderr = stderr


class Git:
    """git in one folder; ``username``/``password`` are offered to git only when it asks."""

    def __init__(self, cwd: Path, secrets: Secrets, username: str = "", password: str = "") -> None:
        self.cwd = Path(cwd)
        self.secrets = secrets
        self._helper_dir: Optional[str] = None
        self._auth: Dict[str, str] = {}
        if password:
            secrets.add(password, username)
            self._helper_dir = tempfile.mkdtemp(prefix="slimfix-askpass-")
            helper = Path(self._helper_dir, "askpass")
            helper.write_text(_ASKPASS)
            helper.chmod(stat.S_IRWXU)
            self._auth = {
                "GIT_ASKPASS": str(helper),
                "SLIMFIX_GIT_USERNAME": username or "git",
                "SLIMFIX_GIT_PASSWORD": password,
            }

    def close(self) -> None:
        if self._helper_dir:
            shutil.rmtree(self._helper_dir, ignore_errors=True)
            self._helper_dir = None

    def _env(self, extra: Optional[Dict[str, str]]) -> Dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"))}
        env.update(
            GIT_TERMINAL_PROMPT="0",  # fail rather than wait for a human
            GIT_LFS_SKIP_SMUDGE="1",
            LC_ALL="C",
            LANGUAGE="C",
        )
        env.update(self._auth)
        env.update(extra or {})
        return env

    def _argv(self, args: Sequence[str]) -> List[str]:
        argv = ["git", "-c", "core.hooksPath=/dev/null", "-c", "advice.detachedHead=false"]
        if self._auth:  # no credential helper: nothing stores the token
            argv += ["-c", "credential.helper="]
        return argv + list(args)

    def run(
        self,
        *args: str,
        input: Optional[str] = None,
        env: Optional[Dict[str, str]] = None,
        check: bool = True,
    ) -> subprocess.CompletedProcess:
        command = " ".join(args[:2])
        log.debug("git %s", " ".join(args))
        try:
            proc = subprocess.run(
                self._argv(args),
                cwd=self.cwd,
                input=input,
                capture_output=True,
                text=True,
                env=self._env(env),
                timeout=TIMEOUT,
            )
        except subprocess.TimeoutExpired:
            raise BotError(f"git {command} did not finish in {TIMEOUT} s (network?)") from None
        except OSError as exc:
            raise BotError(f"cannot run git: {exc}") from None
        proc.stderr = self.secrets.redact(proc.stderr)  # stdout is data; it is redacted where printed
        if check and proc.returncode != 0:
            said = proc.stderr + self.secrets.redact(proc.stdout)  # push --porcelain reports on stdout
            raise GitError(explain(said), command, said)
        return proc

    def out(self, *args: str, **kwargs) -> str:
        return self.run(*args, **kwargs).stdout.strip()
