"""Iterate the simple commands of a script with the context rules need to reason about them."""

from __future__ import annotations

from typing import Iterator, List, Optional, Tuple

from slimfix.shell.nodes import (
    Assignment,
    CaseClause,
    CommandList,
    Compound,
    FunctionDef,
    If,
    Literal,
    Node,
    Operator,
    Pipeline,
    Redirect,
    Script,
    SimpleCommand,
    Subshell,
    While,
    Word,
)
from slimfix.shell.shellopts import errexit_change

from ..record import record

_IGNORING_JOINERS = frozenset((";", "\n", "&", "||"))


@record(eq=False)
class CommandContext:
    """Where a simple command sits.

    ``list``/``item``/``index``: the nearest enclosing command list, the element of it that contains
    the command (the command itself, its pipeline, or an enclosing compound) and its position.
    ``ancestors``: enclosing nodes from the Script down to the command's parent.
    """

    command: SimpleCommand
    ancestors: Tuple[Node, ...]
    list: CommandList
    item: Node
    index: int
    pipeline: Optional[Pipeline]
    top_level: bool  # directly in the script's top-level list (no compound or substitution around)
    in_condition: bool  # in the condition of if/while/until: a failure there never aborts
    in_substitution: bool  # inside $(...), `...` or <(...)
    in_function: bool  # inside a function body (runs only when called)
    errexit: bool  # `set -e` is in effect when the command runs

    @property
    def compounds(self) -> Tuple[Node, ...]:
        return tuple(a for a in self.ancestors if isinstance(a, (Compound, FunctionDef)))

    @property
    def in_pipeline(self) -> bool:
        return self.pipeline is not None and len(self.pipeline.commands) > 1

    @property
    def joiner_before(self) -> Optional[Operator]:
        return self.list.operators[self.index - 1] if self.index > 0 else None

    @property
    def joiner_after(self) -> Optional[Operator]:
        ops = self.list.operators
        return ops[self.index] if self.index < len(ops) else None

    @property
    def and_chained(self) -> bool:
        """Every item before this one in its list is joined with ``&&``."""
        return all(op.op == "&&" for op in self.list.operators[:self.index])

    @property
    def in_top_chain(self) -> bool:
        """In the top-level ``&&`` chain that starts the script."""
        return self.top_level and self.and_chained

    @property
    def failure_ignored_before(self) -> bool:
        """A failing earlier item of this list would not stop the script before this command
        (joined by ``;``, newline, ``&`` or ``||`` without ``set -e``)."""
        if self.errexit:
            return any(op.op in ("&", "||") for op in self.list.operators[:self.index])
        return any(op.op in _IGNORING_JOINERS for op in self.list.operators[:self.index])


class _Walker:
    def __init__(self) -> None:
        self.out: List[CommandContext] = []

    def list(self, lst: CommandList, anc: Tuple[Node, ...], flags: dict, state: dict) -> None:
        anc = anc + (lst,)
        for index, item in enumerate(lst.items):
            self.node(item, anc, flags, state, (lst, item, index), None)

    def node(self, node: Node, anc: Tuple[Node, ...], flags: dict, state: dict, place: tuple,
             pipeline: Optional[Pipeline]) -> None:
        if isinstance(node, SimpleCommand):
            lst, item, index = place
            self.out.append(CommandContext(node, anc, lst, item, index, pipeline, errexit=state["e"],
                                           **flags))
            change = errexit_change(node)
            if change is not None:
                state["e"] = change
            inner = None
            for p in node.parts:
                if p.__class__ is str:
                    continue
                w = p.value if isinstance(p, Assignment) else p.target if isinstance(p, Redirect) else p
                if len(w.parts) == 1 and w.parts[0].__class__ is Literal:
                    continue
                inner = inner or {**flags, "top_level": False, "in_substitution": True}
                self.substitutions(w, anc + (node,), inner, state)
            return
        if isinstance(node, Pipeline):
            sub_state = dict(state) if len(node.commands) > 1 else state
            for cmd in node.commands:
                self.node(cmd, anc + (node,), flags, sub_state, place, node)
            return
        if isinstance(node, FunctionDef):
            inner = {**flags, "top_level": False, "in_function": True}
            self.node(node.body, anc + (node,), inner, dict(state), place, None)
            return
        if not isinstance(node, Compound):
            return  # Opaque
        anc = anc + (node,)
        nested = {**flags, "top_level": False}
        if isinstance(node, Subshell):
            state = dict(state)
        if isinstance(node, (If, While)):
            conditions = node.conditions if isinstance(node, If) else (node.condition,)
            cond_flags = {**nested, "in_condition": True}
            for body in node.bodies:
                self.list(body, anc, cond_flags if body in conditions else nested, state)
        else:
            for p in node.parts:
                if isinstance(p, CommandList):
                    self.list(p, anc, nested, state)
                elif isinstance(p, Word):
                    self.substitutions(p, anc, {**nested, "in_substitution": True}, state)
                elif isinstance(p, CaseClause):
                    self.list(p.body, anc + (p,), nested, state)
        for r in node.redirects:
            self.substitutions(r.target, anc, {**nested, "in_substitution": True}, state)

    def substitutions(self, word: Word, anc: Tuple[Node, ...], flags: dict, state: dict) -> None:
        for sub in word.substitutions():
            body = sub.body  # type: ignore[attr-defined]
            if body is not None:
                self.list(body, anc + (word, sub), flags, dict(state))


_TOP_FLAGS = {"top_level": True, "in_condition": False, "in_substitution": False, "in_function": False}


def walk_commands(script: Script) -> Iterator[CommandContext]:
    """Every simple command of ``script`` in source order (a command comes before the commands of
    its own substitutions), each with its ``CommandContext``. Opaque regions are skipped."""
    walker = _Walker()
    walker.list(script.body, (script,), dict(_TOP_FLAGS), {"e": False})
    return iter(walker.out)


def context_of(script: Script, command: SimpleCommand) -> CommandContext:
    for ctx in walk_commands(script):
        if ctx.command is command:
            return ctx
    raise ValueError("command is not part of this script")
