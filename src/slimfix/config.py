"""Settings: from ``[tool.slimfix]`` in pyproject.toml or ``.slimfix.toml``; flags win.

Reading a config file as TOML is ``slimfix.configfile``."""

from __future__ import annotations

import os
from typing import Dict, List, Optional, Tuple, Union

from .record import field, record, replace


PathLike = Union[str, "os.PathLike[str]"]

CONFIG_FILES = (".slimfix.toml", "pyproject.toml")
KNOWN_KEYS = ("select", "ignore", "extend-select", "unsafe-fixes", "exclude", "respect-gitignore")


class ConfigError(ValueError):
    """A configuration file that cannot be used (exit code 2)."""


@record
class Settings:
    select: Optional[Tuple[str, ...]] = None  # None: the default set
    ignore: Tuple[str, ...] = ()
    extend_select: Tuple[str, ...] = ()
    unsafe_fixes: bool = False
    exclude: Tuple[str, ...] = ()
    respect_gitignore: bool = True
    source: Optional[PathLike] = None  # the file the settings came from
    warnings: Tuple[str, ...] = field(default=(), compare=False)

    def merged(self, **flags) -> "Settings":
        """These settings with the command line's values (those not None) on top."""
        return replace(self, **{key: value for key, value in flags.items() if value is not None})


def nearest_config(folder: str, known: Optional[Dict[str, Optional[str]]] = None) -> Optional[str]:
    """The config file in ``folder`` (a resolved path) or the nearest folder above it.

    ``known`` remembers the answer for every folder on the way up, so files in
    sibling folders share their parents' answers."""
    known = {} if known is None else known
    walked: List[str] = []
    found: Optional[str] = None
    while True:
        if folder in known:
            found = known[folder]
            break
        walked.append(folder)
        found = config_in(folder)
        parent = os.path.dirname(folder)
        if found is not None or parent == folder:
            break
        folder = parent
    for seen in walked:
        known[seen] = found
    return found


def config_in(folder: str) -> Optional[str]:
    """The config file in ``folder`` itself, if it has one."""
    own = os.path.join(folder, ".slimfix.toml")
    if os.path.isfile(own):
        return own
    pyproject = os.path.join(folder, "pyproject.toml")
    if os.path.isfile(pyproject):
        with open(pyproject, "rb") as handle:
            if b"[tool.slimfix" in handle.read():
                return pyproject
    return None


def _strings(value, key: str, path: PathLike) -> Tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{path}: '{key}' must be a list of strings")
    return tuple(value)


def locate(path: PathLike, needle: str) -> str:
    """``path:line:col`` of the first ``needle`` in the file (``path`` when absent)."""
    try:
        with open(path, encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                column = line.find(needle)
                if column >= 0:
                    return f"{path}:{number}:{column + 1}"
    except (OSError, UnicodeDecodeError):
        pass
    return str(path)


def settings_from(path: PathLike, data: Dict) -> Settings:
    """The settings a parsed config file (``path``, already read as TOML into ``data``) gives."""
    if os.path.basename(path) == "pyproject.toml":
        data = data.get("tool", {}).get("slimfix", {})
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: [tool.slimfix] must be a table")
    warnings: List[str] = [f"{path}: unknown key '{key}' ignored" for key in data if key not in KNOWN_KEYS]
    settings = Settings(source=path, warnings=tuple(warnings))
    values = {}
    for key in ("select", "ignore", "extend-select", "exclude"):
        if key in data:
            values[key.replace("-", "_")] = _strings(data[key], key, path)
    for key in ("unsafe-fixes", "respect-gitignore"):
        if key in data:
            if not isinstance(data[key], bool):
                raise ConfigError(f"{path}: '{key}' must be true or false")
            values[key.replace("-", "_")] = data[key]
    return replace(settings, **values)
