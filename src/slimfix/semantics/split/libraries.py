"""The shared libraries of what the builder built, for a runtime stage on a slimmer image.

When the split moves the runtime stage from a full base (``python:3.11``, whose buildpack layers
ship libpq, libxml2, libjpeg...) to its slim variant, a package compiled against one of those
libraries no longer loads. As the official images do, the builder computes the packages that own
the libraries its output loads (``ldd`` piped to ``dpkg-query --search``) and writes the list
next to what it built; the runtime stage installs that list after copying the build's result.
The static ``-dev`` -> runtime tables stay the first choice: this catches what they cannot see.
"""

from __future__ import annotations

import posixpath
from typing import Optional

from ..run import Style
from .analysis import Analysis
from .model import INSTALL_DIR
from .render import keyword_case
from .tables import MANAGERS

LIST_NAME = ".runtime-packages"

# Debian, as the official images compute their run-time packages: libraries of the built files
# that the prefix itself does not provide, to the packages that own them.
_SCAN = (
    "find {root} -type f \\( -name '*.so*' -o -perm -u+x \\) -exec ldd '{{}}' ';' 2>/dev/null",
    "awk '/=>/ {{ so = $(NF-1); if (so !~ /^\\// || index(so, \"/usr/local/\") == 1"
    " || index(so, \"{root}/\") == 1) next; gsub(\"^/(usr/)?\", \"\", so); printf \"*%s\\n\", so }}'",
    "sort -u | xargs -r dpkg-query --search | cut -d: -f1 | sort -u > {list}",
)
_INSTALL = (
    "if [ -s {list} ]; then",
    "    apt-get update && xargs apt-get install -y --no-install-recommends < {list}",
    "    && rm -rf /var/lib/apt/lists/*;",
    "fi",
)
_INSTALL_KEEPING_LISTS = (  # a later RUN of the file installs with the lists fetched before
    "if [ -s {list} ]; then",
    "    apt-get update && xargs apt-get install -y --no-install-recommends < {list};",
    "fi",
)


def applies(analysis: Analysis) -> bool:
    """A Debian runtime stage on another image than the builder's, for what pip or npm built."""
    variant = analysis.variant
    if variant is None or analysis.ecosystem not in ("python", "node") or "alpine" in variant:
        return False
    return analysis.manager is None or MANAGERS.get(analysis.manager) == "debian"


def _built_root(analysis: Analysis) -> Optional[str]:
    return INSTALL_DIR if analysis.ecosystem == "python" else analysis.app_dir


def scan_command(analysis: Analysis, style: Style) -> Optional[str]:
    """The builder's command that writes the list next to what it built, a pipe a line."""
    root = _built_root(analysis)
    if root is None:
        return None
    parts = [part.format(root=root, list=posixpath.join(root, LIST_NAME)) for part in _SCAN]
    return f" {style.escape}{analysis.newline}{style.indent}    | ".join(parts)


def install_instruction(analysis: Analysis, indent: str, style: Style) -> str:
    """The runtime stage's RUN that installs the list once the build's result is copied."""
    if analysis.ecosystem == "python":
        shipped = analysis.python_prefix() or "/"
    else:
        shipped = analysis.app_dir or "/"
    listed = posixpath.join(shipped, LIST_NAME)
    template = _INSTALL_KEEPING_LISTS if "apt" in analysis.later_installs else _INSTALL
    lines = [line.format(list=listed) for line in template]
    continued = f" {style.escape}{analysis.newline}{indent}    "
    run = f"{indent}{keyword_case(analysis.stage, 'RUN')} {continued.join(lines)}{analysis.newline}"
    user = analysis.users[analysis.last]
    if user is None:
        return run
    # apt needs root: the stage's user is back right after the install
    keyword = keyword_case(analysis.stage, "USER")
    return f"{indent}{keyword} root{analysis.newline}{run}{indent}{keyword} {user}{analysis.newline}"
