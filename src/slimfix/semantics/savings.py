"""Sizes behind the rules' savings estimates: measured where possible (``apt_sizes.toml`` by
scripts/measure-packages.sh, ``measured_sizes.toml`` by scripts/measure-sizes.sh), typical figures
in ``savings.toml`` for the rest."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable, Optional

from ..datafiles import load_table
from .images import ImageRef

# images built on Debian or Ubuntu whose name does not say so
_DEBIAN_BASED = frozenset({"python", "node", "ruby", "golang", "rust", "openjdk", "eclipse-temurin", "php", "perl",
                           "buildpack-deps", "maven", "gradle", "httpd", "nginx", "postgres", "mysql", "redis"})


def median(values: Iterable[int]) -> float:
    """The median, as ``statistics.median`` gives it (that module costs 3 ms of every start)."""
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


@lru_cache(maxsize=None)
def _table(name: str = "savings.toml") -> dict:
    return load_table(f"semantics/{name}")


def apt_lists_size(image: str) -> int:
    """Bytes of apt's package lists after ``apt-get update`` in an image built from ``image`` (the
    root image of the stage): measured for the suite set of the release its tag names, else of its
    distribution's default release (Debian's for images of unknown distribution)."""
    measured = _table("measured_sizes.toml")["apt_lists"]
    return int(measured[_release(image, measured)]["bytes"])


def _release(image: str, measured: dict) -> str:
    ref = ImageRef.parse(image) if image else None
    name = ref.path.rsplit("/", 1)[-1].lower() if ref else ""
    family = "ubuntu" if name == "ubuntu" else "debian"  # Debian's derivatives and unknown images too
    settings = _table()["apt_lists"]
    tag = ref.tag.lower() if ref else ""
    for version, release in settings["ubuntu_versions"].items():
        if family == "ubuntu" and (tag == version or tag.startswith(version + "-")):
            return release
    words = set(re.split(r"[-_.]", tag))
    named = [r for r, entry in measured.items() if entry["family"] == family and r in words]
    return named[0] if named else settings["default_release"][family]


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


def recommends_size(names: Iterable[Optional[str]]) -> int:
    """Bytes apt's recommended packages add to an install of ``names`` (None: a word not known
    before the build) on Debian 12: measured per install (``apt_sizes.toml``, [recommends] less
    [installs]), each package once; a name not measured counts the median of the measured ones."""
    table = _table("apt_sizes.toml")
    recommends, installs, sizes = table["recommends"], table["installs"], table["bytes"]
    names = set(names)
    known = names & set(recommends)
    extra = set().union(*(recommends[n] for n in known)) - set().union(*(installs[n] for n in known))
    return sum(sizes[p] for p in extra) + len(names - known) * _median_recommends()


@lru_cache(maxsize=None)
def _median_recommends() -> int:
    table = _table("apt_sizes.toml")
    extras = [set(table["recommends"][n]) - set(table["installs"][n]) for n in table["recommends"]]
    return int(median(sum(table["bytes"][p] for p in extra) for extra in extras))


def cache_size(tool: str, packages: Iterable[Optional[str]], projects: int = 0) -> int:
    """Bytes the cache of ``tool`` (pip, npm) keeps after installing ``packages`` by name (None: a
    word not known before the build) and ``projects`` (requirements files, package.json, local
    projects): measured per package (``measured_sizes.toml``), the median of the measured ones for
    other names, a typical application's dependencies for each project."""
    table = _table("measured_sizes.toml")[f"{tool}_cache"]
    sizes = {name: size for name, size in table.items() if name not in ("project", "project_packages")}
    typical = int(median(sizes.values()))
    return int(sum(sizes.get(name, typical) if name else typical for name in packages) + projects * table["project"])


def typical(name: str) -> int:
    """A typical size no build here measures (``savings.toml``, [typical.NAME])."""
    return int(_table()["typical"][name]["bytes"])
