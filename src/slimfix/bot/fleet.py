"""Which repositories a campaign covers: named on the command line, listed in a
file, or found through the forge's API; filtered, then split into shards."""

from __future__ import annotations

import hashlib
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Iterable, List, Optional, Sequence, Tuple

from ..record import record
from .errors import BotError
from .forges import Listed
from .remote import parse_remote


@record
class Target:
    repo: str  # a folder (made absolute) or a clone URL: what tells repositories apart
    name: str  # the project path: what filters and shards go by
    project: Optional[str] = None  # --project for this repository (found by --autodiscover)
    skip: str = ""  # why it is left out: "archived", "a fork", "empty"


def name_of(repo: str) -> str:
    folder = Path(repo)
    if folder.exists():
        return parse_remote(str(folder.resolve())).path
    return parse_remote(repo).path


def read_repos_file(path: str) -> List[str]:
    """One repository a line; blank lines and ``#`` comments are ignored."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise BotError(f"cannot read --repos-file {path}: {exc.strerror}") from None
    lines = (line.split(" #", 1)[0].strip() for line in text.splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def from_names(repos: Iterable[str]) -> List[Target]:
    return [Target(str(Path(r).resolve()) if Path(r).exists() else r, name_of(r)) for r in repos]


def from_listing(listed: Iterable[Listed]) -> List[Target]:
    return [Target(item.clone_url, item.name, item.name, item.skip) for item in listed]


def select(targets: Sequence[Target], include: Sequence[str], exclude: Sequence[str]) -> List[Target]:
    """Targets whose name matches an ``include`` pattern (all when none is given) and
    no ``exclude`` pattern; a repository named twice is kept once."""
    seen, out = set(), []
    for target in targets:
        if target.repo in seen:
            continue
        seen.add(target.repo)
        if include and not any(fnmatchcase(target.name, p) for p in include):
            continue
        if any(fnmatchcase(target.name, p) for p in exclude):
            continue
        out.append(target)
    return out


def parse_shard(text: str) -> Tuple[int, int]:
    """``K/N`` (1 <= K <= N) as (K, N)."""
    left, _, right = text.partition("/")
    try:
        k, n = int(left), int(right)
    except ValueError:
        k = n = 0
    if not 1 <= k <= n:
        raise BotError(f"--shard must be K/N with 1 <= K <= N, not {text!r}")
    return k, n


def shard_of(name: str, n: int) -> int:
    """1..n, from the name alone: a repository stays in its shard as the list grows."""
    return int(hashlib.sha256(name.encode("utf-8")).hexdigest()[:12], 16) % n + 1


def shard(targets: Sequence[Target], k: int, n: int) -> List[Target]:
    return [t for t in targets if shard_of(t.name, n) == k]
