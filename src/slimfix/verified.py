"""``--verify`` for the fixing modes: build each rewrite before it is trusted.

A changed file is built before and after (``slimfix.verify``); in fix mode it
is written only when the rewrite builds, passes the run-time checks and the
smoke command and makes the image smaller. A rewrite that loses shared
libraries is tried once more with the packages that own them installed.
Imported only when ``--verify`` is given.
"""

from __future__ import annotations

import os
import sys
from typing import List, Optional

from .files import SourceError, read_source, write_atomic
from .result import FileResult
from .record import record


@record(frozen=False)
class VerifyOptions:
    context: Optional[str] = None  # default: each Dockerfile's folder
    smoke: Optional[str] = None
    write: bool = False  # fix mode: write the files whose rewrite is recommended


def verify_results(results: List[FileResult], options: VerifyOptions) -> List[FileResult]:
    """Verify every changed result; a rejected rewrite is reverted (and not written)."""
    from .verify import (  # lazy: start-up (only with --verify)
        BuilderError,
        BuilderLimitError,
        ImageReadError,
        NoBuilderError,
        OriginalBuildError,
        render_table,
        verify_repaired,
    )

    for result in results:
        if not result.changed or result.error or result.internal_error or result.path == "-":
            continue
        context = options.context or os.path.dirname(os.path.abspath(result.path))
        try:
            report, result.output = verify_repaired(result.source, result.output, context, smoke=options.smoke)
        except (NoBuilderError, OriginalBuildError, BuilderLimitError, BuilderError, ImageReadError) as exc:
            result.error = f"{result.path}: cannot verify the rewrite: {str(exc).splitlines()[0]}"
            _revert(result)
            continue
        sys.stderr.write(f"{result.path}:\n{render_table(report)}\n")
        if not report.recommended:
            result.error = f"{result.path}: rewrite not applied: verification says {report.verdict}"
            _revert(result)
        elif options.write:
            try:
                source = read_source(result.path)
                if source.text != result.source:
                    raise SourceError(f"{result.path}: changed on disk since it was read; not overwritten")
                write_atomic(source, result.output)
            except SourceError as exc:
                result.error = str(exc)
                _revert(result)
    return results


def _revert(result: FileResult) -> None:
    result.output = result.source
    result.fixed = []
