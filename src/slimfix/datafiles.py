"""The TOML tables shipped with slimfix (package managers, build dependencies, images, split).

``tomllib`` is pure Python: parsing the ~50 KB of tables took ~35 ms at every start, a quarter of
the cold-start budget. Each parsed table is therefore kept (``marshal`` format) in the user's cache folder
(``$SLIMFIX_CACHE_DIR``, else ``$XDG_CACHE_HOME/slimfix``, else ``~/.cache/slimfix``), keyed by
the table's path, slimfix's version and Python's, and checked against the file's size and
modification time. A cache that cannot be read or written is ignored; set
``SLIMFIX_CACHE_DIR`` to an empty string to turn it off.
"""

from __future__ import annotations

import marshal
import os
import sys
import zlib
from typing import Any, Dict, Optional

from .constants import __version__


def cache_dir() -> Optional[str]:
    """Where parsed tables are kept, or None when caching is off."""
    configured = os.environ.get("SLIMFIX_CACHE_DIR")
    if configured is not None:
        return configured or None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "slimfix")


def load_table(path: str) -> Dict[str, Any]:
    """The parsed TOML at ``path``, from the cache when it is current."""
    stat = os.stat(path)
    stamp = (stat.st_size, stat.st_mtime_ns)
    folder = cache_dir()
    key = f"{path}\0{__version__}\0{sys.version_info[:2]}"
    stem = os.path.splitext(os.path.basename(path))[0]
    cached = os.path.join(folder, f"{stem}-{zlib.crc32(key.encode()):08x}.marshal") if folder else None
    if cached is not None:
        try:
            with open(cached, "rb") as handle:  # loads(read()): load(handle) reads in tiny pieces
                saved_key, saved_stamp, data = marshal.loads(handle.read())
            if saved_key == key and saved_stamp == stamp:
                return data
        except Exception:  # missing, stale format, truncated: parse again
            pass
    if sys.version_info >= (3, 11):  # only on a cache miss
        import tomllib  # lazy: start-up (only on a cache miss)
    else:  # pragma: no cover - exercised on Python 3.9/3.10
        import tomli as tomllib  # lazy: optional (Python < 3.11)
    with open(path, "rb") as handle:
        data = tomllib.load(handle)
    if cached is not None:
        _save(cached, (key, stamp, data))
    return data


def _save(target: str, value: Any) -> None:
    import tempfile  # lazy: start-up (only when the cache is written)

    try:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=os.path.dirname(target), prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(marshal.dumps(value))
            os.replace(temporary, target)
        except BaseException:
            os.unlink(temporary)
            raise
    except (OSError, ValueError):
        pass  # read-only home, full disk, a value marshal cannot store: run without the cache
