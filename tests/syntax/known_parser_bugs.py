"""Disagreements with BuildKit found in slimfix's parser and not fixed yet.

Each entry marks the tests it breaks as strict xfail: once the parser is fixed
the test passes, pytest reports the XPASS as a failure, and the entry goes.
"""

from __future__ import annotations

import pytest

ENV_LABEL_SEPARATORS = (
    "ENV/LABEL value lacks HEAD's separator node per pair ('=' or '' for the legacy form)"
)
NBSP_IN_FLAGS = "flags are split on U+00A0; BuildKit splits flags byte by byte (0xC2 is no space)"
HEREDOC_WORD_WITH_PARAMETER = "heredoc word ${X:-Y} is not recognised (BuildKit keeps unset ${...} as is)"
EMPTY_HEREDOC_WORD = 'RUN <<"" is taken as a heredoc; BuildKit finds no word, so no heredoc'
ERROR_ORDER = "unterminated heredoc is reported before an earlier instruction's error"

FIXTURES = {
}
# fixtures whose only known bug is in the parsed fields, not in parsing at all
ROUND_TRIP_UNAFFECTED = {ENV_LABEL_SEPARATORS, NBSP_IN_FLAGS}


def marked(paths, round_trip: bool = False) -> list:
    """`paths` as pytest params, the ones with a known bug marked strict xfail."""
    params = []
    for path in paths:
        reason = FIXTURES.get(path.name)
        if reason is None or (round_trip and reason in ROUND_TRIP_UNAFFECTED):
            params.append(pytest.param(path, id=f"{path.parent.name}/{path.name}"))
        else:
            params.append(
                pytest.param(
                    path,
                    id=f"{path.parent.name}/{path.name}",
                    marks=pytest.mark.xfail(strict=True, reason=reason),
                )
            )
    return params


def xfail(*reasons: str):
    return pytest.mark.xfail(strict=True, reason="; ".join(reasons))
