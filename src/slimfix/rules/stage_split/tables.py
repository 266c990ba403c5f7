"""The split's package, program and ecosystem lists, loaded once from ``split.toml`` beside it."""

from __future__ import annotations

import re
from typing import Dict, FrozenSet, Pattern, Tuple

from ...datafiles import load_table

_DATA = load_table("rules/stage_split/split.toml")

_ECOSYSTEMS = _DATA["ecosystem"]
_PROGRAMS = _DATA["programs"]

WINDOWS_IMAGES: Tuple[str, ...] = tuple(_DATA["windows_images"])
MANAGERS: Dict[str, str] = dict(_DATA["managers"])  # package manager -> distribution
# By ecosystem, in the file's order.
INSTALLERS: Dict[str, Tuple[str, ...]] = {name: tuple(e["installers"]) for name, e in _ECOSYSTEMS.items()}
MANIFESTS: Dict[str, Pattern[str]] = {name: re.compile(e["manifests"]) for name, e in _ECOSYSTEMS.items()}
USUAL_MANIFESTS: Dict[str, Tuple[str, ...]] = {name: tuple(e["usual_manifests"]) for name, e in _ECOSYSTEMS.items()}
ECOSYSTEM_BUILD_TOOLS: Dict[str, FrozenSet[str]] = {name: frozenset(e["build_tools"]) for name, e in _ECOSYSTEMS.items()}

PIP_TOOLING = frozenset(_DATA["pip"]["tooling"])
PIP_ENV_CONFLICTS = frozenset(_DATA["pip"]["env_conflicts"])
PIP_SYSTEM_BINS: Tuple[str, ...] = tuple(_DATA["pip"]["system_bins"])
NODE_BUILD_SUBCOMMANDS = frozenset(_DATA["npm"]["build_subcommands"])
YARN_OTHER_SUBCOMMANDS: Tuple[str, ...] = tuple(_DATA["yarn"]["other_subcommands"])
GO_BUILD_SUBCOMMANDS = frozenset(_DATA["go"]["build_subcommands"])

FETCH_TOOLS = frozenset(_DATA["packages"]["fetch_tools"])
USER_PROGRAMS = frozenset(_PROGRAMS["user"])
SETUP_PROGRAMS = USER_PROGRAMS | frozenset(_PROGRAMS["setup"])
RUNTIME_PROGRAMS = frozenset(_PROGRAMS["runtime"])
TOOLCHAIN_PROGRAMS = frozenset(_PROGRAMS["toolchain"])

CACHE_DIRS: Tuple[str, ...] = tuple(_DATA["paths"]["caches"])
CA_BUNDLE: str = _DATA["paths"]["ca_bundle"]
