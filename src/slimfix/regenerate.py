"""Regenerate what is generated from the sources, or with ``--check`` exit 1 if any is out of date.

    python -m slimfix.regenerate [--check]

A development tool, run in a source checkout. It writes:

- ``src/slimfix/syntax/_tables.py``: lark's parse tables of the grammar (``syntax/generate.py``);
- ``src/slimfix/_datatables.py``: the TOML tables as Python literals (``datagen.py``);
- ``docs/rules/``: one page per rule from its docstring (``docs.py``).

A generator module names its output (``TARGET``) and writes its text (``render()``); both
are read when the command runs, so a test can point a generator elsewhere. Regenerating
gives the same bytes.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Optional, Sequence

from . import datagen, docs
from .syntax import generate

GENERATORS = (generate, datagen)
RULE_PAGES = Path(__file__).resolve().parents[2] / "docs" / "rules"
COMMAND = "python -m slimfix.regenerate"


def update(generator, check: bool) -> int:
    """Write ``generator.TARGET`` when it is out of date; with ``check`` only report it (1)."""
    target, text = generator.TARGET, generator.render()
    if (target.read_text(encoding="utf-8") if target.exists() else "") == text:
        return 0
    if check:
        print(f"{target} is out of date: run {COMMAND}", file=sys.stderr)
        return 1
    target.write_text(text, encoding="utf-8")
    print(f"wrote {target}")
    return 0


def update_pages(folder: Path, check: bool) -> int:
    """Bring the rule pages in ``folder`` up to date; with ``check`` only report what is not, 1 then."""
    if not check:
        for name in docs.write(folder):
            print(f"wrote {name}")
        return 0
    stale = docs.differences(folder)
    for line in stale:
        print(f"{line}: run {COMMAND}", file=sys.stderr)
    return 1 if stale else 0


def main(argv: Optional[Sequence[str]] = None) -> int:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--check", action="store_true", help="write nothing; exit 1 if anything is out of date")
    args = options.parse_args(argv)
    statuses = [update(generator, args.check) for generator in GENERATORS]
    statuses.append(update_pages(RULE_PAGES, args.check))
    return max(statuses)


if __name__ == "__main__":
    sys.exit(main())
