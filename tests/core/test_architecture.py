"""The import graph over src/ follows the layers of docs/architecture.md.

Every ``import`` counts, at module level or inside a function. A module may
import its own layer or a lower one, never a higher one, and no chain of
imports may come back to where it started.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Dict, Iterator, List, Set, Tuple

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src"
DOC = ROOT / "docs" / "architecture.md"


def documented_layers() -> List[Tuple[str, ...]]:
    """The rows of the layer table in docs/architecture.md, lowest first: the modules of each."""
    text = DOC.read_text(encoding="utf-8").split("## Layers", 1)[1].split("\n## ", 1)[0]
    rows = [line.split("|")[2] for line in text.splitlines() if line.startswith("| ") and "`" in line]
    return [tuple(re.findall(r"`([\w.]+)`", row)) for row in rows]


# A module belongs to the longest name listed that is itself or a package holding it;
# ``slimfix`` (the package's public face) only to itself.
LAYERS = documented_layers()

# Known violations, to be fixed and deleted from here (none left): (importer, imported).
ALLOWED_UPWARD: Set[Tuple[str, str]] = set()
ALLOWED_CYCLES: List[Set[str]] = []


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES: Dict[str, Path] = {module_name(p): p for p in SRC.rglob("*.py")}


def imported_modules(name: str) -> Iterator[str]:
    """The slimfix modules ``name`` imports, anywhere in its body."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([node.module] if node.module else []))
            # ``from pkg import sub`` imports the submodule when there is one.
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names]
        else:
            continue
        for target in targets:
            while target and target not in MODULES:
                target = target.rpartition(".")[0]
            if target and target != name:
                yield target


GRAPH: Dict[str, Set[str]] = {name: set(imported_modules(name)) for name in MODULES}


def layer_of(name: str) -> int:
    best = (-1, -1)
    for index, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            inside = prefix != "slimfix" and name.startswith(prefix + ".")
            if (name == prefix or inside) and len(prefix) > best[0]:
                best = (len(prefix), index)
    assert best[1] >= 0, f"{name} belongs to no layer: add it to LAYERS and docs/architecture.md"
    return best[1]


def upward_imports() -> Set[Tuple[str, str]]:
    return {(a, b) for a, targets in GRAPH.items() for b in targets if layer_of(b) > layer_of(a)}


def cycles() -> List[Set[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: Dict[str, int] = {}
    low: Dict[str, int] = {}
    stack: List[str] = []
    found: List[Set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(GRAPH[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(component)

    for node in sorted(GRAPH):
        if node not in index:
            visit(node)
    return found


def test_the_documented_layers_are_read():
    assert LAYERS[0][0] == "slimfix.constants" and ("slimfix.syntax",) in LAYERS and LAYERS[-1] == ("slimfix",)


def test_every_module_has_a_layer():
    for name in MODULES:
        layer_of(name)


def test_no_upward_import():
    assert upward_imports() == ALLOWED_UPWARD


def test_no_import_cycle():
    assert sorted(map(sorted, cycles())) == sorted(map(sorted, ALLOWED_CYCLES))


def test_the_graph_is_read():
    """The checks above see real edges, lazy ones included."""
    assert "slimfix.syntax" in GRAPH["slimfix.fixer"]
    assert "slimfix.app" in GRAPH["slimfix.cli"]  # imported inside a function
