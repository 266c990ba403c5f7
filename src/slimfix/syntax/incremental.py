"""Re-parse only the lines that edits touched.

A fix round edits a few instructions; parsing the whole file again after each round cost as much
as the first parse. ``reparse`` parses the edited top-level lines alone and keeps every other
node (with the arguments it already worked out), moving line numbers where lines were added or
removed. Where a fragment could read differently inside the whole file (it lies in the region
where parser directives live, it holds a heredoc, or it ends inside a line continuation), the
whole text is parsed instead: the result is always the tree ``parse`` gives for the new text.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import List, Protocol, Sequence, Tuple

from ..record import fields
from .nodes import Continuation, ContinuationBlank, ContinuationComment, Dockerfile, Instruction, Node
from .parser import check_instructions, parse, parse_lines


class TextEdit(Protocol):
    start: int
    end: int
    content: str


def reparse(tree: Dockerfile, text: str, edits: Sequence[TextEdit]) -> Dockerfile:
    """The tree of ``text`` (``tree.code``) with ``edits`` applied (offsets into ``text``, not
    overlapping); raises ``ParseError`` as ``parse`` would on the new text."""
    edits = sorted(edits, key=lambda e: (e.start, e.end))
    body = tree.body
    starts = tree.line_starts
    groups = _touched(edits, starts, len(body))
    first_instruction = next((i for i, node in enumerate(body) if type(node) is Instruction), None)
    if not groups or first_instruction is None or groups[0][0] <= first_instruction:
        return parse(_apply(text, edits, 0, len(text)))
    out: List[Node] = []
    kept_from, line_shift = 0, 0
    for first, last, group_edits in groups:
        out.extend(_moved(node, line_shift) for node in body[kept_from:first])
        at_end = last == len(body) - 1
        old = text[starts[first]:starts[last + 1]]
        new = _apply(text, group_edits, starts[first], starts[last + 1])
        if "<<" in new or not (at_end or new.endswith("\n")):
            return parse(_apply(text, edits, 0, len(text)))
        nodes = parse_lines(new, tree.escape, body[first].start_line + line_shift)
        if nodes and not at_end and _continues(nodes[-1]):
            return parse(_apply(text, edits, 0, len(text)))
        # only now: an instruction that goes on past the window (even one with no text yet,
        # such as a lone escape before a comment) is checked as the whole file reads it
        check_instructions(nodes)
        out.extend(nodes)
        line_shift += new.count("\n") - old.count("\n")
        kept_from = last + 1
    out.extend(_moved(node, line_shift) for node in body[kept_from:])
    return Dockerfile(tuple(out), tree.bom, tree.escape)


def _touched(edits: Sequence[TextEdit], starts: Sequence[int], count: int) -> List[Tuple[int, int, list]]:
    """(first, last, edits) for each range of line nodes the edits touch, merged where they
    overlap. An insertion between two lines belongs to the line after it (at the end of the
    text, to the last line)."""
    groups: List[Tuple[int, int, list]] = []
    for edit in edits:
        if edit.start < starts[0]:  # inside the byte order mark
            return [(0, count - 1, list(edits))] if count else []
        first = min(bisect_right(starts, edit.start) - 1, count - 1)
        last = min(bisect_right(starts, max(edit.end - 1, edit.start)) - 1, count - 1)
        if groups and first <= groups[-1][1]:
            group_first, group_last, group_edits = groups[-1]
            group_edits.append(edit)  # in place: a chain of joins is one group of many edits
            groups[-1] = (group_first, max(last, group_last), group_edits)
        else:
            groups.append((first, last, [edit]))
    return groups


def _apply(text: str, edits: Sequence[TextEdit], start: int, end: int) -> str:
    """``text[start:end]`` with ``edits`` (sorted, all inside that range) applied."""
    pieces, position = [], start
    for edit in edits:
        pieces.append(text[position:edit.start])
        pieces.append(edit.content)
        position = edit.end
    pieces.append(text[position:end])
    return "".join(pieces)


def _continues(node: Node) -> bool:
    """An instruction whose last line ends with the escape character: in the whole file, the
    next line would continue it."""
    if type(node) is not Instruction:
        return False
    for part in reversed(node.parts):
        if type(part) in (ContinuationComment, ContinuationBlank):
            continue
        return type(part) is Continuation
    return False


def _moved(node: Node, shift: int) -> Node:
    """``node`` with its line numbers moved by ``shift``, keeping what it has computed."""
    if not shift:
        return node
    if type(node) is Instruction:
        moved = node.with_changes(start_line=node.start_line + shift, end_line=node.end_line + shift)
    else:
        moved = node.with_changes(start_line=node.start_line + shift)  # type: ignore[attr-defined]
    names = {f.name for f in fields(node)}
    moved.__dict__.update((k, v) for k, v in node.__dict__.items() if k not in names)
    return moved
