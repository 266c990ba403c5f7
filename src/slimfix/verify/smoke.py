"""Run a smoke command in both images and compare what happens."""

from __future__ import annotations

import shlex
from collections.abc import Sequence

from ..record import record
from .builders import Builder


@record
class SmokeRun:
    exit_code: int
    output: str


@record
class SmokeResult:
    command: list[str]
    original: SmokeRun
    rewritten: SmokeRun
    compare_output: bool

    @property
    def same_exit_code(self) -> bool:
        return self.original.exit_code == self.rewritten.exit_code

    @property
    def same_output(self) -> bool:
        return self.original.output == self.rewritten.output

    @property
    def passed(self) -> bool:
        """The rewritten image behaves as the original did."""
        return self.same_exit_code and (self.same_output or not self.compare_output)

    def explain(self) -> str:
        if not self.same_exit_code:
            return (
                f"exit status differs: {self.original.exit_code} (original) "
                f"vs {self.rewritten.exit_code} (rewritten)"
            )
        if self.compare_output and not self.same_output:
            return "output differs"
        note = " (the original fails too)" if self.original.exit_code != 0 else ""
        return f"same exit status {self.original.exit_code}{note}"


def smoke_argv(command: str | Sequence[str]) -> list[str]:
    """A smoke command as given on the command line, split like a shell would."""
    argv = shlex.split(command) if isinstance(command, str) else list(command)
    if not argv:
        raise ValueError("the smoke command is empty")
    return argv


def run_smoke(
    builder: Builder,
    original_tag: str,
    rewritten_tag: str,
    command: str | Sequence[str],
    compare_output: bool = False,
    timeout: float | None = 600,
) -> SmokeResult:
    """Run ``command`` (without the images' entrypoints) in both images."""
    argv = smoke_argv(command)
    runs = []
    for tag in (original_tag, rewritten_tag):
        result = builder.run(tag, argv, timeout=timeout)
        runs.append(SmokeRun(result.returncode, result.output))
    return SmokeResult(argv, runs[0], runs[1], compare_output)
