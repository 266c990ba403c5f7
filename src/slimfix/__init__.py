"""slimfix: rewrite Dockerfiles so the images they build are smaller, safely."""

from .syntax import Dockerfile, Instruction, ParseError, parse

__version__ = "0.1.0"
__all__ = ["Dockerfile", "Instruction", "ParseError", "parse", "__version__"]
