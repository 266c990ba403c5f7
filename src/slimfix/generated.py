"""The command line the generators share (``slimfix.syntax.generate``, ``slimfix.datagen``):
write the generated module, or with ``--check`` exit 1 if the committed one is out of date."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Callable, Optional, Sequence


def main(argv: Optional[Sequence[str]], doc: str, target: Path, render: Callable[[], str], command: str) -> int:
    options = argparse.ArgumentParser(description=doc.splitlines()[0])
    options.add_argument("--check", action="store_true", help=f"exit 1 if {target.name} is out of date")
    args = options.parse_args(argv)
    text = render()
    if args.check:
        current = target.read_text(encoding="utf-8") if target.exists() else ""
        if current != text:
            print(f"{target} is out of date: run {command}", file=sys.stderr)
            return 1
        return 0
    target.write_text(text, encoding="utf-8")
    print(f"wrote {target}")
    return 0
