"""Settings: from ``[tool.slimfix]`` in pyproject.toml or ``.slimfix.toml``; flags win."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional, Tuple

from .record import field, record, replace

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
    source: Optional[Path] = None  # the file the settings came from
    warnings: Tuple[str, ...] = field(default=(), compare=False)

    def merged(self, **flags) -> "Settings":
        """These settings with the command line's values (those not None) on top."""
        return replace(self, **{key: value for key, value in flags.items() if value is not None})


def find_config(start: Path) -> Optional[Path]:
    """The nearest config file at or above ``start``: .slimfix.toml, or a
    pyproject.toml that has a [tool.slimfix] table."""
    start = start.resolve()
    folder = start if start.is_dir() else start.parent
    for candidate in (folder, *folder.parents):
        found = config_in(candidate)
        if found is not None:
            return found
    return None


def config_in(folder: Path) -> Optional[Path]:
    """The config file in ``folder`` itself, if it has one."""
    own = folder / ".slimfix.toml"
    if own.is_file():
        return own
    pyproject = folder / "pyproject.toml"
    if pyproject.is_file() and b"[tool.slimfix" in pyproject.read_bytes():
        return pyproject
    return None


def _strings(value, key: str, path: Path) -> Tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{path}: '{key}' must be a list of strings")
    return tuple(value)


def load_settings(path: Optional[Path]) -> Settings:
    if path is None:
        return Settings()
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.9/3.10
        import tomli as tomllib
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    if path.name == "pyproject.toml":
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
