"""SF007: pip keeps its download and wheel cache in the layer."""

from __future__ import annotations

import re
from typing import Iterable

from ..semantics.context import FileContext
from ..semantics.run import RunView
from ..shell.commands import CommandView
from ..syntax import Instruction
from .base import Applicability, Diagnostic, Rule
from .package_caches import (abbreviates, cache_mounted, commands, earlier_match, home_exists, option_finding,
                             plural, variable)

OPTION = "--no-cache-dir"
PACKAGE_SAVINGS = 5_000_000
PROJECT_SAVINGS = 50_000_000
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
    projects = len(view.option_values("requirement")) + len(view.option_values("editable"))
    packages = 0
    for word in view.args:
        value = word.value or ""
        if value.startswith((".", "/")) or value.endswith((".txt", ".toml")):
            projects += 1
        else:
            packages += 1
    return max(PACKAGE_SAVINGS, packages * PACKAGE_SAVINGS + projects * PROJECT_SAVINGS)


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
    Safe when HOME is known to exist where pip runs (root's `/root`, or an
    `ENV HOME` that a `WORKDIR` created): the option then only stops pip
    from writing its cache. Otherwise (an `ENV HOME` no instruction is known
    to create, a `USER` other than root, a `RUN` that names `HOME` other
    than to read `$HOME`) the cache folder may be what creates HOME, which a
    later `cd` or `ls ~` sees, and the fix is unsafe. Nothing is
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
    pip predates `--no-cache-dir` (and has no cache either).

    `RUN <<EOF` scripts (a `RUN` whose command is one heredoc, with no `#!`
    line or a POSIX shell's) and `ONBUILD RUN` are checked and fixed like any
    `RUN`: the option is a word inserted in the script's line.

    ## Estimated savings
    Per command: 5 MB per package named on the command line and 50 MB per
    requirements file, local project or editable install (a rough size of
    the downloaded wheels and sources a typical requirements file pulls in),
    at least 5 MB.
    """

    def check(self, ctx: FileContext) -> Iterable[Diagnostic]:
        for run in ctx.runs():
            instruction = run.instruction
            if cache_mounted(run, ("/root/.cache/pip",), _CACHE_SUFFIXES):
                continue
            found = [v for c, v in commands(run, ("pip",)) if self._keeps_cache(ctx, instruction, run, v)]
            if not found:
                continue
            message = f"pip keeps its cache in the layer ({plural(len(found), 'command')}); add `{OPTION}`"
            savings = sum(_savings(v) for v in found)
            # without its cache, pip no longer creates a missing HOME that later commands may enter
            sure = all(home_exists(ctx, instruction, run, v) for v in found)
            level = Applicability.SAFE if sure else Applicability.UNSAFE
            yield option_finding(self, ctx, instruction, run, found, message, OPTION, "pip", savings, level)

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
