"""Suppression comments: ``# slimfix: ignore[...]`` and hadolint's pragmas.

- ``# slimfix: ignore`` or ``# slimfix: ignore[SF001,SF002]`` in the comment
  block directly above an instruction silences all (or those) rules for it;
- ``# slimfix: ignore-file`` / ``# slimfix: ignore-file[SF002]`` anywhere
  silences them for the whole file;
- ``# hadolint ignore=DL3009,DL3059`` above an instruction, and
  ``# hadolint global ignore=...``, silence the slimfix rules that correspond
  to those hadolint rules.
"""

from __future__ import annotations

import re
from typing import Dict, FrozenSet, Iterable, Mapping, Optional, Set

from .record import field, record
from .syntax import Comment, Dockerfile, Instruction

_SLIMFIX = re.compile(r"^slimfix:\s*(ignore-file|ignore)\s*(?:\[([^\]]*)\])?\s*$", re.I)
_HADOLINT = re.compile(r"^hadolint\s+(global\s+)?ignore\s*=\s*([A-Za-z0-9_,\s]+)$", re.I)
ALL = "*"


def _codes(text: Optional[str]) -> Set[str]:
    if not text:
        return {ALL}
    return {code.strip().upper() for code in text.split(",") if code.strip()}


@record(frozen=False)
class Suppressions:
    file_codes: Set[str] = field(default_factory=set)
    by_line: Dict[int, Set[str]] = field(default_factory=dict)  # instruction start line -> codes

    def is_suppressed(self, code: str, line: int) -> bool:
        if ALL in self.file_codes or code in self.file_codes:
            return True
        codes = self.by_line.get(line, ())
        return ALL in codes or code in codes


def _read(comment: Comment, hadolint_map: Mapping[str, FrozenSet[str]]):
    """(is file-level, codes) for a suppression comment, else None."""
    body = comment.text[1:].strip()
    match = _SLIMFIX.match(body)
    if match:
        return match.group(1).lower() == "ignore-file", _codes(match.group(2))
    match = _HADOLINT.match(body)
    if match:
        codes: Set[str] = set()
        for dl in _codes(match.group(2)):
            codes |= hadolint_map.get(dl, frozenset())
        return bool(match.group(1)), codes
    return None


def find_suppressions(tree: Dockerfile, hadolint_map: Mapping[str, FrozenSet[str]]) -> Suppressions:
    """Collect suppressions; ``hadolint_map`` maps DL codes to slimfix codes."""
    result = Suppressions()
    pending: Set[str] = set()
    for line in tree.body:
        if isinstance(line, Comment):
            read = _read(line, hadolint_map)
            if read is None:
                continue
            file_level, codes = read
            if file_level:
                result.file_codes |= codes
            else:
                pending |= codes
        elif isinstance(line, Instruction):
            if pending:
                result.by_line[line.start_line] = pending
            pending = set()
        else:  # a blank line ends the comment block above an instruction
            pending = set()
    return result


def codes_in(values: Iterable[str]) -> Set[str]:
    return {value.strip().upper() for value in values if value.strip()}
