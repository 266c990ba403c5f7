"""Sizes behind the rules' savings estimates (``savings.toml``), measured where possible."""

from __future__ import annotations

import os
from functools import lru_cache

from ..datafiles import load_table
from .images import ImageRef

_TABLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "savings.toml")
# images built on Debian or Ubuntu whose name does not say so
_DEBIAN_BASED = frozenset({"python", "node", "ruby", "golang", "rust", "openjdk", "eclipse-temurin", "php", "perl",
                           "buildpack-deps", "maven", "gradle", "httpd", "nginx", "postgres", "mysql", "redis"})


@lru_cache(maxsize=None)
def _table() -> dict:
    return load_table(_TABLE)


def apt_lists_size(image: str) -> int:
    """Bytes of apt's package lists in an image built from ``image`` (the root image of the stage)."""
    sizes = _table()["apt_lists"]
    name = ImageRef.parse(image).path.rsplit("/", 1)[-1].lower() if image else ""
    if name == "ubuntu":
        return int(sizes["ubuntu"]["bytes"])
    if name == "debian" or name in _DEBIAN_BASED:
        return int(sizes["debian"]["bytes"])
    return int(sizes["default"]["bytes"])
