"""Write ``_datatables.py``: every TOML table under src/slimfix as Python literals.

A development tool, run by ``python -m slimfix.regenerate``. The run-time loader
(``datafiles.py``) imports the generated module, so no run parses TOML (``tomllib`` is pure
Python: the ~140 KB of tables take ~25 ms to parse) or keeps a cache of its own; Python's
bytecode cache does that. Tables are keyed by their path under src/slimfix and listed in
sorted order; each keeps its file's key order (the order of a table's entries is data: the
split's ecosystems, the subcommands). Regenerating gives the same bytes.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path
from typing import Any, Dict

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.9/3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent  # src/slimfix
TARGET = ROOT / "_datatables.py"
_PLAIN = (str, int, float, bool, list, dict)
WIDTH = 100


def parsed_tables() -> Dict[str, Dict[str, Any]]:
    """Every ``*.toml`` under src/slimfix as tomllib parses it, by its path under src/slimfix."""
    tables = {}
    for path in sorted(ROOT.rglob("*.toml"), key=lambda p: p.relative_to(ROOT).as_posix()):
        name = path.relative_to(ROOT).as_posix()
        with path.open("rb") as handle:
            tables[name] = tomllib.load(handle)
        _refuse_unwritable(tables[name], name)
    return tables


def _refuse_unwritable(value: Any, where: str) -> None:
    """Only values whose repr reads back as themselves (no TOML dates, no nan or inf)."""
    if not isinstance(value, _PLAIN) or (isinstance(value, float) and not math.isfinite(value)):
        raise ValueError(f"{where}: {value!r} cannot be written as a Python literal")
    children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    for child in children:
        _refuse_unwritable(child, where)


def literal(value: Any, indent: int, used: int) -> str:
    """``value`` as Python source starting ``used`` characters into a line indented by ``indent``:
    on that line when it fits, else a dict one entry a line, a list of scalars filled to WIDTH,
    a list of tables one a line."""
    flat = repr(value)
    if used + len(flat) + 1 <= WIDTH or not value or not isinstance(value, (dict, list)):
        return flat
    pad = " " * (indent + 4)
    if isinstance(value, dict):
        lines = [f"{pad}{key!r}: {literal(item, indent + 4, len(pad) + len(repr(key)) + 2)},"
                 for key, item in value.items()]
        return "{\n" + "\n".join(lines) + f"\n{' ' * indent}}}"
    if any(isinstance(item, (dict, list)) for item in value):
        lines = [f"{pad}{literal(item, indent + 4, len(pad))}," for item in value]
    else:
        lines = [pad]
        for item in map(repr, value):
            if len(lines[-1]) > len(pad) and len(lines[-1]) + len(item) + 1 > WIDTH:
                lines[-1] = lines[-1].rstrip()
                lines.append(pad)
            lines[-1] += f"{item}, "
        lines[-1] = lines[-1].rstrip()
    return "[\n" + "\n".join(lines) + f"\n{' ' * indent}]"


def render() -> str:
    out = [
        '"""Generated from the *.toml files under src/slimfix by `python -m slimfix.regenerate`.',
        "",
        "Do not edit: change a TOML file and regenerate. Read by datafiles.py; TABLES maps",
        "each file's path under src/slimfix to what tomllib parses from it.",
        '"""',
        "",
        "# fmt: off",
        "TABLES = {",
    ]
    for name, table in parsed_tables().items():
        out.append(f"    {name!r}: {literal(table, 4, len(repr(name)) + 6)},")
    out.append("}")
    return "\n".join(out) + "\n"

