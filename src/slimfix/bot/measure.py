"""``--verify``: build each changed Dockerfile before and after (slimfix.verify) and keep the
rewrites that still build."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from .. import verify as verifier
from .changes import ChangeSet, FileChange
from .errors import BotError


def measure(changes: ChangeSet, root: Path, note: Callable[[str], None]) -> None:
    """Attach a verify report to each change; put back the files whose rewrite breaks."""
    cannot = (verifier.NoBuilderError, verifier.BuilderLimitError, verifier.BuilderError, verifier.ImageReadError)
    kept = []
    for change in changes.files:
        path = root / change.path
        note(f"building {change.path} before and after the fixes ...")
        try:
            report = verifier.verify(change.before, change.after, path.parent)
        except verifier.OriginalBuildError:
            changes.skipped.append(f"{change.path}: not measured, the original does not build")
            kept.append(change)
            continue
        except cannot as exc:
            raise BotError(f"--verify could not build {change.path}: {exc}") from None
        if report.verdict == "breaking":
            path.write_bytes(change.before.encode("utf-8"))
            changes.skipped.append(
                f"{change.path}: left out, the rewritten Dockerfile does not build or fails its smoke test"
            )
            continue
        attach(change, report)
        kept.append(change)
    changes.files = kept


def attach(change: FileChange, report: verifier.VerifyReport) -> None:
    """Keep the verify report with the change, and its rendering for the description."""
    change.report = report
    change.report_markdown = verifier.render_markdown(report).strip()
