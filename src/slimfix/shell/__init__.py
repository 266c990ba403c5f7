"""Shell layer (placeholder docstring, completed below)."""

from slimfix.shell.parser import parse_shell

__all__ = ["parse_shell"]
