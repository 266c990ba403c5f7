"""Whether a Node app starts with a dev dependency, which pruning the builder would remove.

The start command is the stage's last ``ENTRYPOINT`` (else ``CMD``). ``npx TOOL`` runs a tool that
is usually a dev dependency; ``npm start``, ``npm run NAME`` and ``yarn NAME`` run a script of
``package.json``, read from the Dockerfile's folder when it is there: a word of the script that
names a dev dependency (``ts-node``, ``nodemon``) means the app needs it at run time.
"""

from __future__ import annotations

import json
import os
import re
from typing import List, Optional

from .analysis import Analysis


def start_dev_dependency(analysis: Analysis) -> Optional[str]:
    """The dev dependency the start command needs, or None when none is seen."""
    words = _start_words(analysis)
    if len(words) >= 2 and words[0] == "npx":
        return next((w for w in words[1:] if not w.startswith("-")), None)
    script = _script_name(words)
    if script is None:
        return None
    manifest = _read_manifest(analysis)
    if manifest is None:
        return None
    scripts = manifest.get("scripts") or {}
    dev = manifest.get("devDependencies") or {}
    body = scripts.get(script) if isinstance(scripts, dict) else None
    if not isinstance(body, str) or not isinstance(dev, dict):
        return None
    used = set(re.split(r"[\s;&|()'\"]+", body))
    return next((name for name in dev if name in used), None)


def _start_words(analysis: Analysis) -> List[str]:
    start: List[str] = []
    for keyword in ("ENTRYPOINT", "CMD"):
        found = [i for i in analysis.instructions if i.keyword == keyword]
        if found:
            value = list(found[-1].value)
            start = value[0].split() if len(value) == 1 else value
            break
    if start[:2] in (["sh", "-c"], ["/bin/sh", "-c"]) and len(start) > 2:
        start = start[2].split()
    return start


def _script_name(words: List[str]) -> Optional[str]:
    if words[:2] == ["npm", "start"] or words[:2] == ["yarn", "start"]:
        return "start"
    if len(words) >= 3 and words[0] == "npm" and words[1] in ("run", "run-script"):
        return words[2]
    if len(words) >= 2 and words[0] == "yarn" and not words[1].startswith("-"):
        return words[2] if words[1] == "run" and len(words) >= 3 else words[1]
    return None


def _read_manifest(analysis: Analysis) -> Optional[dict]:
    if not analysis.ctx.path:
        return None
    path = os.path.join(os.path.dirname(os.path.abspath(analysis.ctx.path)), "package.json")
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None
