"""Visiting and transforming the tree, LibCST style.

A ``Transformer`` walks a tree depth-first. For each node it calls
``visit_<Class>(node)`` on the way down (return False to skip the children)
and ``leave_<Class>(original, updated)`` on the way up, whose return value
replaces the node: the node itself (no change), a changed copy made with
``with_changes``, ``REMOVE`` to drop it from its parent, or ``Flatten([...])``
to put several nodes in its place (join two RUNs into one, split one stage
into several). Unchanged subtrees are returned as the same objects, so ``is``
tells whether a pass touched a node.

    class Upper(Transformer):
        def leave_Comment(self, original, updated):
            return updated.with_changes(text=updated.text.upper())

    tree = Upper().transform(parse(text))
"""

from __future__ import annotations

from typing import Iterable, List, Sequence

from .nodes import Dockerfile, Instruction, Node


class _Remove:
    def __repr__(self) -> str:
        return "REMOVE"


REMOVE = _Remove()


class Flatten:
    """Several nodes to put where one stood."""

    def __init__(self, nodes: Iterable[Node]) -> None:
        self.nodes = tuple(nodes)


# the fields of each node kind that hold child nodes
_CHILD_FIELDS = {Dockerfile: ("body",), Instruction: ("parts", "heredocs")}


class Visitor:
    """Walks a tree, calling ``visit_<Class>`` and ``leave_<Class>``; changes nothing."""

    def walk(self, node: Node) -> None:
        name = type(node).__name__
        if getattr(self, f"visit_{name}", _true)(node) is not False:
            for field in _CHILD_FIELDS.get(type(node), ()):
                for child in getattr(node, field):
                    self.walk(child)
        leave = getattr(self, f"leave_{name}", None)
        if leave is not None:
            leave(node)


class Transformer:
    """Rebuilds a tree from the ``leave_<Class>`` results (see the module docstring)."""

    def transform(self, node: Node):
        name = type(node).__name__
        updated = node
        if getattr(self, f"visit_{name}", _true)(node) is not False:
            changes = {}
            for field in _CHILD_FIELDS.get(type(node), ()):
                children = getattr(node, field)
                new = self._children(children)
                if any(a is not b for a, b in zip(new, children)) or len(new) != len(children):
                    changes[field] = tuple(new)
            if changes:
                updated = node.with_changes(**changes)
        leave = getattr(self, f"leave_{name}", None)
        return leave(node, updated) if leave is not None else updated

    def _children(self, children: Sequence[Node]) -> List[Node]:
        out: List[Node] = []
        for child in children:
            result = self.transform(child)
            if result is REMOVE:
                continue
            if isinstance(result, Flatten):
                out.extend(result.nodes)
            else:
                out.append(result)
        return out


def _true(node: Node) -> bool:
    return True
