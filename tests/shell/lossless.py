"""Parse and check the invariants every tree must hold."""

from __future__ import annotations

from slimfix.shell import Script, parse_shell
from slimfix.shell.nodes import iter_nodes


def parsed(text: str) -> Script:
    """``parse_shell(text)`` after checking it renders ``text`` and every node's offsets match."""
    script = parse_shell(text)
    assert script.code == text
    for node in iter_nodes(script):
        assert text[node.start:node.end] == node.code, node
    return script
