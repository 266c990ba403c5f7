"""Imports inside functions are few, listed here, and each says why (docs/architecture.md).

An import that is not at the top of its module hides a dependency; the only reasons
for one are start-up time (what a common run does not need stays unloaded) and
optional dependencies. Each carries ``# lazy: start-up`` or ``# lazy: optional``, and
only the modules below may hold one.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Dict, List, Tuple

SRC = Path(__file__).resolve().parents[2] / "src"

# module (path under src/slimfix) -> how many imports it makes inside functions
ALLOWED: Dict[str, int] = {
    "__init__.py": 1,  # the public face re-exports the parser on first use
    "argv.py": 2,  # the click-free reader: the run or click, on demand
    "app.py": 5,  # the run: the analysis, --verify, --diff, the progress bar, a traceback
    "cli.py": 3,  # click's commands: the rules only for `rules` and `rule`
    "bot/description.py": 1,  # the verifier's report, only when the images were built
    "bot/forges/make.py": 2,  # the forges' client libraries (the bot extra)
    "bot/run.py": 1,  # the verifier, only with --verify
    "config.py": 3,  # pathlib, tomllib (tomli before Python 3.11)
    "datafiles.py": 3,  # tomllib (tomli), tempfile
    "files.py": 3,  # subprocess, tempfile
    "fixer.py": 1,  # traceback
    "output/render.py": 5,  # one renderer a format
    "rules/base.py": 1,  # inspect, for rule pages
    "rules/sf011_single_stage_build.py": 1,  # the stage-split engine, only when SF011 is selected
    "runner.py": 5,  # the analysis (not for answers from the cache), the process pool
    "semantics/run.py": 1,  # csv, for --mount
    "shell/edit.py": 1,  # shlex
    "syntax/parser.py": 2,  # the generated tables, pathlib for the grammar
    "verified.py": 1,  # slimfix.verify
    "verify/cli.py": 3,  # the fixer, the builders, the plot
    "verify/probes/probe.py": 1,  # importlib.metadata in the image's Python
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


def test_imports_inside_functions_are_only_in_the_listed_modules():
    counts: Dict[str, int] = {}
    for module, _, _ in lazy_imports():
        counts[module] = counts.get(module, 0) + 1
    assert counts == ALLOWED


def test_each_says_why():
    unexplained = [f"{module}:{line}: {text.strip()}" for module, line, text in lazy_imports() if not _REASON.search(text)]
    assert unexplained == []


def test_the_listing_sees_them():
    assert ("cli.py", "from .docs import rules_table") in {(m, t.strip().split("  #")[0]) for m, _, t in lazy_imports()}
