"""What ``set`` builtins do to shell options (``set -eux``, ``set +e``, ``set -o pipefail``)."""

from __future__ import annotations

from functools import lru_cache
from typing import Dict, Mapping, Optional

from slimfix.packages import load_catalog
from slimfix.shell.nodes import SimpleCommand


@lru_cache(maxsize=None)
def _letters() -> Mapping[str, str]:
    """Option letter -> long name, from the ``set`` tool data."""
    options = load_catalog().tool("set").options
    return {name[1]: spec.meaning for name, spec in options.items() if len(name) == 2 and spec.meaning}


def set_options(command: SimpleCommand) -> Dict[str, bool]:
    """Options a ``set`` command turns on (True) or off (False), by long name; {} for other commands.

    Stops at the first positional argument or word with an expansion."""
    words = command.words
    if not words or words[0].value != "set":
        return {}
    letters = _letters()
    out: Dict[str, bool] = {}
    i = 1
    while i < len(words):
        text = words[i].value
        if text is None or text in ("-", "--") or text[:1] not in ("-", "+"):
            break
        on = text[0] == "-"
        if text[1:] == "o":
            name = words[i + 1].value if i + 1 < len(words) else None
            if name is not None:
                out[name] = on
            i += 2
            continue
        for letter in text[1:]:
            if letter in letters:
                out[letters[letter]] = on
        i += 1
    return out


def errexit_change(command: SimpleCommand) -> Optional[bool]:
    """True/False when ``command`` turns ``errexit`` (``set -e``) on/off, else None."""
    return set_options(command).get("errexit")
