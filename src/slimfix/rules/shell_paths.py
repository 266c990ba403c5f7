"""What the rules that add or move shell text share about files and shell state: whether a
command changes the working directory, whether a later instruction may refer to a file, and
whether a RUN could make ``rm`` (or another appended command) run something else."""

from __future__ import annotations

from typing import List, Optional, Tuple

from ..semantics.archives import MAYBE, NO, YES, PathRef
from ..shell.nodes import Subshell
from ..shell.walk import CommandContext
from ..syntax import Instruction

# Commands that could make a later `rm` run something else: a function or alias named rm, or a
# sourced file that defines one.
_DIRECTORY_CHANGERS = frozenset({"cd", "pushd", "popd"})
# Instructions that never read files of the image (the file's name in them still counts)
_INERT = frozenset({"FROM", "WORKDIR", "ENV", "ARG", "LABEL", "EXPOSE", "USER", "STOPSIGNAL", "MAINTAINER", "SHELL"})


def changes_directory(c: CommandContext) -> bool:
    """``c`` changes the working directory of the commands after it in the RUN's shell."""
    if c.in_pipeline or any(isinstance(a, Subshell) for a in c.ancestors):
        return False
    return c.command.name in _DIRECTORY_CHANGERS or (c.command.name is None and bool(c.command.words))


def mention_in(ref: PathRef, instruction: Instruction) -> Tuple[int, str]:
    """How surely a later instruction refers to the file (its words, heredoc bodies included)."""
    if ref.name in instruction.code or any(ref.name in h.content for h in instruction.heredocs):
        return YES, ref.name
    worst, text = NO, ""
    for raw, value, glob, variable in mention_words(instruction):
        # a variable in a COPY --from source may name any directory of the other stage
        seen = MAYBE if variable else ref.mention(value, raw, glob)
        if seen > worst:
            worst, text = seen, raw
    return worst, text


def mention_words(instruction: Instruction) -> List[Tuple[str, Optional[str], bool, bool]]:
    """The arguments of ``instruction`` that may name a file of the image: (as written, literal
    value or None, whether a glob, whether a variable in a ``COPY --from`` source)."""
    keyword = instruction.effective_keyword
    if keyword in _INERT or (keyword in ("COPY", "ADD") and not instruction.flag_values("from")):
        return []  # reads the build context, not the image
    if keyword == "RUN" and not instruction.is_exec_form:
        values = [(w, w.strip("\"'")) for w in instruction.value[0].split()] if instruction.value else []
    else:
        values = [(w, w) for w in instruction.value]
    copies = keyword in ("COPY", "ADD")
    return [(raw, value if "$" not in value else None, any(c in raw for c in "*?["), copies and "$" in value)
            for raw, value in values]


