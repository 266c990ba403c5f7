"""The concrete syntax tree: immutable nodes that own every byte they cover.

As in LibCST, nodes are frozen records (``slimfix.record``); ``with_changes`` makes a changed
copy, ``code`` renders a node back to text exactly, and whitespace, comments,
line continuations and newlines are nodes or fields, never thrown away.

A file is a flat sequence of line-level nodes (``BlankLine``, ``Comment``,
``Directive``, ``Instruction``). An instruction keeps its physical layout as
``parts`` (text runs, continuations, comment and blank lines inside a
continuation) and its heredoc bodies; what Docker reads from it (keyword,
flags, values) is derived from that text on demand, BuildKit's way.
"""

from __future__ import annotations

from typing import Iterator, Optional, Tuple, Union

from ..record import cached_property, field, record, replace
from .arguments import Arguments, parse_arguments


class Node:
    """Base of all nodes."""

    def _emit(self, out: list) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    @cached_property
    def code(self) -> str:
        """The exact text of this node (nodes are immutable: worked out once)."""
        out: list = []
        self._emit(out)
        return "".join(out)

    def with_changes(self, **changes):
        return replace(self, **changes)

    @property
    def children(self) -> tuple:
        return ()

    def deep_equals(self, other: object) -> bool:
        return type(self) is type(other) and self.code == other.code  # type: ignore[union-attr]


# --- parts of an instruction -------------------------------------------------


@record
class _Verbatim(Node):
    """A part written out as it is."""

    value: str

    def _emit(self, out: list) -> None:
        out.append(self.value)


@record
class Text(_Verbatim):
    """A run of instruction text on one physical line (no line ending)."""


@record
class Continuation(_Verbatim):
    """The escape character, spaces or tabs after it, and the line ending."""


@record
class ContinuationComment(_Verbatim):
    """A whole comment line inside a continuation (Docker drops it)."""


@record
class ContinuationBlank(_Verbatim):
    """A blank line inside a continuation (Docker drops it, with a warning)."""


Part = Union[Text, Continuation, ContinuationComment, ContinuationBlank]


@record
class Heredoc(Node):
    """One heredoc body and its terminator line, after its instruction."""

    name: str
    lines: Tuple[str, ...]  # raw body lines, line endings kept
    terminator: str  # raw terminator line, line ending kept
    chomp: bool = False
    expand: bool = True
    file_descriptor: int = 0

    @property
    def content(self) -> str:
        return "".join(self.lines)

    def _emit(self, out: list) -> None:
        out.extend(self.lines)
        out.append(self.terminator)


# --- line-level nodes --------------------------------------------------------


@record
class _TextLine(Node):
    """A line outside instructions: ``indent``, ``text``, ``newline``."""

    text: str
    indent: str = ""
    newline: str = "\n"
    start_line: int = field(default=0, compare=False)

    def _emit(self, out: list) -> None:
        out.append(self.indent)
        out.append(self.text)
        out.append(self.newline)


@record
class BlankLine(_TextLine):
    """A line of white space only (all of it in ``indent``)."""

    text: str = ""


@record
class Comment(_TextLine):
    """A comment line; ``text`` starts with ``#``."""

    @property
    def body(self) -> str:
        """The comment's text after ``#`` and surrounding whitespace."""
        return self.text[1:].strip()


@record
class Directive(Comment):
    """A parser directive such as ``# syntax=docker/dockerfile:1``."""

    name: str = ""
    value: str = ""


@record
class Instruction(Node):
    parts: Tuple[Part, ...]
    indent: str = ""
    newline: str = "\n"
    heredocs: Tuple[Heredoc, ...] = ()
    escape: str = field(default="\\", compare=False)
    start_line: int = field(default=0, compare=False)
    end_line: int = field(default=0, compare=False)

    def _emit(self, out: list) -> None:
        out.append(self.indent)
        for part in self.parts:
            out.append(part.value)
        out.append(self.newline)
        for heredoc in self.heredocs:
            heredoc._emit(out)

    @property
    def children(self) -> tuple:
        return self.parts + self.heredocs

    # What Docker reads ------------------------------------------------------

    @cached_property
    def original(self) -> str:
        """The logical line, as BuildKit builds it from the physical lines."""
        return "".join(part.value for part in self.parts if type(part) is Text)

    @cached_property
    def arguments(self) -> Arguments:
        return parse_arguments(self.original, self.escape)

    @cached_property
    def keyword(self) -> str:
        return self.arguments.command.upper()

    @property
    def flags(self) -> Tuple[str, ...]:
        return self.arguments.flags

    @property
    def value(self) -> Tuple[str, ...]:
        return self.arguments.value

    @property
    def is_exec_form(self) -> bool:
        inner = self.arguments.sub or self.arguments
        return inner.is_json

    @property
    def sub_keyword(self) -> Optional[str]:
        sub = self.arguments.sub
        return sub.command.upper() if sub is not None else None

    @property
    def effective_keyword(self) -> str:
        """The keyword that acts: ONBUILD's inner one, else the keyword."""
        return self.sub_keyword or self.keyword

    @property
    def pairs(self) -> Tuple[Tuple[str, str], ...]:
        """(name, value) pairs of ENV and LABEL (and of ONBUILD ENV/LABEL)."""
        if self.effective_keyword not in ("ENV", "LABEL"):
            return ()
        values = self.value
        return tuple((values[i], values[i + 1]) for i in range(0, len(values) - 2, 3))

    def flag_values(self, name: str) -> Tuple[str, ...]:
        """Values of ``--name=value`` flags (``--name`` alone gives ``""``)."""
        out = []
        for flag in self.flags:
            key, sep, val = flag[2:].partition("=")
            if key == name:
                out.append(val if sep else "")
        return tuple(out)

    def segments(self) -> Iterator[Tuple[int, int, str]]:
        """(logical offset, offset in ``code``, text) of each text run.

        Maps a position in ``original`` back to the physical text, so that an
        edit of the logical line (for example inside the shell of a RUN) can
        be applied to the file without touching the layout around it.
        """
        logical = 0
        physical = len(self.indent)
        for part in self.parts:
            if type(part) is Text:
                yield logical, physical, part.value
                logical += len(part.value)
            physical += len(part.value)

    def physical_offset(self, logical: int, after_break: bool = False) -> int:
        """Offset in ``code`` of logical position ``logical`` (end allowed).

        A position between two physical lines maps to the end of the first,
        before its continuation, where appended text belongs; with
        ``after_break`` it maps to the start of the second instead, where the
        start of a replaced range belongs.
        """
        result = len(self.indent)
        for start, phys, text in self.segments():
            end = start + len(text)
            if logical < end or (logical == end and not after_break):
                return phys + max(0, logical - start)
            result = phys + len(text)
        return result


Line = Union[BlankLine, Comment, Directive, Instruction]


@record
class Stage:
    """A build stage: its FROM and the instructions up to the next FROM."""

    index: int
    from_instruction: Instruction
    instructions: Tuple[Instruction, ...]

    @property
    def base_image(self) -> str:
        words = self.from_instruction.value
        return words[0] if words else ""

    @property
    def alias(self) -> Optional[str]:
        words = self.from_instruction.value
        if len(words) >= 3 and words[1].lower() == "as":
            return words[2]
        return None

    @property
    def platform(self) -> Optional[str]:
        values = self.from_instruction.flag_values("platform")
        return values[0] if values else None

    @property
    def name(self) -> str:
        """The alias, or the index as Docker names unnamed stages."""
        return self.alias or str(self.index)


@record
class Dockerfile(Node):
    body: Tuple[Line, ...]
    bom: str = ""
    escape: str = "\\"

    def _emit(self, out: list) -> None:
        out.append(self.bom)
        for line in self.body:
            out.append(line.code)  # kept on the line: ``line_starts`` and the next round's tree reuse it

    @property
    def children(self) -> tuple:
        return self.body

    @cached_property
    def line_starts(self) -> Tuple[int, ...]:
        """Offset in ``code`` where each line-level node of ``body`` starts, then the end."""
        starts, offset = [], len(self.bom)
        for line in self.body:
            starts.append(offset)
            offset += len(line.code)
        starts.append(offset)
        return tuple(starts)

    @cached_property
    def instructions(self) -> Tuple[Instruction, ...]:
        return tuple(line for line in self.body if type(line) is Instruction)

    @cached_property
    def directives(self) -> Tuple[Directive, ...]:
        return tuple(line for line in self.body if type(line) is Directive)

    @property
    def newline(self) -> str:
        """The file's line ending, for new lines: the first one written."""
        for line in self.body:
            if line.newline:
                return line.newline
        return "\n"

    @cached_property
    def stages(self) -> Tuple[Stage, ...]:
        stages = []
        current: list = []
        start = None
        for instruction in self.instructions:
            if instruction.keyword == "FROM":
                if start is not None:
                    stages.append(Stage(len(stages), start, tuple(current)))
                start, current = instruction, []
            elif start is not None:
                current.append(instruction)
        if start is not None:
            stages.append(Stage(len(stages), start, tuple(current)))
        return tuple(stages)

    @property
    def global_args(self) -> Tuple[Instruction, ...]:
        """ARG instructions before the first FROM."""
        out = []
        for instruction in self.instructions:
            if instruction.keyword == "FROM":
                break
            if instruction.keyword == "ARG":
                out.append(instruction)
        return tuple(out)
