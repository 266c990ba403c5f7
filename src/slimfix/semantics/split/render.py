"""Text in the author's style: a stage's part of a RUN with the file's own joiners, continuations
and comments, ``FROM`` lines written as the original one, and the whole of the new stages."""

from __future__ import annotations

from typing import List, Optional, Sequence, Tuple

from ...shell.edit import Edit as ShellEdit
from ...syntax import Instruction
from ..context import FileContext
from ..run import MAX_LINE, RunView
from .analysis import Analysis
from .model import BUILDER, Command, Emission
from .trivia import Trivia


def command_text(ctx: FileContext, run: RunView, node, edits: Sequence[ShellEdit]) -> str:
    """The command as written in the file (continuations and all), with ``edits`` applied."""
    text = ctx.text
    start = run.file_offset(node.start, after_break=True)
    end = run.file_offset(node.end)
    out, position = [], start
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        if edit.start == edit.end or edit.replacement == "":
            a = run.file_offset(edit.start)
        else:
            a = run.file_offset(edit.start, after_break=True)
        b = run.file_offset(edit.end) if edit.end != edit.start else a
        out.append(text[position:a])
        out.append(edit.replacement)
        position = b
    out.append(text[position:end])
    return "".join(out)


def run_text(ctx: FileContext, instruction: Instruction, run: RunView,
             entries: List[Tuple[Optional[Command], str]], newline: str) -> str:
    """A RUN of the commands ``entries`` (None: a generated command), joined as in the original;
    comment lines between commands left out go below it."""
    items = run.script.body.items
    style = run.style
    prefix = ctx.text[ctx.offset(instruction): run.file_offset(0, after_break=True)]
    pieces = [prefix]
    generated = style.joiner
    if not style.multiline:
        length = len(prefix) + sum(len(text) + len(style.joiner) for _, text in entries)
        if length > MAX_LINE and any(c is None for c, _ in entries):
            generated = f" {style.escape}{instruction.newline or newline}{style.indent}&& "
    for k, (command, text) in enumerate(entries):
        if k:
            if command is not None and command.index > 0:
                end = run.file_offset(items[command.index - 1].end)
                pieces.append(ctx.text[end: run.file_offset(items[command.index].start, after_break=True)])
            else:
                pieces.append(generated)
        pieces.append(text)
    pieces.append(instruction.newline or newline)
    joined = {command.index for k, (command, _) in enumerate(entries) if k and command is not None}
    for index in range(1, len(items)):
        if index not in joined:
            start = run.file_offset(items[index - 1].end)
            between = ctx.text[start: run.file_offset(items[index].start, after_break=True)]
            pieces.extend(line.lstrip(" \t") + newline for line in between.splitlines()
                          if line.lstrip(" \t").startswith("#"))
    return "".join(pieces)


def keyword_case(stage, keyword: str) -> str:
    """``keyword`` in the case the stage's ``FROM`` is written in."""
    written = stage.from_instruction.arguments.command
    return keyword.lower() if written.islower() else keyword


def _from_line(stage, image: str, name: Optional[str], platform: bool, newline: str) -> str:
    source = stage.from_instruction
    written = source.arguments.command
    flags = " ".join(source.flags) + " " if platform and source.flags else ""
    words = source.value
    as_word = words[1] if len(words) >= 3 else ("as" if written.islower() else "AS")
    alias = f" {as_word} {name}" if name else ""
    return f"{source.indent}{written} {flags}{image}{alias}{newline}"


def render_stages(analysis: Analysis, builder: List[Emission], final: List[Emission]) -> str:
    """The file from its ``FROM`` on: the builder stage, then the runtime stage on the slim variant
    or on the same image, written as the original (no empty stage only to name it)."""
    ctx, stage, newline = analysis.ctx, analysis.stage, analysis.newline
    trivia = Trivia(ctx, stage.from_instruction)
    written = stage.base_image
    out = []
    out.append(_from_line(stage, written, BUILDER, True, newline))
    final_from = _from_line(stage, analysis.variant or written, stage.alias, True, newline)
    in_builder = {id(e.source) for e in builder}
    out.append(trivia.write_stage(builder, analysis.instructions, newline, False, set()))
    out.append(newline)
    out.append(final_from)
    out.append(trivia.write_stage(final, analysis.instructions, newline, True, in_builder))
    out.append("".join(line.code for line in trivia.end))
    text = "".join(out)
    if not ctx.text.endswith(("\n", "\r")):
        text = text.rstrip("\r\n")
    return text
