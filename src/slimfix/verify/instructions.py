"""The few facts about a Dockerfile that verification needs.

Verification only has to know, per instruction, its keyword, its text, its
line and its stage, and whether it uses a here-document; that is read here
from logical lines (continuations joined, comments dropped) without the full
syntax tree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_DIRECTIVE = re.compile(r"^#\s*([a-zA-Z]+)\s*=\s*(\S+)\s*$")
_HEREDOC = re.compile(r"<<(-?)(['\"]?)([A-Za-z_][A-Za-z0-9_]*)\2")
_HEREDOC_KEYWORDS = {"RUN", "COPY", "ADD"}


@dataclass(frozen=True)
class Instruction:
    keyword: str
    arguments: str
    line: int
    stage: int
    heredoc: bool = False

    @property
    def text(self) -> str:
        return f"{self.keyword} {self.arguments}".rstrip()

    def flags(self) -> list[str]:
        """The ``--name`` flags given before the arguments (``COPY --link``)."""
        found = []
        for word in self.arguments.split():
            if not word.startswith("--"):
                break
            found.append(word[2:].split("=", 1)[0])
        return found


def read_instructions(text: str) -> list[Instruction]:
    """Split a Dockerfile into instructions, numbering stages from 0."""
    lines = text.splitlines()
    escape = _escape_character(lines)
    instructions: list[Instruction] = []
    stage = -1
    index = 0
    while index < len(lines):
        start = index
        stripped = lines[index].strip()
        index += 1
        if not stripped or stripped.startswith("#"):
            continue
        parts = []
        while stripped.endswith(escape):
            parts.append(stripped[: -len(escape)].strip())
            # Comment and empty lines inside a continuation are skipped.
            while index < len(lines) and lines[index].strip()[:1] in ("", "#"):
                index += 1
            if index == len(lines):
                stripped = ""
                break
            stripped = lines[index].strip()
            index += 1
        parts.append(stripped)
        logical = " ".join(part for part in parts if part)
        keyword, _, arguments = logical.partition(" ")
        keyword = keyword.upper()
        heredoc = False
        if keyword in _HEREDOC_KEYWORDS:
            for dash, _quote, word in _HEREDOC.findall(arguments):
                heredoc = True
                index = _skip_heredoc_body(lines, index, word, bool(dash))
        if keyword == "FROM":
            stage += 1
        instructions.append(
            Instruction(keyword, arguments.strip(), start + 1, max(stage, 0), heredoc)
        )
    return instructions


def final_stage(instructions: list[Instruction]) -> list[Instruction]:
    """The instructions of the last stage, its FROM first."""
    if not instructions:
        return []
    last = instructions[-1].stage
    return [i for i in instructions if i.stage == last]


def _escape_character(lines: list[str]) -> str:
    for line in lines:
        match = _DIRECTIVE.match(line.strip())
        if not match:
            break
        if match.group(1).lower() == "escape":
            return match.group(2)
    return "\\"


def _skip_heredoc_body(lines: list[str], index: int, word: str, strip_tabs: bool) -> int:
    while index < len(lines):
        line = lines[index].lstrip("\t") if strip_tabs else lines[index]
        index += 1
        if line.rstrip() == word:
            break
    return index
