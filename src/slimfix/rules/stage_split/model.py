"""What the parts of the split share: stage names, the roles of commands, the refusal, and the
records passed between analysis, plan and rendering."""

from __future__ import annotations

from typing import List, Optional, Tuple

from ...record import field, record
from ...shell.commands import CommandView
from ...shell.nodes import SimpleCommand
from ...syntax import Instruction

BASE, BUILDER = "base", "builder"
INSTALL_DIR = "/install"

# Roles of the commands of a RUN.
UPDATE, INSTALL, UPGRADE, REMOVE, CLEANUP = "update", "install", "upgrade", "remove", "cleanup"
DEPS, BUILD, TOOLING, SETUP, PRELUDE = "deps", "build", "tooling", "setup", "prelude"
STEPS = (DEPS, BUILD, TOOLING)

SETTINGS = frozenset({"ENV", "ARG", "WORKDIR", "USER", "SHELL"})


class Refused(Exception):
    """No plan; the message says why (it ends up in the diagnostic)."""


@record(eq=False, frozen=False)
class Command:
    node: SimpleCommand
    view: Optional[CommandView]
    role: str
    index: int  # in the RUN's top-level list


@record(eq=False, frozen=False)
class Survey:
    """What a tolerant first look at the stage finds."""

    steps: List[Tuple[int, str]] = field(default_factory=list)  # (instruction index, ecosystem)
    installs: List[Tuple[int, CommandView]] = field(default_factory=list)
    removed: set = field(default_factory=set)  # packages and virtual names removed after install
    toolchain_runs: List[int] = field(default_factory=list)


@record(eq=False, frozen=False)
class Emission:
    source: Instruction
    text: str
