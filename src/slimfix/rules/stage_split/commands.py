"""What one shell command is to the split: the ecosystem whose dependencies it installs or builds,
and its role in a RUN (package install, dependency step, runtime setup, cleanup...)."""

from __future__ import annotations

from typing import Optional

from ...shell.commands import CommandView
from ...shell.nodes import SimpleCommand
from ...shell.rm import removed_paths
from .model import (BUILD, CLEANUP, DEPS, INSTALL, PRELUDE, REMOVE, SETUP, TOOLING, UPDATE, UPGRADE,
                    Refused)
from .tables import (CACHE_DIRS, GO_BUILD_SUBCOMMANDS, MANAGERS, NODE_BUILD_SUBCOMMANDS, PIP_TOOLING, SETUP_PROGRAMS,
                     YARN_OTHER_SUBCOMMANDS)


def ecosystem(view: Optional[CommandView]) -> Optional[str]:
    if view is None:
        return None
    if view.tool == "pip" and view.action == "install" and not pip_tooling(view):
        return "python"
    if view.tool in ("npm", "yarn") and (view.action == "install" or node_build(view)):
        return "node"
    return None


def pip_tooling(view: CommandView) -> bool:
    """``pip install --upgrade pip setuptools wheel``: tools for the build, not dependencies."""
    names = {p.name.lower() for p in view.packages if p.name}
    return bool(names) and names <= PIP_TOOLING and view.option("requirement") is None


def node_build(view: CommandView) -> bool:
    if view.tool == "npm":
        return view.subcommand in NODE_BUILD_SUBCOMMANDS
    return view.tool == "yarn" and view.action is None and view.subcommand not in YARN_OTHER_SUBCOMMANDS


def go_subcommand(command: SimpleCommand) -> Optional[str]:
    argv = command.argv
    return argv[1] if len(argv) > 1 and argv[0] == "go" else None


def role(node: SimpleCommand, view: Optional[CommandView], line: int) -> str:
    """The command's role; Refused when it is none the split can place."""
    name = node.name or ""
    if view is None:
        if name in SETUP_PROGRAMS and not node.assignments:
            return SETUP
        if not node.words and not node.redirects:  # VAR=value: for the commands after it
            return PRELUDE
        if go_subcommand(node) in GO_BUILD_SUBCOMMANDS:
            return BUILD
        if name == "virtualenv" or (name.startswith("python") and "venv" in node.code.split()):
            raise Refused(f"a virtualenv is made on line {line}; the rule installs into a prefix")
        raise Refused(f"cannot tell whether `{shown(node)}` on line {line} builds or sets up the runtime")
    tool, action = view.tool, view.action
    if tool in MANAGERS:
        roles = {"update_index": UPDATE, "install": INSTALL, "upgrade": UPGRADE, "remove": REMOVE,
                 "autoremove": CLEANUP, "cache_clean": CLEANUP}
        if action in roles:
            return roles[action]
    elif tool == "pip":
        if action == "install":
            return TOOLING if pip_tooling(view) else DEPS
        if view.subcommand == "cache purge":
            return CLEANUP
    elif tool in ("npm", "yarn"):
        if action == "install":
            if view.has("global"):
                raise Refused(f"`{view.command.code}` on line {line} installs a global package")
            return DEPS
        if action == "cache_clean":
            return CLEANUP
        if node_build(view):
            return BUILD
    elif tool == "rm":
        paths = removed_paths(view)
        if paths and len(paths) == len(view.args) and all(is_cache(p.path) for p in paths):
            return CLEANUP
    elif tool in ("cd", "set", "export"):
        return PRELUDE
    raise Refused(f"cannot tell whether `{shown(node)}` on line {line} builds or sets up the runtime")


def plain_list(script, text: str) -> bool:
    """Simple commands joined by ``&&`` or ``;`` (a final ``;`` allowed): each command and the
    joiner before it can be kept or left out without changing how the others run."""
    body = script.body
    if script.has_opaque or not body.items or not all(isinstance(i, SimpleCommand) for i in body.items):
        return False
    if any(op.op not in ("&&", ";") for op in body.operators):
        return False
    return text[body.items[-1].end:].strip() in ("", ";")


def shown(node: SimpleCommand, limit: int = 40) -> str:
    text = " ".join(node.code.split())
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


def is_cache(path: str) -> bool:
    return any(within(path, cache) for cache in CACHE_DIRS)


def within(path: str, parent: Optional[str]) -> bool:
    if parent is None:
        return False
    return path == parent or path.startswith(parent.rstrip("/") + "/")
