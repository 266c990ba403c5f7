"""Crude RUN extraction from real Dockerfiles, independent of the Dockerfile parser.

Joins escape+newline continuations of lines starting with RUN, drops comment and blank lines inside
them, strips leading ``--flag`` options, skips exec form, and appends here-doc bodies. Run as a script
(``python -m tests.shell.corpus_runs DIR``) to print the opaque share of a corpus.
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path
from typing import Iterator, List, Tuple

_RUN_RE = re.compile(r"^\s*run\s", re.I)
_ESCAPE_RE = re.compile(r"^#\s*escape\s*=\s*(\S)", re.I)
_FLAG_RE = re.compile(r"^\s*--[A-Za-z-]+(=(\"[^\"]*\"|\S)*)?")
_HEREDOC_RE = re.compile(r"<<-?\s*([\"']?)([A-Za-z_][A-Za-z0-9_]*)\1")


def corpus_files(root: str) -> List[Path]:
    return sorted(p for p in Path(root).rglob("*") if p.is_file() and p.suffix not in (".tsv", ".txt", ".py", ".log")
                  and p.name != "result")


def runs(text: str) -> Iterator[str]:
    """Logical shell text of every shell-form RUN in a Dockerfile's text."""
    lines = text.replace("\r\n", "\n").split("\n")
    escape = "\\"
    for line in lines[:5]:
        m = _ESCAPE_RE.match(line)
        if m:
            escape = m.group(1)
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if not _RUN_RE.match(line):
            continue
        body = _RUN_RE.sub("", line, count=1)
        while body.rstrip().endswith(escape) and i < len(lines):
            body = body.rstrip()[:-1]
            nxt = lines[i]
            i += 1
            while (not nxt.strip() or nxt.lstrip().startswith("#")) and i < len(lines):
                nxt = lines[i]
                i += 1
            body += nxt
        while True:
            m = _FLAG_RE.match(body)
            if not m:
                break
            body = body[m.end():]
        body = body.lstrip()
        if body.startswith("["):
            try:
                json.loads(body)
                continue
            except ValueError:
                pass
        for m in _HEREDOC_RE.finditer(body):
            delimiter, doc = m.group(2), []
            while i < len(lines):
                doc.append(lines[i])
                i += 1
                if lines[i - 1].strip() == delimiter:
                    break
            body += "\n" + "\n".join(doc)
        yield body


def corpus_runs(root: str) -> Iterator[Tuple[Path, str]]:
    for path in corpus_files(root):
        text = path.read_bytes().decode("utf-8", "replace")
        for run in runs(text):
            yield path, run


if __name__ == "__main__":  # pragma: no cover - manual measurement
    from slimfix.shell import parse_shell

    root = sys.argv[1] if len(sys.argv) > 1 else os.environ["SLIMFIX_CORPUS"]
    total = opaque = 0
    for path, run in corpus_runs(root):
        total += 1
        script = parse_shell(run)
        assert script.code == run, path
        if script.has_opaque:
            opaque += 1
            if "-v" in sys.argv:
                print(f"{path}: {run[:200]!r}")
    print(f"{opaque}/{total} RUN instructions with an Opaque node ({100 * opaque / max(total, 1):.2f}%)")
