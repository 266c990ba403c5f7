"""Lossless shell syntax tree.

Every node is a frozen record (``slimfix.record``, applied to each subclass by ``Node``) with ``start``/``end`` character offsets into the parsed text and
renders back exactly through ``code``. Composite nodes keep an ordered ``parts`` tuple of strings
(keywords, operators, whitespace) and child nodes; the typed fields (``body``, ``words``, ...) point at
the same child objects. Nodes compare by identity (like LibCST); compare ``code`` for text equality.
"""

from __future__ import annotations

from typing import ClassVar, Iterable, Iterator, Optional, Tuple, Union

from ..record import cached_property, record

_GLOB_CHARS = frozenset("*?[")


@record(eq=False)
class Node:
    start: int
    end: int
    # A word part's text after quote removal; None where only the running shell knows it
    # (expansions, substitutions) and on nodes that are not parts of a word.
    value: ClassVar[Optional[str]] = None

    def __init_subclass__(cls, **kwargs) -> None:
        """Every node class is a record compared by identity, declared once here."""
        super().__init_subclass__(**kwargs)
        record(eq=False)(cls)

    @property
    def pieces(self) -> tuple:
        """Ordered strings and child nodes that render this node."""
        raise NotImplementedError

    @property
    def code(self) -> str:
        return "".join([p if p.__class__ is str else p.code for p in self.pieces])

    def children(self) -> Iterator["Node"]:
        for p in self.pieces:
            if p.__class__ is not str:
                yield p


class Leaf(Node):
    text: str

    @property
    def pieces(self) -> tuple:
        return (self.text,)

    @property
    def code(self) -> str:
        return self.text


Part = Union[str, Node]
Parts = Tuple[Part, ...]


class Composite(Node):
    """A node made of others: ``parts`` are its strings and child nodes in source order."""

    parts: Parts

    @property
    def pieces(self) -> tuple:
        return self.parts


def _joined(parts: Iterable[Node]) -> Optional[str]:
    """The parts' values joined, or None when any is None."""
    out = []
    for p in parts:
        v = p.value
        if v is None:
            return None
        out.append(v)
    return "".join(out)


# --- trivia -----------------------------------------------------------------------------------------

class Comment(Leaf):
    """``# ...`` up to (not including) the end of the line."""


class HereDoc(Leaf):
    """Body lines of a here-document plus its terminator line, as found after the next newline.

    ``redirect_start`` is the offset of the ``<<`` redirection it belongs to."""

    delimiter: str
    redirect_start: int


class Opaque(Leaf):
    """Text the parser could not model; it round-trips but rules must never edit inside it."""

    reason: str


# --- word parts ------------------------------------------------------------------------------------

class Literal(Leaf):
    @property
    def value(self) -> Optional[str]:
        return self.text


class SingleQuoted(Leaf):
    """``'...'`` including the quotes."""

    @property
    def value(self) -> Optional[str]:
        return self.text[1:-1]


class AnsiCQuoted(Leaf):
    """Bash ``$'...'``; ``value`` decodes the common escapes."""

    value: str


class Escape(Leaf):
    """A backslash and the character it quotes (``\\<newline>`` is a line continuation)."""

    value: str  # the character quoted, or "" for a line continuation


class ParamExpansion(Leaf):
    """``$NAME``, ``$1``, ``$@`` or ``${...}`` (any content)."""

    name: str


class ArithmeticExpansion(Leaf):
    """``$(( ... ))``."""


class DoubleQuoted(Composite):
    """``"..."`` (or bash ``$"..."``); ``parts`` are the opening quote, inner parts, closing quote."""


    @property
    def inner(self) -> Tuple[Node, ...]:
        return tuple(self.children())

    @property
    def value(self) -> Optional[str]:
        return _joined(self.children())


class Substitution(Composite):
    """A command run for its output; ``body`` is its command list (None only in a backtick)."""

    body: Optional["CommandList"]


class CommandSubstitution(Substitution):
    """``$( ... )`` with its body parsed as a command list."""


class Backtick(Substitution):
    """`` `...` ``; ``body`` is None when the inner text uses backslash escapes (kept raw)."""


class ProcessSubstitution(Substitution):
    """Bash ``<( ... )`` / ``>( ... )``."""


class ArrayLiteral(Composite):
    """Bash ``( a b [k]=v )`` as the value of an array assignment."""

    words: Tuple["Word", ...]


class Word(Composite):

    @property
    def text(self) -> str:
        return self.code

    @cached_property
    def value(self) -> Optional[str]:
        """The word after quote removal, or None when it contains any expansion.

        Glob characters and a leading ``~`` are kept literally (see ``has_glob``)."""
        return _joined(self.parts)  # type: ignore[arg-type]

    @property
    def is_quoted(self) -> bool:
        return any(not isinstance(p, Literal) for p in self.parts)

    @property
    def has_glob(self) -> bool:
        """True when an unquoted ``*``, ``?`` or ``[`` makes this word a pathname pattern."""
        return any(isinstance(p, Literal) and not _GLOB_CHARS.isdisjoint(p.text) for p in self.parts)

    def substitutions(self) -> Iterator[Node]:
        """Command/process substitutions in this word, including inside double quotes."""
        for p in self.parts:
            if isinstance(p, Substitution):
                yield p
            elif isinstance(p, DoubleQuoted):
                for q in p.children():
                    if isinstance(q, Substitution):
                        yield q
            elif isinstance(p, ArrayLiteral):
                for w in p.words:
                    yield from w.substitutions()


# --- commands ---------------------------------------------------------------------------------------

class Assignment(Composite):
    """``NAME=value`` / ``NAME+=value`` before a command name; ``value`` may be an empty word."""

    name: str
    op: str
    value: Word


class Redirect(Composite):
    """``[fd]op target``, e.g. ``2>&1``, ``>>log``, ``<<EOF`` (target is the here-doc delimiter)."""

    fd: str
    op: str
    target: Word

    @property
    def is_heredoc(self) -> bool:
        return self.op in ("<<", "<<-")


class SimpleCommand(Composite):
    assignments: Tuple[Assignment, ...]
    words: Tuple[Word, ...]
    redirects: Tuple[Redirect, ...]

    @property
    def name(self) -> Optional[str]:
        """Literal value of the first word (the program), if any."""
        return self.words[0].value if self.words else None

    @property
    def argv(self) -> Tuple[Optional[str], ...]:
        return tuple(w.value for w in self.words)


class Operator(Composite):
    """A joiner between commands: ``&&``, ``||``, ``;``, ``&``, newline, or a pipe ``|``/``|&``.

    ``parts`` hold the whitespace/comments before the operator, the operator, and the trivia after it
    (including here-doc bodies that follow a newline)."""

    op: str


class Pipeline(Composite):
    commands: Tuple[Node, ...]
    negated: bool


class CommandList(Composite):
    """Commands joined by operators; ``operators[i]`` follows ``items[i]`` (a trailing one may exist)."""

    items: Tuple[Node, ...]
    operators: Tuple[Operator, ...]


class Compound(Composite):
    """Base of compound commands; ``redirects`` are those written after the closing keyword."""

    redirects: Tuple[Redirect, ...]

    @property
    def bodies(self) -> Tuple[CommandList, ...]:
        """Every command list directly inside this compound, in source order."""
        return tuple(p for p in self.parts if isinstance(p, CommandList))


class Group(Compound):
    """A command list run as one command, in ``( )`` or ``{ }``."""

    body: CommandList


class Subshell(Group):
    """``( ... )``: the list runs in a child shell, so its ``cd`` and variables do not outlive it."""


class BraceGroup(Group):
    """``{ ...; }``: the list runs in the current shell."""


class If(Compound):
    conditions: Tuple[CommandList, ...]
    branches: Tuple[CommandList, ...]
    else_body: Optional[CommandList]


class For(Compound):
    variable: str
    items: Optional[Tuple[Word, ...]]
    body: CommandList


class While(Compound):
    condition: CommandList
    body: CommandList


class Until(While):
    pass


class CaseClause(Composite):
    patterns: Tuple[Word, ...]
    body: CommandList
    terminator: str


class Case(Compound):
    subject: Word
    clauses: Tuple[CaseClause, ...]


class DoubleBracket(Compound):
    """Bash ``[[ ... ]]``; ``words`` are its operands (operators stay plain strings in ``parts``)."""

    words: Tuple[Word, ...]


class ArithmeticCommand(Compound):
    """Bash ``(( ... ))``."""


class FunctionDef(Composite):
    name: str
    body: Compound


class Script(Composite):
    body: CommandList
    has_opaque: bool
    heredocs: Tuple[HereDoc, ...]


COMPOUNDS = (Subshell, BraceGroup, If, For, While, Case, DoubleBracket, ArithmeticCommand, FunctionDef)


def iter_nodes(node: Node) -> Iterator[Node]:
    """Every node under ``node`` (itself included), depth-first in source order."""
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        if not isinstance(n, Leaf):
            stack.extend(reversed([p for p in n.pieces if p.__class__ is not str]))
