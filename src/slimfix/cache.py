"""Results of unchanged files, kept between runs (a content-hash cache, as ruff keeps one).

A file's result depends only on its text, the settings that choose rules and fixes, and
slimfix itself (its code, its data tables, Python's version). The key hashes all of them:
the file's bytes with BLAKE2b, keyed by a digest of the rest. The path is not part of
it (no rule reads it): a result is stored without the path, and identical files share it.

Entries live in ``<folder>/results/<2 hex>/<rest>``, one small ``marshal`` file each, written
to a temporary name and renamed, so parallel workers and concurrent runs only ever see
whole entries; an entry that cannot be read is a miss. Results with an internal error are
not kept. The folder is bounded: at most once an hour, a run that finds more than
MAX_ENTRIES entries removes the oldest-written ones.

Folder: ``--cache-dir``, else ``$SLIMFIX_CACHE_DIR`` (empty: no cache), else
``$XDG_CACHE_HOME/slimfix`` or ``~/.cache/slimfix``. ``--no-cache`` or
``SLIMFIX_NO_CACHE=1`` turns it off.
"""

from __future__ import annotations

import marshal
import os
import sys
import time
try:
    from _blake2 import blake2b  # hashlib itself loads OpenSSL first: ~10 ms of a cold start
except ImportError:  # pragma: no cover - an interpreter without the built-in module
    from hashlib import blake2b
from typing import Dict, List, Optional, Tuple

from .constants import __version__
from .config import Settings
from .result import FileResult
from .rules import Applicability, Diagnostic, Edit, Fix

FORMAT = 1  # bump when the entry layout changes
MAX_ENTRIES = 20_000
KEEP_AFTER_PRUNE = 15_000
PRUNE_EVERY_S = 3600
# What a result depends on besides the settings: everything but the layers on top of the core.
_NOT_IN_KEY = frozenset({"bot", "verify", "output", "__pycache__"})


def cache_dir() -> Optional[str]:
    """The default folder: ``$SLIMFIX_CACHE_DIR`` (empty: None, no cache), else
    ``$XDG_CACHE_HOME/slimfix`` or ``~/.cache/slimfix``."""
    configured = os.environ.get("SLIMFIX_CACHE_DIR")
    if configured is not None:
        return configured or None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "slimfix")


def open_cache(folder: Optional[str] = None, enabled: bool = True) -> Optional["ResultCache"]:
    """The cache to use, or None when it is turned off (``folder`` None: the default one)."""
    if not enabled or os.environ.get("SLIMFIX_NO_CACHE", "") not in ("", "0"):
        return None
    if folder is None:
        folder = cache_dir()
    return ResultCache(folder) if folder else None


def code_fingerprint() -> bytes:
    """What identifies this slimfix: version, Python's version, and the size and modification
    time of every source and data file the results depend on (a changed rule or table misses)."""
    root = os.path.dirname(os.path.abspath(__file__))
    parts: List[str] = [__version__, sys.version]
    stack = [root]
    while stack:
        folder = stack.pop()
        with os.scandir(folder) as entries:
            for entry in sorted(entries, key=lambda e: e.name):
                if entry.is_dir():
                    if entry.name not in _NOT_IN_KEY:
                        stack.append(entry.path)
                elif entry.name.endswith((".py", ".toml", ".so")):
                    info = entry.stat()
                    parts.append(f"{os.path.relpath(entry.path, root)}:{info.st_size}:{info.st_mtime_ns}")
    return blake2b("\n".join(parts).encode("utf-8"), digest_size=32).digest()


def settings_key(settings: Settings) -> Tuple[object, ...]:
    """The settings that change a file's result (not exclude, gitignore or where they came from)."""
    return (settings.select, settings.ignore, settings.extend_select, settings.unsafe_fixes)


class ResultCache:
    def __init__(self, folder: str, fingerprint: Optional[bytes] = None) -> None:
        self.folder = os.path.join(folder, "results")
        self.fingerprint = fingerprint or code_fingerprint()
        self._salts: Dict[Tuple[object, ...], bytes] = {}
        self._last: Tuple[object, bytes] = (None, b"")  # the settings asked for last, and their salt

    def key(self, settings: Settings, raw: bytes, mode: str = "") -> str:
        if settings is self._last[0]:
            salt = self._last[1]
        else:
            wanted = settings_key(settings)
            salt = self._salts.get(wanted)
            if salt is None:
                salt = blake2b(repr(wanted).encode("utf-8"), digest_size=32, key=self.fingerprint).digest()
                self._salts[wanted] = salt
            self._last = (settings, salt)
        return blake2b(raw, digest_size=20, key=salt, person=mode.encode()[:16]).hexdigest()

    def _entry(self, key: str) -> str:
        return os.path.join(self.folder, key[:2], key[2:])

    def load(self, key: str, path: str, text: str) -> Optional[FileResult]:
        """The stored result for ``key`` as ``path``'s result, or None."""
        try:
            with open(self._entry(key), "rb") as handle:
                version, output, diagnostics, fixed, error = marshal.loads(handle.read())
            if version != FORMAT:
                return None
            return FileResult(path, text, text if output is None else output,
                              _diagnostics(diagnostics, path), _diagnostics(fixed, path), error)
        except Exception:  # missing, half-written by an old version, another format: analyse again
            return None

    def store(self, key: str, result: FileResult) -> None:
        if result.internal_error:
            return
        value = (FORMAT, result.output if result.changed else None,
                 _plain(result.diagnostics), _plain(result.fixed), result.error)
        target = self._entry(key)
        temporary = f"{target}.{os.getpid()}.tmp"
        try:
            data = marshal.dumps(value)
            try:
                handle = open(temporary, "wb")
            except FileNotFoundError:
                os.makedirs(os.path.dirname(target), exist_ok=True)
                handle = open(temporary, "wb")
            with handle:
                handle.write(data)
            os.replace(temporary, target)
        except (OSError, ValueError):  # read-only or full disk: run without the cache
            try:
                os.unlink(temporary)
            except OSError:
                pass

    def prune(self, now: Optional[float] = None) -> int:
        """Remove the oldest entries when there are too many (at most once an hour); how many went."""
        now = time.time() if now is None else now
        stamp = os.path.join(self.folder, ".pruned")
        try:
            if now - os.stat(stamp).st_mtime < PRUNE_EVERY_S:
                return 0
        except OSError:
            pass
        try:
            os.makedirs(self.folder, exist_ok=True)
            with open(stamp, "wb"):
                pass
            entries = []
            for shard in os.scandir(self.folder):
                if shard.is_dir():
                    for entry in os.scandir(shard.path):
                        entries.append((entry.stat().st_mtime, entry.path))
        except OSError:
            return 0
        if len(entries) <= MAX_ENTRIES:
            return 0
        entries.sort()
        removed = 0
        for _, path in entries[: len(entries) - KEEP_AFTER_PRUNE]:
            try:
                os.unlink(path)
                removed += 1
            except OSError:
                pass
        return removed


def _plain(diagnostics: List[Diagnostic]) -> tuple:
    return tuple(
        (d.code, d.message, d.line, d.column, d.end_line, d.savings,
         None if d.fix is None else (tuple((e.start, e.end, e.content) for e in d.fix.edits),
                                     int(d.fix.applicability), d.fix.message, d.fix.joins))
        for d in diagnostics
    )


def _diagnostics(stored: tuple, path: str) -> List[Diagnostic]:
    out = []
    for code, message, line, column, end_line, savings, fix in stored:
        if fix is not None:
            edits, applicability, fix_message, joins = fix
            fix = Fix(tuple(Edit(*edit) for edit in edits), Applicability(applicability), fix_message, joins)
        out.append(Diagnostic(code, message, line, column, end_line, fix, savings, path))
    return out


__all__ = ["ResultCache", "code_fingerprint", "open_cache"]
