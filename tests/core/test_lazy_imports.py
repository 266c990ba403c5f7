"""Imports inside functions sit at the command-line boundary, each saying why (docs/architecture.md).

An import that is not at the top of its module hides a dependency. The modules of the
command-line boundary decide what a run needs, so they may load a module on demand for
start-up time (``# lazy: start-up``): what a common run does not need stays unloaded.
Below the boundary an import sits at the top of its module; the one reason allowed
everywhere is an optional dependency (``# lazy: optional``).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import List, Tuple

SRC = Path(__file__).resolve().parents[2] / "src"

# the command-line boundary: the modules that decide what a run needs
BOUNDARY = {
    "__init__.py",  # the public face re-exports the parser on first use
    "argv.py",  # the click-free reader: the run or click, on demand
    "cli.py",  # click's commands: the rules only for `rules` and `rule`
    "app.py",  # the run: the analysis, --verify, --diff, the progress bar
    "runner.py",  # the analysis (not for answers from the cache), the process pool
    "output/render.py",  # the format dispatcher: one renderer a format
    "verified.py",  # --verify: slimfix.verify
    "bot/run.py",  # the bot command: the verifier only with --verify
    "verify/cli.py",  # the verify command: the fixer, the builders, the plot
}
_REASON = re.compile(r"# lazy: (start-up|optional)\b")


def lazy_imports() -> List[Tuple[str, int, str]]:
    """(module, line, text) of every import inside a function under src/slimfix."""
    found = set()
    for path in sorted((SRC / "slimfix").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        for function in ast.walk(ast.parse(text)):
            if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for node in ast.walk(function):
                    if isinstance(node, (ast.Import, ast.ImportFrom)):
                        name = path.relative_to(SRC / "slimfix").as_posix()
                        found.add((name, node.lineno, lines[node.lineno - 1]))
    return sorted(found)


def test_start_up_imports_only_at_the_boundary():
    below = [f"{module}:{line}: {text.strip()}" for module, line, text in lazy_imports()
             if "# lazy: optional" not in text and module not in BOUNDARY]
    assert below == []


def test_the_boundary_modules_exist():
    assert all((SRC / "slimfix" / module).is_file() for module in BOUNDARY)


def test_each_says_why():
    unexplained = [f"{module}:{line}: {text.strip()}" for module, line, text in lazy_imports() if not _REASON.search(text)]
    assert unexplained == []


def test_the_listing_sees_them():
    assert ("cli.py", "from .docs import rules_table") in {(m, t.strip().split("  #")[0]) for m, _, t in lazy_imports()}
