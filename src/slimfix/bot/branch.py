"""What is on the bot's branch: its own commits only, and whether it already
carries the wanted changes."""

from __future__ import annotations

from typing import List, Optional, Sequence

from ..record import field, record
from .description import TREE_TRAILER
from .gitcmd import Git


@record
class BranchState:
    commit: Optional[str] = None  # None: the branch does not exist
    foreign: List[str] = field(default_factory=list)  # "abc1234 subject" of commits the bot did not make
    current: bool = False  # merging it gives exactly the wanted files

    @property
    def exists(self) -> bool:
        return self.commit is not None


def bot_trailer(message: str) -> Optional[str]:
    for line in reversed(message.strip().splitlines()):
        key, sep, value = line.partition(":")
        if sep and key.strip() == TREE_TRAILER:
            return value.strip()
    return None


def _same(git: Git, a: str, b: str, paths: Sequence[str]) -> bool:
    if not paths:
        return True
    return git.run("diff", "--quiet", a, b, "--", *paths, check=False).returncode == 0


def _changed(git: Git, a: str, b: str) -> List[str]:
    return sorted(git.out("diff", "--name-only", "--no-renames", "-z", a, b).split("\0")[:-1] or [])


def inspect_branch(git: Git, base: str, branch: str, wanted_tree: str) -> BranchState:
    """``base`` and ``branch`` are commits; ``wanted_tree`` is the base with slimfix's fixes."""
    wanted = _changed(git, base, wanted_tree)
    merge_base = git.run("merge-base", base, branch, check=False).stdout.strip()
    log = git.out("log", "--format=%H%x1f%T%x1f%s%x1f%B%x1e", f"{base}..{branch}")
    foreign = []
    for entry in filter(None, (r.strip("\n") for r in log.split("\x1e"))):
        commit, tree, subject, message = entry.split("\x1f", 3)
        if bot_trailer(message) != tree:
            foreign.append(f"{commit[:10]} {subject}")
    if not merge_base:
        foreign.append("(no history shared with the target branch)")
    if foreign:  # someone else's work: is what slimfix wants there anyway?
        return BranchState(branch, foreign, _same(git, branch, wanted_tree, wanted))
    current = (
        _changed(git, merge_base, branch) == wanted
        and _same(git, branch, wanted_tree, wanted)
        and _same(git, merge_base, base, wanted)
    )
    return BranchState(branch, [], current)
