"""Sizes behind the rules' savings estimates (``savings.toml``, ``apt_sizes.toml``), measured
where possible."""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Iterable

from ..datafiles import load_table
from .images import ImageRef

_HERE = os.path.dirname(os.path.abspath(__file__))
# images built on Debian or Ubuntu whose name does not say so
_DEBIAN_BASED = frozenset({"python", "node", "ruby", "golang", "rust", "openjdk", "eclipse-temurin", "php", "perl",
                           "buildpack-deps", "maven", "gradle", "httpd", "nginx", "postgres", "mysql", "redis"})


@lru_cache(maxsize=None)
def _table(name: str = "savings.toml") -> dict:
    return load_table(os.path.join(_HERE, name))


def apt_lists_size(image: str) -> int:
    """Bytes of apt's package lists in an image built from ``image`` (the root image of the stage)."""
    sizes = _table()["apt_lists"]
    name = ImageRef.parse(image).path.rsplit("/", 1)[-1].lower() if image else ""
    if name == "ubuntu":
        return int(sizes["ubuntu"]["bytes"])
    if name == "debian" or name in _DEBIAN_BASED:
        return int(sizes["debian"]["bytes"])
    return int(sizes["default"]["bytes"])


def packages_size(tool: str, names: Iterable[str], present: Iterable[str] = ()) -> int:
    """Bytes an install of ``names`` with ``tool`` (apt, apk) adds to an image that already has
    ``present``: for apt, what the installs bring on Debian 12 (measured, ``apt_sizes.toml``),
    each package once; other names from the typical sizes, compilers counted once."""
    names, present = set(names) - set(present), set(present)
    measured = _table("apt_sizes.toml") if tool == "apt" else {"installs": {}, "bytes": {}}
    installs, sizes = measured["installs"], measured["bytes"]
    brought = set().union(*(installs[n] for n in names if n in installs))
    brought -= set().union(*(installs[n] for n in present if n in installs))
    return sum(sizes[p] for p in brought) + _typical(n for n in names if n not in installs)


def _typical(names: Iterable[str]) -> int:
    typical = _table()["typical_packages"]
    compilers, tools = typical["compilers"], typical["tools"]
    names = list(names)
    biggest = max((compilers[n] for n in names if n in compilers), default=0)
    return biggest + sum(tools.get(n, typical["other"]) for n in names if n not in compilers)


def full_image_packages() -> frozenset:
    """Packages the full official images (buildpack-deps underneath) already have."""
    return frozenset(_table()["full_image_packages"]["names"])
