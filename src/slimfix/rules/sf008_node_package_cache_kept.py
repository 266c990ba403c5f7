"""SF008: npm, yarn or pnpm keep their package cache in the layer."""

from __future__ import annotations

import re
from typing import Iterable, List, Optional, Tuple

from ..record import record
from ..semantics.context import FileContext
from ..semantics.run import RunView
from ..semantics.savings import cache_size, typical
from ..shell.commands import CommandView
from ..syntax import Instruction
from .base import Applicability, Diagnostic, Rule
from .package_caches import (
    after,
    append_fix,
    cache_mounted,
    commands,
    earlier_match,
    lineage_any,
    plural,
    removes_any,
    user_prefix,
    variable,
)


@record
class _Tool:
    name: str
    cleanup: Optional[str]  # appended after the installs; None: no fix
    applicability: Applicability
    paths: Tuple[str, ...]  # cache directories of root
    suffixes: Tuple[str, ...]  # cache directories under any home
    variables: Tuple[str, ...]  # environment variables that move the cache


NPM = _Tool("npm", "npm cache clean --force", Applicability.SAFE, ("/root/.npm",), ("/.npm", "/.npm/_cacache"),
            ("npm_config_cache", "NPM_CONFIG_CACHE"))
YARN = _Tool("yarn", "yarn cache clean", Applicability.UNSAFE,
             ("/usr/local/share/.cache/yarn", "/root/.yarn"), ("/.cache/yarn", "/.yarn-cache"),
             ("YARN_CACHE_FOLDER", "yarn_cache_folder"))
PNPM = _Tool("pnpm", None, Applicability.DISPLAY_ONLY, ("/root/.local/share/pnpm", "/root/.cache/pnpm"),
             ("/pnpm/store", "/.pnpm-store", "/share/pnpm", "/.cache/pnpm", "/pnpm"),
             ("npm_config_store_dir", "NPM_CONFIG_STORE_DIR", "PNPM_HOME"))
TOOLS = (NPM, YARN, PNPM)

_YARN_INSTALLS = frozenset({"install", "add", "global add"})
# options only Yarn 2+ ("berry") knows
_BERRY_OPTIONS = frozenset({"--immutable", "--immutable-cache", "--check-cache", "--inline-builds", "--mode"})
_BERRY_SCRIPT = re.compile(r"\byarn(?:pkg)?\s+(?:set\s+version|dlx|workspaces\s+focus)\b|\bcorepack\b|--immutable\b")
_BERRY_FILES = (".yarnrc.yml", ".yarn/", ".pnp.")


def _savings(tool: _Tool, found: List[CommandView]) -> int:
    """npm's measured cache of each named package (``express@4`` is ``express``), or of a typical
    application for an install of the project's dependencies; a typical figure for Yarn."""
    if tool is not NPM:
        return typical("yarn_cache")
    named = [_npm_name(w.value) if w.value else None for v in found for w in v.args]
    return cache_size("npm", named, sum(1 for v in found if not v.args))


def _npm_name(spec: str) -> str:
    return spec[:1] + spec[1:].split("@", 1)[0]


def _installs(tool: _Tool, view: CommandView) -> bool:
    if view.action != "install":
        return False
    if tool is YARN:
        if not view.subcommand_words:  # bare `yarn`; `yarn --version` is not an install
            return not view.unknown_options
        return view.subcommand in _YARN_INSTALLS
    return True


def _cleaned(tool: _Tool, run: RunView, view: CommandView) -> bool:
    """A later command of the RUN removes the cache ``view`` filled."""
    position = view.command.start
    if any(v.tool == tool.name and v.action == "cache_clean" for _, v in after(run, position)):
        return True
    if removes_any(run, position, tool.paths, tool.suffixes):
        return True
    return tool is YARN and any(  # rm -rf "$(yarn cache dir)"
        v.tool == "rm" and any("yarn" in w.text and "cache dir" in w.text for w in v.args)
        for _, v in after(run, position)
    )


def _berry(ctx: FileContext, instruction: Instruction, run: RunView, views: List[CommandView]) -> bool:
    """Yarn 2+ is (or may be) in use: its cache can be what the application runs from."""
    if any(o.name.partition("=")[0] in _BERRY_OPTIONS for v in views for o in v.options):
        return True
    if earlier_match(ctx, instruction, run, len(run.shell_text), _BERRY_SCRIPT):
        return True
    return lineage_any(ctx, instruction, "yarn-berry-files",
                       lambda i: i.keyword in ("COPY", "ADD") and any(f in i.original for f in _BERRY_FILES))


class NodePackageCacheKept(Rule, summary="npm or Yarn keep their package cache in the layer",
                                 hadolint=("DL3060",), fix_applicability=Applicability.SAFE):
    """
    ## What it does
    Finds a `RUN` that installs packages with npm (`npm install`, `npm ci`,
    `npm i`) or Yarn 1 (`yarn`, `yarn install`, `yarn add`, `yarn global
    add`) and does not clean the package manager's cache afterwards, and
    appends `npm cache clean --force` or `yarn cache clean`. pnpm installs
    are reported without a fix.

    ## Why is this bad?
    npm keeps a compressed copy of every package it downloads in `~/.npm`,
    Yarn 1 an unpacked copy in `/usr/local/share/.cache/yarn`. Nothing in the
    image reads them again, yet they stay in the layer, Yarn's about as large
    as `node_modules` itself.

    ## Example
    ```dockerfile
    RUN npm ci --omit=dev
    ```

    ## Use instead
    ```dockerfile
    RUN npm ci --omit=dev && npm cache clean --force
    ```

    ## Fix safety
    The npm fix is safe: the cache is only a download cache. The Yarn fix is
    unsafe: Yarn 2 and later read packages from their cache at run time
    (Plug'n'Play), and a project may switch to them through a `.yarnrc.yml`
    that arrives with `COPY . .`. Yarn is not reported at all where Yarn 2+
    is visible: `corepack`, `yarn set version`, `yarn dlx`, `yarn workspaces
    focus` or `--immutable` in the stage, or a copied `.yarnrc.yml`, `.yarn/`
    or `.pnp.*`. For pnpm no fix is offered: its store is hard-linked into
    `node_modules`, so pruning it frees little; a cache mount on the store is
    the better change. Nothing is reported when the same `RUN` already cleans
    up (`npm cache clean`, `yarn cache clean`, `pnpm store prune`, or an
    `rm -r` of the cache directory), when a cache or tmpfs mount covers the
    cache (`/root/.npm` or any `.../.npm`, `/usr/local/share/.cache/yarn`,
    `.../.cache/yarn`, `/root/.yarn`, a pnpm store), when the cache is moved
    (`--cache`, `--cache-folder`, `--store-dir`, `npm_config_cache`,
    `YARN_CACHE_FOLDER`, an inline `HOME=`), or for commands inside `$(...)`.
    No fix is offered when the `RUN` cannot be extended safely (a
    trailing `&` or `;`, unreadable shell text; a comment after the last
    command stays last, after the cleanup) or when the install
    runs as another user (`gosu`, `sudo -u`); a bare `sudo` is repeated
    before the cleanup.

    A `RUN <<EOF` shell script and an `ONBUILD RUN` are checked too; in a
    script, the cache cleanup joins its last command with `&&`, which keeps the
    script's exit status (no fix after a final comment line or `exit`).

    ## Estimated savings
    For npm, the cache measured on npm 9 (`measured_sizes.toml`, by
    `scripts/measure-sizes.sh`): per package named on the command line, what
    installing it alone caches (the median of the measured packages for the
    others), and per install of a project's dependencies (`npm ci`, a bare
    `npm install`) what a typical web application's dependencies cache.
    Yarn 1: 150 MB per `RUN` (`savings.toml`: unpacked copies, about the size
    of a typical `node_modules`; not measured).
    """

    def check(self, ctx: FileContext) -> Iterable[Diagnostic]:
        for run in ctx.runs():
            instruction = run.instruction
            for tool in TOOLS:
                found = self._uncleaned(ctx, instruction, run, tool)
                if found:
                    yield self._diagnose(instruction, run, tool, found)

    @staticmethod
    def _uncleaned(ctx: FileContext, instruction: Instruction, run: RunView, tool: _Tool) -> List[CommandView]:
        installs = [v for _, v in commands(run, (tool.name,)) if _installs(tool, v)]
        if not installs or cache_mounted(run, tool.paths, tool.suffixes):
            return []
        found = [
            v for v in installs
            if not v.has("cache_dir") and v.env_value("HOME") is None
            and variable(ctx, instruction, run, v, tool.variables) is None and not _cleaned(tool, run, v)
        ]
        if found and tool is YARN and _berry(ctx, instruction, run, installs):
            return []
        return found

    def _diagnose(self, instruction: Instruction, run: RunView, tool: _Tool, found: List[CommandView]) -> Diagnostic:
        message = f"{tool.name} keeps its package cache in the layer ({plural(len(found), 'install')})"
        if tool.cleanup is None:
            return self.diagnostic(instruction, message + "; use a cache mount on its store (no automatic fix)")
        prefixes = {user_prefix(v) for v in found}
        if None in prefixes or len(prefixes) > 1:
            return self.diagnostic(instruction, message + " (no automatic fix: it runs as another user)")
        command = prefixes.pop() + tool.cleanup
        fix = append_fix(run, command, tool.applicability)
        if fix is None:
            reason = run.cannot_append() or "the RUN cannot be extended safely"
            return self.diagnostic(instruction, f"{message} (no automatic fix: {reason})")
        return self.diagnostic(instruction, f"{message}; append `{command}`", fix=fix, savings=_savings(tool, found))
