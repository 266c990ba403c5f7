"""Reading a config file: TOML parsed, errors as ``path:line:col: message``."""

from __future__ import annotations

import re
import sys
from typing import Optional

from .config import ConfigError, PathLike, Settings, settings_from

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.9/3.10
    import tomli as tomllib


def load_settings(path: Optional[PathLike]) -> Settings:
    """The settings the config file at ``path`` gives; the defaults when ``path`` is None."""
    if path is None:
        return Settings()
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        data = tomllib.loads(text)
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(_toml_error(path, exc, text)) from None
    return settings_from(path, data)


def _toml_error(path: PathLike, exc: Exception, text: str) -> str:
    """``path:line:col: invalid TOML: message`` from tomllib's "(at line L, column C)"
    or "(at end of document)"."""
    message = str(exc)
    where = re.search(r"\s*\((?:at line (\d+), column (\d+)|at end of document)\)", message)
    if where is None:
        return f"{path}: invalid TOML: {message}"
    if where.group(1):
        line, column = int(where.group(1)), int(where.group(2))
    else:
        lines = text.rstrip("\n").split("\n")
        line, column = len(lines), len(lines[-1]) + 1
    return f"{path}:{line}:{column}: invalid TOML: {message[:where.start()]}"
