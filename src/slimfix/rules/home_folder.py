"""Whether HOME is an existing folder when a command runs: an edit that stops a tool from writing
its cache under HOME (SF007) would otherwise change whether HOME exists for later commands
(``cd``, ``ls ~``). An allow-list of proofs, each a fact about the file:

- HOME is root's ``/root`` (no ``USER``, or root), ``/`` or ``/tmp``;
- an ``ENV HOME`` whose folder a ``WORKDIR`` created (``WORKDIR /home/app/src``, or
  ``WORKDIR $HOME`` while HOME had the same value);
- ``USER NAME`` (HOME from the user's entry) after a RUN that surely created the user with its
  home: ``useradd -m``/``--create-home``, or on Alpine (``alpine``, an official ``*-alpine``
  image) BusyBox's ``adduser`` with no option but ``-D``, ``-S`` and the like (not ``-H``);
  nothing after it deletes or moves users or folders under ``/home``;
- in the RUN itself, a command that succeeds only when HOME exists or makes it (``mkdir $HOME``,
  ``cd``, ``cd $HOME``, ``chown``/``chmod`` of ``$HOME``, ``test -d $HOME``) joined to the command
  by ``&&`` alone, with only reading commands and ``cd`` between them.

The RUN must not set, unset or otherwise name HOME than to read ``$HOME``, and its shell must run
nothing before the command that could set HOME out of sight (``.``, ``eval``, a function), but
the activate script of a venv the RUN surely made just before."""

from __future__ import annotations

import posixpath
import re
from typing import FrozenSet

from ..semantics.context import FileContext
from ..semantics.images import ImageRef
from ..semantics.run import RunView
from ..semantics.shellfacts import surely_succeeded_before, surely_succeeded_on_success
from ..semantics.shellstate import effects_before, tables
from ..shell.commands import CommandView
from ..shell.nodes import SimpleCommand
from ..syntax import Instruction
from .package_caches import env_value

# Folders every image has: root's home (HOME when the file sets neither HOME nor USER) and /tmp.
_ALWAYS_THERE = frozenset({"/", "/root", "/tmp"})
_HOME_READ = re.compile(r"\$HOME\b|\$\{HOME\}")
_HOME_NAMED = re.compile(r"\bHOME\b")  # not CUDNN_HOME, HOME_DIR: other variables
_UNDER_HOME = re.compile(r"\"?\$(?:HOME\b|\{HOME\})(/[^$`\\\"']*)?\"?")  # not '$HOME': literal
_HOME_WORD = re.compile(r"\"?\$(?:HOME|\{HOME\})/?\"?")
_ROOT_USERS = frozenset({"root", "0"})
_PYTHON = re.compile(r"python[0-9.]*")
# Shell state changes that name what they change (HOME among the variables is caught by its name).
_NAMED_CHANGES = frozenset({"cwd", "umask", "variable", "option", "positional", "exit", "hash"})
_USER_NAME = re.compile(r"[a-z_][a-z0-9_-]*\Z")
# What may undo a home folder made earlier: a user's removal or change, a folder under /home moved.
_UNDOES = re.compile(r"\b(?:userdel|usermod|deluser)\b|\b(?:rm|rmdir|mv)\b[^;&|\n]*(?:/home\b|~|\$HOME|\$\{HOME)")


def home_exists(ctx: FileContext, instruction: Instruction, run: RunView, view: CommandView) -> bool:
    """HOME is known to be an existing folder when ``view`` runs (see the module)."""
    if view.env_value("HOME") is not None or _HOME_NAMED.search(_HOME_READ.sub("", run.shell_text)):
        return False  # the RUN sets, unsets or reads HOME into something slimfix does not follow
    if not _plain_shell_before(run, view.command.start):
        return False  # a sourced file, an eval, a function... may set HOME out of sight
    if _made_in_run(run, view.command.start):
        return True
    home = env_value(ctx, instruction, "HOME")
    if home is None:
        users = [i.value[0] for i in ctx.lineage(instruction) if i.keyword == "USER" and i.value]
        if not users:
            return True
        user = users[-1].partition(":")[0]
        return user in _ROOT_USERS or _user_made(ctx, instruction, run, view.command.start, user)
    raw = home = home.strip("\"'")
    if not home.startswith("/") or any(c in home for c in "$`\\"):
        return False
    home = posixpath.normpath(home)
    if home in _ALWAYS_THERE:
        return True
    lineage = ctx.lineage(instruction)
    made = {ctx.workdir(i) for i in (*lineage, instruction)}
    for i in lineage:  # `WORKDIR $HOME/...` where HOME was what it is now
        below = _UNDER_HOME.fullmatch(i.value[0]) if i.keyword == "WORKDIR" and i.value else None
        if below and (env_value(ctx, i, "HOME") or "").strip("\"'") == raw:
            made.add(posixpath.normpath(home + (below.group(1) or "")))
    return any(d == home or (d or "").startswith(home + "/") for d in made)


def _plain_shell_before(run: RunView, position: int) -> bool:
    """Everything the RUN's own shell runs before ``position`` changes only what it names (no
    ``.``, ``eval``, function or unreadable text): a command nested in a compound needs it of the
    whole RUN, one of the top-level list of the items before its own."""
    script = run.script
    if script is None or script.has_opaque:
        return False
    lst = script.body
    index = next((j for j, item in enumerate(lst.items) if item.start <= position < item.end), None)
    if index is None or not isinstance(lst.items[index], SimpleCommand):
        effects = run.state.effects
    else:
        effects = effects_before(script, index, _venv_activations(lst, index))
    return all(effect.kind in _NAMED_CHANGES for effect in effects)


def _venv_activations(lst, index: int) -> FrozenSet[int]:
    """Top-level items before ``index`` that source ``DIR/bin/activate`` of a venv an item
    before them surely made (``pythonX -m venv DIR`` joined by ``&&`` alone): Python's own
    activate script sets only VIRTUAL_ENV, PATH and PS1 and defines ``deactivate``."""
    made = {}  # venv folder as written -> item index
    out = set()
    for at, item in enumerate(lst.items[:index]):
        if not isinstance(item, SimpleCommand) or item.assignments or item.redirects:
            continue
        words = [w.code for w in item.words]
        if len(words) >= 4 and _PYTHON.fullmatch(words[0]) and words[1:3] == ["-m", "venv"]:
            if all(w.startswith("-") for w in words[3:-1]) and not words[-1].startswith("-"):
                made[words[-1]] = at
        elif len(words) == 2 and words[0] in (".", "source") and words[1].endswith("/bin/activate"):
            folder = made.get(words[1][:-len("/bin/activate")])
            if folder is not None and surely_succeeded_before(lst, folder, item.start):
                out.add(at)
    return frozenset(out)


def _made_in_run(run: RunView, position: int) -> bool:
    """A top-level item of ``run`` before ``position`` proves HOME exists (or makes it), ``&&`` alone
    joins it to the command there, and only reading commands and ``cd`` run between them."""
    script = run.script
    if script is None or script.has_opaque:
        return False
    lst = script.body
    later = next((j for j, item in enumerate(lst.items) if item.start <= position < item.end), None)
    if later is None:
        return False
    safe = tables().readers | {"cd"}
    for index in range(later - 1, -1, -1):
        item = lst.items[index]
        if not isinstance(item, SimpleCommand) or not item.words:
            return False
        if _proves_home(item):
            return surely_succeeded_before(lst, index, position)
        if item.words[0].value not in safe or item.assignments:
            return False
    return False


def _proves_home(command: SimpleCommand) -> bool:
    words = [w.code for w in command.words]
    name, args = words[0], words[1:]
    homes = [a for a in args if _HOME_WORD.fullmatch(a)]
    if name == "cd":
        return args == [] or args == homes
    if name in ("test", "["):
        return args[:2] == ["-d", args[1] if len(args) > 1 else ""] and len(homes) == 1 and args[1] == homes[0]
    if name in ("mkdir", "chown", "chmod") and homes:
        # a missing path fails chown and chmod; -f hides the message, not the status, but is left out
        return all(not a.startswith("-") or a in ("-p", "-R", "--recursive", "--parents", "-v") for a in args)
    return False


def _user_made(ctx: FileContext, instruction: Instruction, run: RunView, position: int, user: str) -> bool:
    """A RUN before ``instruction`` surely created ``user`` with its home folder, and nothing since
    (nor in ``run`` before ``position``) undoes it."""
    if not _USER_NAME.match(user):
        return False
    image = ImageRef.parse(ctx.root_image(ctx.stage(instruction)))
    alpine = image.name == "alpine" or (image.is_official and "alpine" in image.tag)  # python:3-alpine
    made = False
    for earlier in ctx.lineage(instruction):
        if earlier.keyword != "RUN":
            continue
        view = ctx.run(earlier)
        if made and (view is None or _UNDOES.search(view.shell_text)):
            return False
        if not made and view is not None and _creates_home(view, user, alpine):
            made = True
    return made and not _UNDOES.search(run.shell_text[:position])


def _creates_home(run: RunView, user: str, alpine: bool) -> bool:
    script = run.script
    if script is None or script.has_opaque:
        return False
    lst = script.body
    for index, item in enumerate(lst.items):
        if isinstance(item, SimpleCommand) and _adds_user_with_home(item, user, alpine):
            return surely_succeeded_on_success(lst, index)
    return False


def _adds_user_with_home(command: SimpleCommand, user: str, alpine: bool) -> bool:
    words = [w.value for w in command.words]
    if command.assignments or not words or None in words or words[-1] != user:
        return False
    options = words[1:-1]
    if words[0] == "useradd":
        return any(o in ("-m", "--create-home") for o in options) and not any(
            o in ("-M", "--no-create-home") for o in options)
    if words[0] == "adduser" and alpine:  # BusyBox: the home is made unless -H
        return all(o.startswith("-") and "H" not in o[1:] and not o.startswith("--") for o in options)
    return False
