"""apt's package lists beyond a plain ``apt-get update``: commands that update them implicitly,
scripts that do, cleanups that miss them, RUNs that only update, and the lists' size. Shared by
SF002, SF013 and SF014."""

from __future__ import annotations

import re
from fnmatch import fnmatchcase
from functools import lru_cache
from typing import List

from ..datafiles import load_table
from ..semantics.context import FileContext
from ..semantics.run import RunView
from ..semantics.savings import apt_lists_size
from ..semantics.scripts import run_scripts
from ..shell.rm import normalise_path
from ..syntax import Instruction

LISTS = "/var/lib/apt/lists"


def implicit_update(run: RunView) -> bool:
    """A command that runs ``apt-get update`` itself: ``apt-get install --update``,
    ``add-apt-repository`` without ``-n``, or a vendor setup script of ``apt.toml``'s
    ``implicit_update`` table fetched and piped to a shell (``curl ... | bash -``)."""
    text = run.shell_text
    if "apt" in text:
        for view in run.views("apt"):
            if view.has("update_first"):
                return True
        if any(not view.has("no_update") and not view.has("remove") for view in run.views("add-apt-repository")):
            return True
    if "http" not in text:
        return False
    for c, view in run.commands:
        if view is None or view.tool not in ("curl", "wget") or not (c.in_pipeline or c.in_substitution):
            continue
        if any(pattern.match(word.value or "") for word in view.args for pattern in _setup_scripts()):
            return True
    return False


@lru_cache(maxsize=None)
def _setup_scripts() -> tuple:
    table = load_table("packages/apt.toml").get("implicit_update", {})
    return tuple(re.compile(pattern) for pattern in table.get("setup_scripts", ()))


def lists_savings(ctx: FileContext, instruction: Instruction) -> int:
    """The size of the lists a RUN of this stage leaves (``semantics/savings.toml``)."""
    return apt_lists_size(ctx.root_image(ctx.stage(instruction)))


def only_updates(run: RunView) -> bool:
    """Every command of the RUN is ``apt-get update`` (or ``apt update``): a lone update, which
    SF013 moves or removes; cleaning up inside it would leave a layer that does nothing."""
    commands = run.commands
    return bool(commands) and all(v is not None and v.tool == "apt" and v.action == "update_index"
                                  for _, v in commands)


def mistyped_cleanups(run: RunView) -> List[tuple]:
    """(rm view, word) for each ``rm`` argument that looks meant for the lists but misses them
    (``/var/apt/lists/*``, ``/var/lib/apt/list/*``): a path under ``/var`` with a folder named
    ``list...`` below one naming ``apt``, that neither covers the lists nor lies inside them.
    SF014 replaces them."""
    out = []
    if "list" not in run.shell_text:
        return out
    for c, view in run.commands:
        if view is None or view.tool != "rm" or c.in_substitution:
            continue
        for word in view.args:
            value = word.value
            if value is None or "apt" not in value or "list" not in value or not value.startswith("/var/"):
                continue
            pattern = normalise_path(value) or value
            parts = pattern.strip("/").split("/")
            at = next((i for i, part in enumerate(parts) if part.startswith("list")), None)
            if at is None or not any("apt" in part for part in parts[:at]):
                continue  # not a folder named like "lists" below one named like "apt"
            if word.has_glob and (fnmatchcase(LISTS, pattern) or fnmatchcase(LISTS + "/x", pattern)):
                continue
            bare = pattern[:-2] if pattern.endswith("/*") else pattern
            if bare == LISTS or LISTS.startswith(bare + "/") or bare.startswith(LISTS + "/"):
                continue
            out.append((view, word))
    return out


_UPDATE_IN_SCRIPT = re.compile(r"\bapt(?:-get)?\s+(?:-\S+\s+)*update\b")


def script_updates(ctx: FileContext, instruction: Instruction, run: RunView) -> bool:
    """The RUN runs a script, copied from the build context, that runs ``apt-get update`` and never
    names the lists (a script that cleans them, or does something slimfix cannot follow, is left
    alone)."""
    if "/" not in run.shell_text and "sh" not in run.shell_text:
        return False
    return any(_UPDATE_IN_SCRIPT.search(text) and LISTS not in text
               for text in run_scripts(ctx, instruction, run))
