"""Where the syntax fixtures and the optional real-world corpus live."""

from __future__ import annotations

import os
import re
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
ROUNDTRIP = FIXTURES / "roundtrip"
SEED = FIXTURES / "seed"
NEGATIVE = FIXTURES / "negative"
_NEGATIVE_NAME = re.compile(r"--line(\d+)\.Dockerfile\Z")


def read_text(path: Path) -> str:
    """The file as a str with every byte kept (line endings, BOM as U+FEFF)."""
    with open(path, encoding="utf-8", newline="") as handle:
        return handle.read()


def accepted_fixtures() -> list[Path]:
    return sorted(ROUNDTRIP.glob("*.Dockerfile")) + sorted(SEED.glob("*.Dockerfile"))


def negative_fixtures() -> list[Path]:
    return sorted(NEGATIVE.glob("*.Dockerfile"))


def expected_error_line(path: Path) -> int:
    """Negative fixtures are named NAME--lineN.Dockerfile."""
    match = _NEGATIVE_NAME.search(path.name)
    if match is None:
        raise ValueError(f"{path.name} does not name its error line")
    return int(match.group(1))


def corpus_root() -> Path | None:
    root = os.environ.get("SLIMFIX_CORPUS")
    return Path(root) if root else None


def corpus_texts(root: Path):
    """(path, text) of every regular file under `root`; text is None if not UTF-8."""
    for path in sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink()):
        data = path.read_bytes()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = None
        if text is not None and "\0" in text:
            text = None
        yield path, text


def fixture_id(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"
