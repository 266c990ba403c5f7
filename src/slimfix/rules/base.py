"""What a rule is and what it reports: diagnostics carrying fixes made of edits."""

from __future__ import annotations

import re
from enum import IntEnum
from typing import TYPE_CHECKING, ClassVar, Iterable, Optional, Tuple

from ..edits import Edit
from ..record import field, record

if TYPE_CHECKING:
    from ..semantics.context import FileContext
    from ..syntax import Instruction


class Applicability(IntEnum):
    """How sure a fix is; a fix applies when its level meets the level asked for."""

    DISPLAY_ONLY = 0  # shown, never applied
    UNSAFE = 1  # applied with --unsafe-fixes (or when the rule is selected explicitly)
    SAFE = 2  # applied by default

    @property
    def label(self) -> str:
        return self.name.lower().replace("_", "-")


@record
class Fix:
    edits: Tuple[Edit, ...]
    applicability: Applicability
    message: str = ""
    # Only joins two consecutive instructions (edits the text between their contents): the
    # fixer lets such fixes share an instruction within a round, so a chain joins at once.
    joins: bool = False

    @property
    def start(self) -> int:
        return min(edit.start for edit in self.edits)

    @property
    def end(self) -> int:
        return max(edit.end for edit in self.edits)

    def applies(self, level: Applicability) -> bool:
        return self.applicability >= level and self.applicability > Applicability.DISPLAY_ONLY


@record
class Diagnostic:
    code: str
    message: str
    line: int
    column: int = 1
    end_line: int = 0
    fix: Optional[Fix] = None
    savings: int = 0  # estimated bytes the fix saves in the image
    path: str = field(default="", compare=False)
    # Other instructions (start lines) the finding is about, e.g. the RUN a join merges into:
    # a pragma above any of them silences it too.
    related_lines: Tuple[int, ...] = field(default=(), compare=False)

    @property
    def fixable(self) -> bool:
        return self.fix is not None and self.fix.applicability > Applicability.DISPLAY_ONLY


DOC_SECTIONS = ("What it does", "Why is this bad?", "Example", "Use instead", "Fix safety", "Estimated savings")


_RULE_MODULE = re.compile(r"\.(sf\d{3})_(\w+)$")
_ATTRIBUTES = frozenset({"code", "name", "summary", "hadolint", "fix_applicability", "explicit_only"})


class Rule:
    """A rule: one module, a stable code, a name for the problem it flags.

    A rule's module ``sfNNN_<name>.py`` gives its code and name; the class takes
    the rest as keywords (``class AptListsNotRemoved(Rule, summary=...,
    hadolint=("DL3009",), fix_applicability=Applicability.SAFE)``) and implements
    ``check``. The class docstring is the rule's documentation, in the sections
    of DOC_SECTIONS.
    """

    code: ClassVar[str]
    name: ClassVar[str]
    summary: ClassVar[str]
    hadolint: ClassVar[Tuple[str, ...]] = ()
    fix_applicability: ClassVar[Applicability] = Applicability.SAFE
    explicit_only: ClassVar[bool] = False  # runs only when selected by its code

    def __init_subclass__(cls, **attributes: object) -> None:
        super().__init_subclass__()
        named = _RULE_MODULE.search(cls.__module__)
        if named is not None:
            cls.code, cls.name = named.group(1).upper(), named.group(2).replace("_", "-")
        for key, value in attributes.items():
            if key not in _ATTRIBUTES:
                raise TypeError(f"{cls.__name__}: a rule has no attribute {key!r}")
            setattr(cls, key, value)

    def check(self, ctx: "FileContext") -> Iterable[Diagnostic]:
        raise NotImplementedError

    # helpers ----------------------------------------------------------------

    def diagnostic(
        self,
        instruction: "Instruction",
        message: str,
        fix: Optional[Fix] = None,
        savings: int = 0,
        related: Tuple["Instruction", ...] = (),
    ) -> Diagnostic:
        return Diagnostic(
            self.code,
            message,
            instruction.start_line,
            len(instruction.indent) + 1,
            instruction.end_line,
            fix,
            savings,
            related_lines=tuple(other.start_line for other in related),
        )
