"""Whether a ``pip install`` surely runs a pip that the build itself installed earlier in the same
RUN (``python get-pip.py``, ``pip install --upgrade pip``) rather than the pip of its release:
on Ubuntu 14.04, Debian 8 and older, whose packaged pip predates ``--no-cache-dir``, only such a
pip is known to accept the option.

Proven by an allow-list of what runs before the install, never by known-bad cases:

- the upgrade is an item of the RUN's top-level list joined to the install by ``&&`` alone
  (``shellfacts.surely_succeeded_before``): when the install runs, the upgrade ran and succeeded;
- the upgrade is ``pythonV GET-PIP [args]`` with a get-pip.py downloaded from bootstrap.pypa.io
  (every one there installs pip 8 or later), or ``pipV install --upgrade pip`` /
  ``pythonV -m pip install --upgrade pip``; any other argument is a known harmless option or a
  package (a ``pip`` with a version is 6 or later); no wrapper, no inline variable;
- pip is then installed where the shell finds ``pip`` first (``/usr/local/bin`` of the default
  PATH on Debian and Ubuntu, for every Python there): no ``ENV``/``ARG`` sets PATH or a variable
  Python or pip read (``PYTHON*``, ``PIP_*``, ``VIRTUAL_ENV``), no ``USER`` (pip would fall back to
  ``~/.local``), no ``COPY``/``ADD`` or ``SHELL`` before the RUN, and no RUN text before the
  install mentions pip's or distutils' configuration;
- the install is ``pipW install`` written as a plain command name the upgrade creates (``pip``
  always; ``pipW`` when the upgrade ran under version V that W starts), and nothing in the RUN
  before the install names ``pipW`` (the shell would remember where it found the old one); the
  commands before it change no variable and leave nothing but directory, mask and option changes.
"""

from __future__ import annotations

import re
from typing import Optional

from ..semantics.context import FileContext
from ..semantics.images import ImageRef
from ..semantics.run import RunView
from ..semantics.shellfacts import surely_succeeded_before
from ..semantics.shellstate import effects_before
from ..shell.commands import CommandView, classify
from ..shell.nodes import SimpleCommand
from ..shell.walk import CommandContext
from ..syntax import Instruction
from .package_caches import earlier_match, lineage_any

_PYTHON = re.compile(r"python(?P<version>[0-9]+(?:\.[0-9]+)?)?\Z")
_PIP = re.compile(r"pip(?P<version>[0-9]+(?:\.[0-9]+)?)?\Z")
_GET_PIP = re.compile(r"(?:.*/)?get-pip\.py\Z")
_FROM_PYPA = re.compile(r"https://bootstrap\.pypa\.io/(?:[A-Za-z0-9.]+/)*get-pip\.py\b")
# Settings of pip, Python and distutils that could send the new pip somewhere else.
_SETTINGS = re.compile(r"pip\.conf|pip\.ini|\bpip[0-9.]*\s+config\b|distutils|PIP_|PYTHON[A-Z]*=|VIRTUAL_ENV")
_ENVIRONMENT = re.compile(r"PATH\Z|PYTHON|PIP_|VIRTUAL_ENV\Z")
_RELEASES = frozenset({"ubuntu", "debian"})
# Options of get-pip.py and of `pip install` that leave where and which pip is installed alone.
_HARMLESS_OPTIONS = frozenset({
    "-U", "--upgrade", "-q", "--quiet", "-v", "--verbose", "--force-reinstall", "-I", "--ignore-installed",
    "--disable-pip-version-check", "--no-cache-dir", "--no-setuptools", "--no-wheel", "--no-input",
    "--no-color",
})
_UNCHANGED_STATE = frozenset({"cwd", "umask", "option", "positional"})
_MODERN = 6  # pip 6.0 (2014) added --no-cache-dir


def modern_pip(ctx: FileContext, instruction: Instruction, run: RunView, where: CommandContext,
               view: CommandView) -> bool:
    """The pip ``view`` runs is one an upgrade earlier in ``run`` installed (see the module)."""
    installer = _plain_pip(view)
    script = run.script
    if (installer is None or instruction.keyword != "RUN" or script is None or script.has_opaque
            or where.list is not script.body or script.body.items[where.index] is not where.command):
        return False
    if ImageRef.parse(ctx.root_image(ctx.stage(instruction))).name not in _RELEASES:
        return False
    if re.search(r"(?<![\w./-])" + re.escape(installer) + r"(?![\w.-])", run.shell_text[:where.command.start]):
        return False  # the shell may have found (and remembered) the old one
    if not all(effect.kind in _UNCHANGED_STATE for effect in effects_before(script, where.index)):
        return False
    if not _plain_build(ctx, instruction, run, where.command.start):
        return False
    for other, other_view in run.commands:
        if other.list is not script.body or other.index >= where.index:
            continue
        if script.body.items[other.index] is not other.command:
            continue
        version = _upgrade(ctx, instruction, run, other.command, other_view)
        if version is None or not surely_succeeded_before(script.body, other.index, where.command.start):
            continue
        wanted = installer[len("pip"):]
        if not wanted or version == wanted or version.startswith(wanted + "."):
            return True
    return False


def _plain_pip(view: CommandView) -> Optional[str]:
    """``pipW`` when ``view`` runs pip by a plain command name, with no wrapper or inline variable."""
    if len(view.program_words) != 1 or view.wrappers or view.env or view.command.assignments:
        return None
    name = view.program_words[0].value
    return name if name and _PIP.match(name) else None


def _plain_build(ctx: FileContext, instruction: Instruction, run: RunView, before: int) -> bool:
    """Nothing before ``before`` in ``run`` could change where pip installs or what the shell finds."""
    def changes(i: Instruction) -> bool:
        if i.keyword in ("COPY", "ADD", "USER", "SHELL", "ONBUILD"):
            return True
        if i.keyword == "ENV":
            return any(_ENVIRONMENT.match(key) for key, _ in i.pairs)
        if i.keyword == "ARG":
            return any(_ENVIRONMENT.match(item.partition("=")[0]) for item in i.value)
        return False

    if lineage_any(ctx, instruction, "pip-upgrade-build", changes):
        return False
    return not earlier_match(ctx, instruction, run, before, _SETTINGS)


def _upgrade(ctx: FileContext, instruction: Instruction, run: RunView, command: SimpleCommand,
             view: Optional[CommandView]) -> Optional[str]:
    """The Python version suffix (``""``, ``"3"``, ``"3.4"``) of the pip ``command`` surely
    installs, or None when it is not a known upgrade to a pip that accepts ``--no-cache-dir``."""
    if command.assignments:
        return None
    if view is not None and view.tool == "pip":
        if view.subcommand != "install" or view.wrappers or view.env:
            return None
        program = [w.value for w in view.program_words]
        match = _PIP.match(program[0] or "") if len(program) == 1 else (
            _PYTHON.match(program[0] or "") if program[1:] == ["-m", "pip"] else None)
        if match is None or not all(o.flag in _HARMLESS_OPTIONS and o.value is None for o in view.options):
            return None
        if not _names_new_pip([w.value for w in view.args], view.has("upgrade")):
            return None
        return match.group("version") or ""
    words = [w.value for w in command.words]
    match = _PYTHON.match(words[0] or "")
    if match is None or len(words) < 2 or not _GET_PIP.match(words[1] or ""):
        return None
    if not earlier_match(ctx, instruction, run, command.start, _FROM_PYPA, "bootstrap.pypa.io"):
        return None
    rest = words[2:]
    if not all(w is not None and (w in _HARMLESS_OPTIONS or not w.startswith("-")) for w in rest):
        return None
    if _names_new_pip([w for w in rest if not w.startswith("-")], True) is None:
        return None  # get-pip.py installs the pip its arguments name, else its own (8 or later)
    return match.group("version") or ""


def _names_new_pip(args, upgrade: bool) -> Optional[bool]:
    """Whether ``args`` (package specifications) name pip, each time as one of 6 or later:
    ``pip`` with ``upgrade``, or with ``==``, ``===``, ``>=`` or ``~=`` and a version from 6;
    None when one may install an older pip or cannot be read. Other packages are left alone."""
    found = False
    for arg in args:
        if arg is None:
            return None
        match = re.fullmatch(r"pip\s*(?:(===|==|>=|~=)\s*([0-9]+)(?:\.[0-9A-Za-z.*]*)?)?", arg)
        if match is None:
            if re.match(r"pip(?![A-Za-z0-9_.-])", arg):
                return None  # pip with another operator, extras or a URL
            continue
        if match.group(1) is None and not upgrade:
            return None
        if match.group(1) is not None and int(match.group(2)) < _MODERN:
            return None
        found = True
    return found
