"""SF007: pip keeps its download and wheel cache in the layer."""

from __future__ import annotations

import re
from typing import Iterable

from ..semantics.context import FileContext
from ..semantics.run import RunView
from ..semantics.savings import cache_size
from ..shell.commands import CommandView
from ..syntax import Instruction
from .base import Applicability, Diagnostic, Rule
from .home_folder import home_exists
from .package_caches import (abbreviates, cache_mounted, commands, earlier_match, old_release, option_finding,
                             plural, variable)
from .pip_upgrade import modern_pip

OPTION = "--no-cache-dir"
# `pip config set global.no-cache-dir ...` (any section) turns the cache off for later commands
_CONFIGURED = re.compile(r"\bpip[0-9.]*\s+config\s+(?:--\S+\s+)*set\s+\S*no-cache-dir\b")
_CACHE_SUFFIXES = ("/.cache/pip", "/.cache")


def _installs(view: CommandView) -> bool:
    """``pip install`` with something to install (packages, a requirements file, a project)."""
    if view.subcommand != "install" or view.has("simulate"):
        return False
    return bool(view.args) or view.has("requirement") or view.has("editable")


def _cache_off(view: CommandView) -> bool:
    return view.has("no_cache") or view.has("cache_dir") or abbreviates(view, OPTION, len("--no-ca"))


def _savings(view: CommandView) -> int:
    """The measured cache of each named package (``Django[argon2]>=4`` is ``django``; a word known
    only at build time counts a typical package) and of a typical project for each requirements
    file, local project or editable install."""
    projects = len(view.option_values("requirement")) + len(view.option_values("editable"))
    packages = []
    for word in view.args:
        value = word.value
        if value and (value.startswith((".", "/")) or value.endswith((".txt", ".toml"))):
            projects += 1
        else:
            packages.append(re.split(r"[\[<>=!~;@ ]", value, 1)[0].lower().replace("_", "-") if value else None)
    return cache_size("pip", packages, projects)


class PipCacheKept(Rule, summary="pip keeps its cache in the layer",
                         hadolint=("DL3042",), fix_applicability=Applicability.SAFE):
    """
    ## What it does
    Finds `pip install` commands (`pip`, `pip3`, `pip3.12`, `python -m pip`,
    also behind `sudo`, `env` and the like) without `--no-cache-dir`, and adds
    it after `install`.

    ## Why is this bad?
    pip keeps every package it downloads and every wheel it builds in
    `~/.cache/pip`. In an image build nothing reuses that cache, yet it stays
    in the layer, often as large as the installed packages themselves.

    ## Example
    ```dockerfile
    RUN pip install -r requirements.txt
    ```

    ## Use instead
    ```dockerfile
    RUN pip install --no-cache-dir -r requirements.txt
    ```

    ## Fix safety
    Safe when HOME is known to exist where pip runs: root's `/root`; an
    `ENV HOME` that a `WORKDIR` created (also `WORKDIR $HOME`); the home of a
    `USER` that an earlier `RUN` surely created with it (`useradd -m`, or
    BusyBox's `adduser` on Alpine); or a command earlier in the `RUN` that
    fails without HOME or makes it (`mkdir -p $HOME`, `cd`, `chown ... $HOME`),
    joined by `&&` alone with only reading commands between. The option then
    only stops pip from writing its cache. Otherwise (an `ENV HOME` no
    instruction is known to create, another `USER`, a `RUN` that names
    `HOME` other than to read `$HOME`, or sources a file or runs `eval`
    before pip, but a venv's own `activate`) the cache folder may be what
    creates HOME, which a later `cd` or `ls ~` sees, and the fix is unsafe
    (the full list is in `rules/home_folder.py`). Nothing is
    reported when the cache is already off or elsewhere: `--cache-dir` (or
    the `--no-cache` abbreviation) on the command, `PIP_NO_CACHE_DIR` set by
    `ENV` (in the stage or one it is built from), by an `ARG` default of the
    stage, inline (`PIP_NO_CACHE_DIR=1 pip install`, `env
    PIP_NO_CACHE_DIR=1 pip install`) or by an earlier `export`; an earlier
    `pip config set global.no-cache-dir`; a cache or tmpfs mount on
    `/root/.cache/pip`, on `PIP_CACHE_DIR`, or on any target ending with
    `.cache/pip` or `.cache`. `pip install` without anything to install,
    `--dry-run`, `pip download` and `pip wheel` are not reported, nor
    commands inside `$(...)`. No fix is offered when part of the `RUN` cannot
    be read, or on Ubuntu 14.04, Debian 8, CentOS 6 and older, whose packaged
    pip predates `--no-cache-dir` (and has no cache either), unless a modern
    pip surely replaced it earlier in the same `RUN`: on Debian and Ubuntu,
    `python get-pip.py` (a get-pip.py downloaded from bootstrap.pypa.io) or
    `pip install --upgrade pip` joined to the install by `&&` alone, with
    nothing that could send the new pip elsewhere or make the shell find
    the old one (no `USER`, `COPY`, `ADD`, `SHELL`, no `ENV` of `PATH`,
    `PYTHON*` or `PIP_*`, no pip or distutils configuration, no earlier
    mention of the install's `pip` command in the `RUN`, no variable set
    before it; the full list is in `rules/pip_upgrade.py`).

    `RUN <<EOF` scripts (a `RUN` whose command is one heredoc, with no `#!`
    line or a POSIX shell's) and `ONBUILD RUN` are checked and fixed like any
    `RUN`: the option is a word inserted in the script's line.

    ## Estimated savings
    The cache `pip install` leaves, measured (`measured_sizes.toml`, by
    `scripts/measure-sizes.sh`): per package named on the command line, what
    installing it alone caches (the median of the measured packages for the
    others), and per requirements file, local project or editable install what
    a typical web application's requirements cache.
    """

    def check(self, ctx: FileContext) -> Iterable[Diagnostic]:
        for run in ctx.runs():
            instruction = run.instruction
            if cache_mounted(run, ("/root/.cache/pip",), _CACHE_SUFFIXES):
                continue
            pairs = [(c, v) for c, v in commands(run, ("pip",)) if self._keeps_cache(ctx, instruction, run, v)]
            if not pairs:
                continue
            # on a release whose own pip predates the option, a pip the RUN installed first knows it
            # (the release's own pip has no cache either): those are fixed, the others only reported
            groups = [([v for _, v in pairs], False)]
            if old_release(ctx, instruction) is not None:
                modern = [modern_pip(ctx, instruction, run, c, v) for c, v in pairs]
                groups = [([v for (_, v), m in zip(pairs, modern) if m == want], want) for want in (True, False)]
            for found, known_modern in groups:
                if found:
                    yield self._finding(ctx, instruction, run, found, known_modern)

    def _finding(self, ctx: FileContext, instruction: Instruction, run: RunView, found, modern: bool) -> Diagnostic:
        message = f"pip keeps its cache in the layer ({plural(len(found), 'command')}); add `{OPTION}`"
        savings = sum(_savings(v) for v in found)
        # without its cache, pip no longer creates a missing HOME that later commands may enter
        sure = all(home_exists(ctx, instruction, run, v) for v in found)
        level = Applicability.SAFE if sure else Applicability.UNSAFE
        return option_finding(self, ctx, instruction, run, found, message, OPTION, "pip", savings, level,
                              modern=modern)

    @staticmethod
    def _keeps_cache(ctx: FileContext, instruction: Instruction, run: RunView, view: CommandView) -> bool:
        if not _installs(view) or _cache_off(view):
            return False
        if variable(ctx, instruction, run, view, ("PIP_NO_CACHE_DIR",)) is not None:
            return False
        cache_dir = variable(ctx, instruction, run, view, ("PIP_CACHE_DIR",))
        if cache_dir and cache_mounted(run, (cache_dir,)):
            return False
        return not earlier_match(ctx, instruction, run, view.command.start, _CONFIGURED)
