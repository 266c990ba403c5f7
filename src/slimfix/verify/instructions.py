"""The few facts about a Dockerfile that verification needs.

Per instruction: its keyword, its arguments (the logical line after the
keyword, as Docker reads it), its line, its stage, and whether it uses a
here-document. Read with slimfix's own parser.
"""

from __future__ import annotations


from ..record import record
from ..syntax import parse
from ..syntax.arguments import go_trim_space


@record
class BuildStep:
    keyword: str
    arguments: str
    line: int
    stage: int
    heredoc: bool = False

    @property
    def text(self) -> str:
        """The instruction for display: keyword and arguments, blanks squeezed."""
        return " ".join([self.keyword, *self.arguments.split()])

    def flags(self) -> list[str]:
        """The ``--name`` flags given before the arguments (``COPY --link``)."""
        found = []
        for word in self.arguments.split():
            if not word.startswith("--"):
                break
            found.append(word[2:].split("=", 1)[0])
        return found


def read_instructions(text: str) -> list[BuildStep]:
    """The instructions of a Dockerfile, stages numbered from 0.

    Raises ``slimfix.ParseError`` for a file Docker would reject.
    """
    out: list[BuildStep] = []
    stage = -1
    for instruction in parse(text).instructions:
        keyword = instruction.keyword
        if keyword == "FROM":
            stage += 1
        logical = go_trim_space(instruction.original)
        arguments = go_trim_space(logical[len(instruction.arguments.command):])
        out.append(BuildStep(keyword, arguments, instruction.start_line, max(stage, 0), bool(instruction.heredocs)))
    return out


def final_stage(instructions: list[BuildStep]) -> list[BuildStep]:
    """The instructions of the last stage, its FROM first."""
    if not instructions:
        return []
    last = instructions[-1].stage
    return [i for i in instructions if i.stage == last]
