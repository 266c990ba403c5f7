"""The TOML tables shipped with slimfix (package managers, build dependencies, images, split).

``tomllib`` is pure Python: parsing the ~50 KB of tables took ~35 ms at every start, a quarter of
the cold-start budget. Each parsed table is therefore kept as a pickle in the user's cache folder
(``$SLIMFIX_CACHE_DIR``, else ``$XDG_CACHE_HOME/slimfix``, else ``~/.cache/slimfix``), keyed by
the table's path, slimfix's version and Python's, and checked against the file's size and
modification time. A cache that cannot be read or written is ignored; set
``SLIMFIX_CACHE_DIR`` to an empty string to turn it off.
"""

from __future__ import annotations

import os
import pickle
import sys
import zlib
from pathlib import Path
from typing import Any, Dict, Optional

from .. import __version__


def cache_dir() -> Optional[Path]:
    """Where parsed tables are kept, or None when caching is off."""
    configured = os.environ.get("SLIMFIX_CACHE_DIR")
    if configured is not None:
        return Path(configured) if configured else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "slimfix"


def load_table(path: Path) -> Dict[str, Any]:
    """The parsed TOML at ``path``, from the cache when it is current."""
    stat = path.stat()
    stamp = (stat.st_size, stat.st_mtime_ns)
    folder = cache_dir()
    key = f"{path}\0{__version__}\0{sys.version_info[:2]}"
    cached = folder / f"{path.stem}-{zlib.crc32(key.encode()):08x}.pickle" if folder else None
    if cached is not None:
        try:
            with cached.open("rb") as handle:
                saved_key, saved_stamp, data = pickle.load(handle)
            if saved_key == key and saved_stamp == stamp:
                return data
        except Exception:  # missing, stale format, truncated: parse again
            pass
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on Python 3.9/3.10
        import tomli as tomllib
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    if cached is not None:
        _save(cached, (key, stamp, data))
    return data


def _save(target: Path, value: Any) -> None:
    import tempfile

    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as handle:
                pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, target)
        except BaseException:
            os.unlink(temporary)
            raise
    except OSError:
        pass  # read-only home, full disk: run without the cache
