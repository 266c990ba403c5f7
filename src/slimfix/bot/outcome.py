"""What one repository's run came to: the campaign report's row, and a line of the state file."""

from __future__ import annotations

from collections import Counter
from typing import Any, Dict, List, Optional

from ..record import as_dict, field, record
from .changes import ChangeSet

# status -> does a later run of an interrupted campaign skip this repository
FINISHED = {"ok": True, "skipped": True, "failed": False}


@record(frozen=False)
class FileOutcome:
    path: str
    fixes: Dict[str, int]  # rule code -> how many times
    estimated: int  # bytes, from the rules' estimates
    measured: Optional[int] = None  # bytes saved between the two built images (--verify)


@record(frozen=False)
class Outcome:
    repo: str  # as given: a path or a clone URL
    name: str = ""  # the project path, e.g. "group/sub/project"
    status: str = "ok"  # "ok", "skipped" (archived, fork, empty, filtered by the forge) or "failed"
    action: str = ""  # the plan's action (plan.Action value), "" when the run did not get that far
    message: str = ""  # the plan's reason, why it was skipped, or the error
    request_url: str = ""
    dashboard_url: str = ""
    files: List[FileOutcome] = field(default_factory=list)
    dry_run: bool = False

    @property
    def estimated(self) -> int:
        return sum(f.estimated for f in self.files)

    @property
    def measured(self) -> Optional[int]:
        figures = [f.measured for f in self.files if f.measured is not None]
        return sum(figures) if figures else None

    def record(self, changes: ChangeSet) -> None:
        self.files = [
            FileOutcome(c.path, dict(sorted(Counter(d.code for d in c.fixed).items())), c.savings, _saved(c.report))
            for c in changes.files
        ]

    def to_json(self) -> Dict[str, Any]:
        data = as_dict(self)
        data.update(estimated=self.estimated, measured=self.measured)
        return data

    @classmethod
    def from_json(cls, data: Dict[str, Any]) -> "Outcome":
        known = {k: v for k, v in data.items() if k in cls.__record_fields__}
        known["files"] = [FileOutcome(**f) for f in known.get("files", [])]
        return cls(**known)


def _saved(report: Any) -> Optional[int]:
    """Bytes the rewrite saves in the built image, from a verify report."""
    if report is None or not report.rewritten.built:
        return None
    return report.original.summary.total_size - report.rewritten.summary.total_size
