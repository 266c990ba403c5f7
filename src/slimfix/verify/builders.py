"""Find an image builder on this machine and drive it.

``docker`` is used when its CLI can reach an engine, otherwise ``podman``,
otherwise ``buildah``, which needs no daemon: it builds with chroot isolation
on the host network and never pulls a base image that is already local. Any
other builder name is taken for a ``docker buildx`` builder.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .instructions import Instruction

BUILDER_NAMES = ("docker", "podman", "buildah")


@dataclass(frozen=True)
class CommandResult:
    returncode: int
    output: str  # stdout and stderr, interleaved


Runner = Callable[[Sequence[str], "float | None"], CommandResult]


def run_command(argv: Sequence[str], timeout: float | None = None) -> CommandResult:
    try:
        completed = subprocess.run(
            list(argv),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        output = (error.output or b"").decode("utf-8", "replace")
        return CommandResult(124, output + f"\n[timed out after {timeout} s]")
    except OSError as error:
        return CommandResult(127, str(error))
    return CommandResult(completed.returncode, completed.stdout.decode("utf-8", "replace"))


class NoBuilderError(RuntimeError):
    """No usable docker, podman or buildah on this machine."""


class BuilderError(RuntimeError):
    """A builder command other than the build itself failed."""


@dataclass(frozen=True)
class BuildResult:
    ok: bool
    log: str


class Builder:
    """Common driver; subclasses say which commands do the work."""

    name = ""

    def __init__(self, executable: str | None = None, runner: Runner = run_command):
        self.executable = executable or self.name
        self.runner = runner
        self._version: str | None = None

    def version(self) -> str:
        if self._version is None:
            result = self._run(["--version"], timeout=30)
            match = re.search(r"(\d+\.\d+(?:\.\d+)?)", result.output)
            self._version = match.group(1) if match else ""
        return self._version

    def available(self) -> bool:
        """Whether this builder can build here (not merely installed)."""
        return self._run(self._probe_arguments(), timeout=60).returncode == 0

    def build(
        self, dockerfile: Path, context: Path, tag: str, timeout: float | None = None
    ) -> BuildResult:
        result = self._run(self._build_arguments(dockerfile, context, tag), timeout=timeout)
        return BuildResult(result.returncode == 0, result.output)

    def save(self, tag: str, archive: Path) -> None:
        self._check(self._save_arguments(tag, archive), f"saving {tag}")

    def run(self, tag: str, argv: Sequence[str], timeout: float | None = None) -> CommandResult:
        return self._run(self._run_arguments(tag, argv), timeout=timeout)

    def remove(self, tag: str) -> None:
        self._run(["rmi", "-f", tag], timeout=120)

    def limits(self, instructions: list[Instruction]) -> list[str]:
        """Features used by ``instructions`` that this builder cannot build."""
        return []

    def _probe_arguments(self) -> list[str]:
        return ["info"]

    def _build_arguments(self, dockerfile: Path, context: Path, tag: str) -> list[str]:
        return ["build", "-f", str(dockerfile), "-t", tag, str(context)]

    def _save_arguments(self, tag: str, archive: Path) -> list[str]:
        return ["save", "-o", str(archive), tag]

    def _run_arguments(self, tag: str, argv: Sequence[str]) -> list[str]:
        return ["run", "--rm", "--entrypoint", "", tag, *argv]

    def _run(self, arguments: Sequence[str], timeout: float | None = None) -> CommandResult:
        return self.runner([self.executable, *arguments], timeout)

    def _check(self, arguments: Sequence[str], what: str) -> CommandResult:
        result = self._run(arguments, timeout=1800)
        if result.returncode != 0:
            raise BuilderError(f"{self.name}: {what} failed:\n{excerpt(result.output)}")
        return result


class DockerBuilder(Builder):
    """The docker CLI and its engine; with ``buildx_builder``, builds run on that BuildKit
    builder (``docker buildx build --builder NAME --load``: a remote or Kubernetes builder).

    ``host`` (``-H``) names the engine's socket, ``network`` the build's network (``host`` where
    the engine has no bridge)."""

    name = "docker"

    def __init__(
        self,
        executable: str | None = None,
        runner: Runner = run_command,
        host: str | None = None,
        network: str | None = None,
        buildx_builder: str | None = None,
    ):
        super().__init__(executable, runner)
        self.host = host
        self.network = network
        self.buildx_builder = buildx_builder

    def available(self) -> bool:
        if not super().available():
            return False
        if self.buildx_builder is None:
            return True
        return self._run(["buildx", "inspect", self.buildx_builder], timeout=60).returncode == 0

    def _probe_arguments(self) -> list[str]:
        return ["version", "--format", "{{.Server.Version}}"]

    def _build_arguments(self, dockerfile: Path, context: Path, tag: str) -> list[str]:
        command = ["build"]
        if self.buildx_builder is not None:
            command = ["buildx", "build", "--builder", self.buildx_builder, "--load"]
        if self.network:
            command += ["--network", self.network]
        return [*command, "-f", str(dockerfile), "-t", tag, str(context)]

    def _run(self, arguments: Sequence[str], timeout: float | None = None) -> CommandResult:
        if self.host and arguments[:1] != ["--version"]:
            arguments = ["-H", self.host, *arguments]
        return super()._run(arguments, timeout)


class PodmanBuilder(Builder):
    name = "podman"

    def _build_arguments(self, dockerfile: Path, context: Path, tag: str) -> list[str]:
        return ["build", "--layers", "-f", str(dockerfile), "-t", tag, str(context)]

    def _save_arguments(self, tag: str, archive: Path) -> list[str]:
        return ["save", "--format", "docker-archive", "-o", str(archive), tag]


class BuildahBuilder(Builder):
    """Daemonless builds with the store's driver (overlay here).

    ``storage_driver`` (e.g. ``vfs`` where overlay does not work) is passed to
    every command; a store keeps the driver it was created with.
    """

    name = "buildah"
    heredoc_since = (1, 35)

    def __init__(
        self,
        executable: str | None = None,
        runner: Runner = run_command,
        storage_driver: str | None = None,
    ):
        super().__init__(executable, runner)
        self.storage_driver = storage_driver

    def limits(self, instructions: list[Instruction]) -> list[str]:
        if _version_tuple(self.version()) >= self.heredoc_since:
            return []
        found = []
        for instruction in instructions:
            where = f"line {instruction.line}: {instruction.keyword}"
            if instruction.heredoc:
                found.append(f"{where} uses a here-document")
            if instruction.keyword in ("COPY", "ADD"):
                for flag in instruction.flags():
                    if flag not in ("chown", "chmod", "from"):
                        found.append(f"{where} uses --{flag}")
        return found

    def _build_arguments(self, dockerfile: Path, context: Path, tag: str) -> list[str]:
        return [
            "build", "--layers", "--isolation", "chroot", "--network", "host",
            "--pull=false", "-f", str(dockerfile), "-t", tag, str(context),
        ]  # fmt: skip

    def _save_arguments(self, tag: str, archive: Path) -> list[str]:
        return ["push", "--quiet", tag, f"docker-archive:{archive}"]

    def run(self, tag: str, argv: Sequence[str], timeout: float | None = None) -> CommandResult:
        created = self._check(
            ["from", "--pull=false", "--quiet", tag], f"creating a container of {tag}"
        )
        container = created.output.strip().splitlines()[-1]
        try:
            return self._run(
                ["run", "--isolation", "chroot", "--network", "host", container, "--", *argv],
                timeout=timeout,
            )
        finally:
            self._run(["rm", container], timeout=120)

    def _run(self, arguments: Sequence[str], timeout: float | None = None) -> CommandResult:
        if self.storage_driver and arguments[:1] != ["--version"]:
            arguments = ["--storage-driver", self.storage_driver, *arguments]
        return super()._run(arguments, timeout)


BUILDERS: dict[str, type[Builder]] = {
    "docker": DockerBuilder,
    "podman": PodmanBuilder,
    "buildah": BuildahBuilder,
}


def detect_builder(
    preferred: str | None = None,
    which: Callable[[str], str | None] = shutil.which,
    runner: Runner = run_command,
) -> Builder:
    """The first usable builder, in the order docker, podman, buildah.

    ``preferred`` is one of those, or the name of a ``docker buildx`` builder to build on."""
    if preferred is not None and preferred not in BUILDERS:
        return _buildx_builder(preferred, which, runner)
    names = [preferred] if preferred else list(BUILDER_NAMES)
    tried = []
    for name in names:
        executable = which(name)
        if executable is None:
            tried.append(f"{name}: not installed")
            continue
        builder = BUILDERS[name](executable, runner)
        if builder.available():
            return builder
        reason = "cannot reach an engine" if name == "docker" else "installed but not working"
        tried.append(f"{name}: {reason}")
    raise NoBuilderError(
        "no image builder available (" + "; ".join(tried) + "). "
        "Install buildah (e.g. `apt-get install buildah`), podman, or run a Docker engine."
    )


def _buildx_builder(name: str, which: Callable[[str], str | None], runner: Runner) -> Builder:
    executable = which("docker")
    if executable is None:
        raise NoBuilderError(
            f"{name!r} is no builder here: neither {', '.join(BUILDER_NAMES)} nor, without "
            "docker, a docker buildx builder"
        )
    builder = DockerBuilder(executable, runner, buildx_builder=name)
    if runner([executable, "buildx", "version"], 60).returncode != 0:
        raise NoBuilderError(f"{name!r} is not {', '.join(BUILDER_NAMES)}, and docker buildx is not installed")
    if not builder.available():
        raise NoBuilderError(f"docker buildx has no usable builder {name!r} (see `docker buildx ls`)")
    return builder


def excerpt(log: str, lines: int = 25) -> str:
    """The end of a build log, where the failure is."""
    kept = log.rstrip().splitlines()[-lines:]
    return "\n".join(kept)


def _version_tuple(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", version)[:3])
