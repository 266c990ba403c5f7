"""The shell inside a RUN: where it is in the file and how the author writes it."""

from __future__ import annotations

import csv
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
from ..syntax.prelex import parse_heredoc
from ..syntax.shellwords import ShellWordError
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
    """A shell-form RUN (or ``ONBUILD RUN``): its shell text, positions, mounts and style."""

    def __init__(self, instruction: Instruction, offset: int, shell_text: str, shell_start: int) -> None:
        self.instruction = instruction
        self.offset = offset  # of the instruction in the file
        self.shell_text = shell_text
        self.shell_start = shell_start  # of shell_text within instruction.original

    @classmethod
    def of(cls, instruction: Instruction, offset: int) -> Optional["RunView"]:
        """The view of a shell-form ``RUN`` or ``ONBUILD RUN``; for a RUN whose command is one
        heredoc that the shell runs, a view of the heredoc's body (``HeredocRunView``)."""
        if instruction.effective_keyword != "RUN" or instruction.is_exec_form:
            return None
        if instruction.heredocs and instruction.keyword != "RUN":
            return None  # ONBUILD with a heredoc: its body is not kept in the trigger
        original = instruction.original
        rest = instruction.value[0] if instruction.value else ""
        end = len(original.rstrip(GO_SPACE))
        start = end - len(rest)
        if original[start:end] != rest:
            return None
        if instruction.heredocs and len(instruction.heredocs) == 1:
            body = HeredocRunView.of_body(instruction, offset, rest)
            if body is not None:
                return body
        return cls(instruction, offset, rest, start)

    @property
    def has_heredoc(self) -> bool:
        """The instruction has heredocs (also for a view of a heredoc's body: joins and moves
        across instructions stay out of them)."""
        return bool(self.instruction.heredocs)

    @property
    def onbuild(self) -> bool:
        """An ``ONBUILD RUN``: it runs in images built FROM this one, after all of this stage."""
        return self.instruction.keyword == "ONBUILD"

    @property
    def unread_heredoc(self) -> bool:
        """Part of what runs is a heredoc body this view does not read."""
        return self.has_heredoc

    @property
    def read_in_full(self) -> bool:
        """Everything the RUN runs is in this view's shell tree: no heredoc body left unread, no
        text the shell parser could not read. Rules asking whether a RUN may do something treat
        a RUN that is not read in full as doing it when its text names the tool."""
        return not self.unread_heredoc and not self.script.has_opaque

    def may_hide(self, name: str) -> bool:
        """``name`` appears in the instruction, which is not read in full: a command of it may run
        where the shell tree does not show it (the cheap text test comes first)."""
        return name in self.instruction.code and not self.read_in_full

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
        flags = (self.instruction.arguments.sub or self.instruction.arguments).flags
        values = [flag[len("--mount="):] for flag in flags if flag.startswith("--mount=")]
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
        if self.unread_heredoc:
            return "a heredoc is involved"
        if self.script.has_opaque:
            return "part of the RUN cannot be read"
        if not ends_cleanly(self.script, self.shell_text) and self.trailing_comment() is None:
            return "the RUN ends with an operator or a comment"
        last = self.script.body.items[-1]
        if getattr(last, "name", None) in ("exit", "return"):
            return f"the RUN ends with '{last.name}', so nothing added after it would run"
        reason = append_blocker(self.state)
        return None if reason is None else f"{reason}, and a command added at the end would run after it"

    def trailing_comment(self) -> Optional[Tuple[int, str]]:
        """(file offset of the blanks before it, the comment) when the RUN's last physical line
        ends in a shell comment after its last command, with no operator between them (an
        addition then goes before the blanks: ``RUN a && added  # why``)."""
        body = self.script.body
        if not body.items or len(body.operators) >= len(body.items):
            return None
        start = self.file_offset(body.items[-1].end)
        code = self.instruction.code
        rest = code[start - self.offset:len(code) - len(self.instruction.newline)]
        comment = rest.strip()
        if not comment.startswith("#") or "\n" in rest or "\r" in rest or self.style.escape in comment:
            return None
        return start, comment

    def append(self, addition: str):
        """An edit that runs ``addition`` (literal words, absolute paths) after everything else
        in this RUN, joined with ``&&`` in the author's layout; None where ``cannot_append``."""
        if self.cannot_append() is not None:
            return None
        end = self.script.body.items[-1].end
        at = self.file_offset(end)
        return Edit.insert(at, self._joiner(addition) + addition)

    def _joiner(self, addition: str) -> str:
        joiner = self.style.joiner
        if not self.style.multiline and len(self.instruction.code.rstrip("\r\n")) + len(joiner + addition) > MAX_LINE:
            style = self.style
            joiner = f" {style.escape}{self.instruction.newline or style.newline}{style.indent}&& "
        return joiner


class HeredocRunView(RunView):
    """The script of a ``RUN <<EOF`` whose command is that one heredoc.

    BuildKit runs such a body as ``SHELL`` + ``-c`` + body; a body starting with ``#!`` is
    written to a file and run by that interpreter, so only a POSIX shell's is read here. The
    body's lines are separate commands (not joined by ``&&``) and the script's status is its
    last command's: ``append`` joins the addition to the last command with `` && ``, on its
    line, so the status stays the same, under the same allow-list as a one-line RUN.
    Positions of ``shell_text`` are those of the body in the file."""

    def __init__(self, instruction: Instruction, offset: int, shell_text: str, body_start: int) -> None:
        super().__init__(instruction, offset, shell_text, 0)
        self.body_start = body_start  # of the body within instruction.code

    @classmethod
    def of_body(cls, instruction: Instruction, offset: int, command: str) -> Optional["HeredocRunView"]:
        heredoc = instruction.heredocs[0]
        try:
            spec = parse_heredoc(command.strip(GO_SPACE))
        except ShellWordError:
            return None
        if spec is None or spec.name != heredoc.name or spec.file_descriptor:
            return None  # not the whole command: the shell reads the body as some program's input
        body = heredoc.content
        if "\r" in body:
            return None  # the shell would read each CR as part of a word: nothing is edited there
        if body.startswith("#!") and not _shell_shebang(body):
            return None
        if heredoc.chomp and not _chomp_keeps_meaning(body):
            return None
        script = body.rstrip(" \t\n")
        if script.endswith("\\"):
            return None  # a continuation into the end of the body
        start = len(instruction.indent) + sum(len(part.value) for part in instruction.parts) + len(instruction.newline)
        return cls(instruction, offset, script, start)

    @property
    def unread_heredoc(self) -> bool:
        return False

    def trailing_comment(self) -> Optional[Tuple[int, str]]:
        return None  # the body's last line is not the instruction's

    def file_offset(self, shell_pos: int, after_break: bool = False) -> int:
        return self.offset + self.body_start + shell_pos

    def _joiner(self, addition: str) -> str:
        return " && "


def _shell_shebang(body: str) -> bool:
    """The body's ``#!`` line runs a POSIX shell with no options (``#!/bin/sh``,
    ``#!/usr/bin/env bash``): the body is then a shell script like one without it."""
    words = body.split("\n", 1)[0][2:].split()
    if words and words[0].rsplit("/", 1)[-1] == "env":
        words = words[1:]
    return len(words) == 1 and words[0].rsplit("/", 1)[-1] in POSIX_SHELLS


def _chomp_keeps_meaning(body: str) -> bool:
    """``<<-`` strips leading tabs before the shell reads the body; the raw body means the same
    when those tabs only separate words: nothing that spans lines (quotes, continuations, nested
    heredocs, substitutions)."""
    if not any(line.startswith("\t") for line in body.split("\n")):
        return True
    return not any(mark in body for mark in ("\\\n", "\\\r\n", "'", '"', "<<", "`", "$("))


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
