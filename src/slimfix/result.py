"""One file's result: what the fixer, the results cache and the reports share."""

from __future__ import annotations

from typing import TYPE_CHECKING, List, Optional

from .record import field, record

if TYPE_CHECKING:
    from .rules import Diagnostic


@record(frozen=False)
class FileResult:
    path: str
    source: str
    output: str
    diagnostics: List[Diagnostic] = field(default_factory=list)  # what remains in ``output``
    fixed: List[Diagnostic] = field(default_factory=list)  # what the applied fixes addressed
    error: Optional[str] = None  # bad input: "line:col: message", one line per problem
    internal_error: Optional[str] = None

    @property
    def changed(self) -> bool:
        return self.output != self.source

    @property
    def savings(self) -> int:
        return sum(d.savings for d in self.fixed)


def with_path(path: str, error: str) -> str:
    """``error``'s lines ("line:col: message") each prefixed with ``path:``."""
    return "\n".join(f"{path}:{line}" for line in error.split("\n"))
