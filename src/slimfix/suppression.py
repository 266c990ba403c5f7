"""Suppression comments: ``# slimfix: ignore[...]`` and hadolint's pragmas.

- ``# slimfix: ignore`` or ``# slimfix: ignore[SF001,SF002]`` in the comment
  block directly above an instruction silences all (or those) rules for it;
- ``# slimfix: ignore-file`` / ``# slimfix: ignore-file[SF002]`` anywhere
  silences them for the whole file;
- ``# hadolint ignore=DL3009,DL3059`` above an instruction, and
  ``# hadolint global ignore=...``, silence the slimfix rules that correspond
  to those hadolint rules.

A diagnostic is silenced by a slimfix pragma above its own instruction or
above any instruction it names in ``related_lines`` (the RUN a join would
merge into); hadolint's pragmas act as in hadolint, on their own instruction.
With the rule codes it knows, ``find_suppressions`` also reports pragmas it
cannot read (``# slimfix: ignor``) and codes no rule has (``ignore[SF999]``)
as ``problems``: (line, column, message).
"""

from __future__ import annotations

import re
from typing import Collection, Dict, FrozenSet, Iterable, List, Mapping, Optional, Set, Tuple

from .record import field, record
from .syntax import Comment, Directive, Dockerfile, Instruction

_SLIMFIX = re.compile(r"^slimfix:\s*(ignore-file|ignore)\s*(?:\[([^\]]*)\])?\s*$", re.I)
_SLIMFIX_LIKE = re.compile(r"^slimfix\s*:|^slimfix\s+ignore", re.I)  # meant as a pragma
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
    # hadolint's pragmas, read as hadolint reads them: only findings on that very instruction
    own_line: Dict[int, Set[str]] = field(default_factory=dict)
    problems: List[Tuple[int, int, str]] = field(default_factory=list)  # (line, column, message)

    def is_suppressed(self, code: str, line: int, related: Iterable[int] = ()) -> bool:
        if ALL in self.file_codes or code in self.file_codes:
            return True
        if code in self.own_line.get(line, ()):
            return True
        for at in (line, *related):
            codes = self.by_line.get(at, ())
            if ALL in codes or code in codes:
                return True
        return False


def _read(comment: Comment, hadolint_map: Mapping[str, FrozenSet[str]]):
    """(is file-level, codes, is hadolint's) for a suppression comment, else None."""
    body = comment.text[1:].strip()
    match = _SLIMFIX.match(body)
    if match:
        return match.group(1).lower() == "ignore-file", _codes(match.group(2)), False
    match = _HADOLINT.match(body)
    if match:
        codes: Set[str] = set()
        for dl in _codes(match.group(2)):
            codes |= hadolint_map.get(dl, frozenset())
        return bool(match.group(1)), codes, True
    return None


def _problem(comment: Comment, known: Collection[str]) -> Optional[str]:
    """Why a ``# slimfix`` comment is no pragma slimfix can apply, or None."""
    body = comment.text[1:].strip()
    if not _SLIMFIX_LIKE.match(body):
        return None
    match = _SLIMFIX.match(body)
    if not match:
        return (f"unreadable pragma {comment.text.strip()!r}; write `# slimfix: ignore[CODE,...]` "
                "or `# slimfix: ignore-file[CODE,...]`")
    unknown = sorted(_codes(match.group(2)) - set(known) - {ALL})
    if unknown:
        return f"pragma names unknown rule code{'s' if len(unknown) > 1 else ''} {', '.join(unknown)} (see `slimfix rules`)"
    if match.group(2) is not None and not match.group(2).strip():
        return "pragma with empty brackets; name the codes (`ignore[SF001]`) or drop the brackets"
    return None


def find_suppressions(
    tree: Dockerfile, hadolint_map: Mapping[str, FrozenSet[str]], known: Optional[Collection[str]] = None
) -> Suppressions:
    """Collect suppressions; ``hadolint_map`` maps DL codes to slimfix codes.
    With ``known`` (every rule code), bad slimfix pragmas become ``problems``."""
    result = Suppressions()
    pending: Set[str] = set()
    pending_hadolint: Set[str] = set()
    for line in tree.body:
        if isinstance(line, Comment):
            if known is not None and not isinstance(line, Directive):
                problem = _problem(line, known)
                if problem:
                    result.problems.append((line.start_line, len(line.indent) + 1, problem))
            read = _read(line, hadolint_map)
            if read is None:
                continue
            file_level, codes, is_hadolint = read
            if file_level:
                result.file_codes |= codes
            else:
                (pending_hadolint if is_hadolint else pending).update(codes)
        elif isinstance(line, Instruction):
            if pending:
                result.by_line[line.start_line] = pending
            if pending_hadolint:
                result.own_line[line.start_line] = pending_hadolint
            pending, pending_hadolint = set(), set()
        else:  # a blank line ends the comment block above an instruction
            pending, pending_hadolint = set(), set()
    return result


def codes_in(values: Iterable[str]) -> Set[str]:
    return {value.strip().upper() for value in values if value.strip()}
