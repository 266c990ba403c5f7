"""The shell inside a RUN: where it is in the file and how the author writes it."""

from __future__ import annotations

from functools import lru_cache
from typing import Dict, List, Optional, Tuple

from ..edits import Edit
from ..record import cached_property, record
from ..shell import parse_shell
from ..shell.commands import classify
from ..shell.rm import removes
from ..shell.walk import walk_commands
from ..syntax import Continuation, Dockerfile, Instruction, Text
from ..syntax.arguments import GO_SPACE
from .shellfacts import ends_cleanly
from .shellstate import analyse, append_blocker

MAX_LINE = 100  # a one-line RUN that would grow past this is continued on a new line
POSIX_SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh", "ksh", "mksh", "busybox"})
_WINDOWS_HINTS = ("windows", "nanoserver", "servercore")


def shell_of_stages(tree: Dockerfile) -> Dict[int, bool]:
    """For each instruction (by id), whether RUN's shell form goes to a POSIX shell.

    ``SHELL`` changes it for the rest of the stage and for stages built FROM
    it; a Windows base image starts with ``cmd``.
    """
    out: Dict[int, bool] = {}
    by_alias: Dict[str, bool] = {}
    for stage in tree.stages:
        base = stage.base_image.lower()
        posix = by_alias.get(base, not any(hint in base for hint in _WINDOWS_HINTS))
        out[id(stage.from_instruction)] = posix
        for instruction in stage.instructions:
            if instruction.effective_keyword == "SHELL" and instruction.keyword == "SHELL":
                words = instruction.value if instruction.is_exec_form else ()
                program = words[0].replace("\\", "/").rsplit("/", 1)[-1].lower() if words else ""
                posix = program in POSIX_SHELLS
            out[id(instruction)] = posix
        by_alias[str(stage.index)] = posix
        if stage.alias:
            by_alias[stage.alias.lower()] = posix
    return out


@record
class Style:
    """How to add text to a RUN so it reads like the author's own."""

    joiner: str  # put between the end of a command and the next one, e.g. " \\\n    && "
    newline: str
    escape: str
    indent: str
    multiline: bool

    def continued(self, text: str = "") -> str:
        """A new physical line inside the instruction, starting with ``text``."""
        return f" {self.escape}{self.newline}{self.indent}{text}"


@record
class Mount:
    options: Tuple[Tuple[str, str], ...]

    def get(self, key: str, default: str = "") -> str:
        for name, value in self.options:
            if name == key:
                return value
        return default

    @property
    def type(self) -> str:
        return self.get("type", "bind")

    @property
    def target(self) -> str:
        return self.get("target") or self.get("dst") or self.get("destination")


class RunView:
    """A shell-form RUN: its shell text, positions, mounts and style."""

    def __init__(self, instruction: Instruction, offset: int, shell_text: str, shell_start: int) -> None:
        self.instruction = instruction
        self.offset = offset  # of the instruction in the file
        self.shell_text = shell_text
        self.shell_start = shell_start  # of shell_text within instruction.original

    @classmethod
    def of(cls, instruction: Instruction, offset: int) -> Optional["RunView"]:
        if instruction.keyword != "RUN" or instruction.is_exec_form:
            return None
        original = instruction.original
        rest = instruction.value[0] if instruction.value else ""
        end = len(original.rstrip(GO_SPACE))
        start = end - len(rest)
        if original[start:end] != rest:
            return None
        return cls(instruction, offset, rest, start)

    @property
    def has_heredoc(self) -> bool:
        return bool(self.instruction.heredocs)

    @cached_property
    def _shell(self) -> "_Shell":
        return _shell(self.shell_text)  # one entry for script and commands: they must agree

    @property
    def script(self):
        return self._shell.script

    def file_offset(self, shell_pos: int, after_break: bool = False) -> int:
        """Offset in the file of a position in ``shell_text`` (see ``Instruction.physical_offset``)."""
        return self.offset + self.instruction.physical_offset(self.shell_start + shell_pos, after_break)

    @cached_property
    def mounts(self) -> List[Mount]:
        out = []
        values = self.instruction.flag_values("mount")
        if values:
            import csv  # only for RUNs with --mount: spared at start-up
        for value in values:
            try:
                fields = next(csv.reader([value]))
            except (csv.Error, StopIteration):
                continue
            options = []
            for field_ in fields:
                key, _, val = field_.partition("=")
                options.append((key.strip().lower(), val.strip()))
            out.append(Mount(tuple(options)))
        return out

    def mounts_over(self, path: str, types: Tuple[str, ...] = ("cache", "tmpfs")) -> bool:
        """Whether ``path`` lies under a mount of one of ``types``."""
        path = path.rstrip("/")
        for mount in self.mounts:
            target = mount.target.rstrip("/")
            if mount.type in types and target and (path == target or path.startswith(target + "/")):
                return True
        return False

    @cached_property
    def style(self) -> Style:
        return detect_style(self.instruction)

    @property
    def commands(self) -> tuple:
        """(CommandContext, CommandView or None) for every simple command, in order."""
        return self._shell.commands

    @property
    def state(self):
        """What the script leaves for later commands of its shell (``shellstate.ShellState``)."""
        return self._shell.state

    def views(self, tool: str) -> list:
        """Command views of one tool family (``apt``, ``apk``, ``pip``, ``rm``, ...)."""
        return [view for _, view in self.commands if view is not None and view.tool == tool]

    def removes(self, target: str) -> bool:
        """Whether an ``rm`` in this RUN surely removes ``target`` (``DIR/*`` allowed)."""
        return any(removes(view, target) for view in self.views("rm"))

    def file_edit(self, edit):
        """An edit of ``shell_text`` (``slimfix.shell.edit``) as an edit of the file."""
        if edit.start == edit.end:
            at = self.file_offset(edit.start)
            return Edit(at, at, edit.content)
        return Edit(self.file_offset(edit.start, after_break=True), self.file_offset(edit.end), edit.content)

    def cannot_append(self) -> Optional[str]:
        """Why a cleanup cannot run at the end of this RUN in the same shell, or None."""
        if self.has_heredoc:
            return "a heredoc is involved"
        if self.script.has_opaque:
            return "part of the RUN cannot be read"
        if not ends_cleanly(self.script, self.shell_text):
            return "the RUN ends with an operator or a comment"
        last = self.script.body.items[-1]
        if getattr(last, "name", None) in ("exit", "return"):
            return f"the RUN ends with '{last.name}', so nothing added after it would run"
        reason = append_blocker(self.state)
        return None if reason is None else f"{reason}, and a command added at the end would run after it"

    def append(self, addition: str):
        """An edit that runs ``addition`` (literal words, absolute paths) after everything else
        in this RUN, joined with ``&&`` in the author's layout; None where ``cannot_append``."""
        if self.cannot_append() is not None:
            return None
        end = self.script.body.items[-1].end
        at = self.file_offset(end)
        joiner = self.style.joiner
        if not self.style.multiline and len(self.instruction.code.rstrip("\r\n")) + len(joiner + addition) > MAX_LINE:
            style = self.style
            joiner = f" {style.escape}{self.instruction.newline or style.newline}{style.indent}&& "
        return Edit.insert(at, joiner + addition)


class _Shell:
    """A RUN's shell text parsed, and its commands classified on first use.

    One cache entry holds both, so a command view always points into the very tree that
    ``RunView.script`` returns (edits find commands by identity)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.script = parse_shell(text)

    @cached_property
    def commands(self) -> tuple:
        return tuple((ctx, classify(ctx.command)) for ctx in walk_commands(self.script))

    @cached_property
    def state(self):
        return analyse(self.script, self.commands, self.text)


# The fix loop re-reads a file after every round; most RUNs are unchanged text,
# and shell trees and command views are immutable, so they are cached by text.
_shell = lru_cache(maxsize=2048)(_Shell)


def detect_style(instruction: Instruction) -> Style:
    """Read the author's layout: operator placement, indentation, line ending."""
    escape = instruction.escape
    parts = instruction.parts
    newline = "\n"
    leading: List[str] = []  # indents of lines that start with an operator
    trailing: List[str] = []  # indents of lines after a line that ends with one
    before_escape = " "
    after_continuation = False
    previous_ends_with_operator = False
    for i, part in enumerate(parts):
        if type(part) is Continuation:
            newline = "\r\n" if part.value.endswith("\r\n") else "\n"
            after_continuation = True
            continue
        if type(part) is not Text:
            continue
        text = part.value
        if after_continuation:
            body = text.lstrip(" \t")
            indent = text[: len(text) - len(body)]
            if body.startswith(("&&", "||", ";")):
                leading.append(indent)
            elif previous_ends_with_operator and body:
                trailing.append(indent)
        continued = i + 1 < len(parts) and type(parts[i + 1]) is Continuation
        stripped = text.rstrip(" \t")
        previous_ends_with_operator = continued and stripped.endswith(("&&", "||", ";"))
        if continued and stripped:
            before_escape = text[len(stripped):] or " "
        after_continuation = False
    multiline = any(type(part) is Continuation for part in parts)
    if leading and len(leading) >= len(trailing):
        return Style(f"{before_escape}{escape}{newline}{leading[-1]}&& ", newline, escape, leading[-1], True)
    if trailing:
        return Style(f" &&{before_escape}{escape}{newline}{trailing[-1]}", newline, escape, trailing[-1], True)
    indent = instruction.indent + "    "
    if multiline:
        return Style(f"{before_escape}{escape}{newline}{indent}&& ", newline, escape, indent, True)
    return Style(" && ", newline, escape, indent, False)
