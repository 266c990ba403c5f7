"""slimfix: rewrite Dockerfiles so the images they build are smaller, safely.

The public names load lazily, so ``slimfix --version`` and ``--help`` start
without importing the parser.
"""

from typing import TYPE_CHECKING

from .constants import __version__
__all__ = ["Dockerfile", "Instruction", "ParseError", "parse", "__version__"]

if TYPE_CHECKING:  # pragma: no cover
    from .syntax import Dockerfile, Instruction, ParseError, parse


def __getattr__(name: str):
    if name in ("Dockerfile", "Instruction", "ParseError", "parse"):
        from . import syntax  # lazy: start-up (`import slimfix` loads no parser)

        return getattr(syntax, name)
    raise AttributeError(f"module 'slimfix' has no attribute {name!r}")
