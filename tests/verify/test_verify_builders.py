from __future__ import annotations

from pathlib import Path

import pytest

from slimfix.verify.builders import (
    BuildahBuilder,
    BuilderError,
    CommandResult,
    DockerBuilder,
    NoBuilderError,
    PodmanBuilder,
    detect_builder,
    excerpt,
    run_command,
)
from slimfix.verify.instructions import read_instructions


class FakeRunner:
    """Answers commands by their first words; records every call."""

    def __init__(self, answers: dict[str, CommandResult] | None = None):
        self.answers = answers or {}
        self.calls: list[list[str]] = []

    def __call__(self, argv, timeout=None):
        argv = list(argv)
        self.calls.append(argv)
        for prefix, result in self.answers.items():
            if " ".join(argv).startswith(prefix):
                return result
        return CommandResult(0, "")


OK = CommandResult(0, "")
FAIL = CommandResult(1, "Cannot connect to the Docker daemon")


def which_of(*names):
    return lambda name: f"/usr/bin/{name}" if name in names else None


def test_docker_is_used_when_it_reaches_an_engine():
    builder = detect_builder(which=which_of("docker", "buildah"), runner=FakeRunner())
    assert isinstance(builder, DockerBuilder)


def test_docker_without_engine_falls_back_to_podman_then_buildah():
    runner = FakeRunner({"/usr/bin/docker version": FAIL})
    assert isinstance(
        detect_builder(which=which_of("docker", "podman", "buildah"), runner=runner), PodmanBuilder
    )
    assert isinstance(
        detect_builder(which=which_of("docker", "buildah"), runner=runner), BuildahBuilder
    )


def test_no_builder_error_says_what_was_tried():
    runner = FakeRunner(
        {"/usr/bin/docker version": FAIL, "/usr/bin/buildah info": CommandResult(125, "")}
    )
    with pytest.raises(NoBuilderError) as raised:
        detect_builder(which=which_of("docker", "buildah"), runner=runner)
    message = str(raised.value)
    assert "docker: cannot reach an engine" in message
    assert "podman: not installed" in message
    assert "buildah: installed but not working" in message
    assert "apt-get install buildah" in message


def test_preferred_builder_is_the_only_one_tried():
    with pytest.raises(NoBuilderError, match="podman: not installed"):
        detect_builder("podman", which=which_of("docker"), runner=FakeRunner())
    with pytest.raises(NoBuilderError, match="docker buildx is not installed"):
        detect_builder("kaniko", which=which_of("docker"), runner=FakeRunner({"/usr/bin/docker buildx version": FAIL}))
    with pytest.raises(NoBuilderError, match="nor, without docker, a docker buildx builder"):
        detect_builder("kaniko", which=which_of("buildah"), runner=FakeRunner())


def test_another_builder_name_is_a_buildx_builder_the_build_runs_on():
    runner = FakeRunner()
    builder = detect_builder("k8s-remote", which=which_of("docker"), runner=runner)
    assert isinstance(builder, DockerBuilder) and builder.buildx_builder == "k8s-remote"
    assert ["/usr/bin/docker", "buildx", "inspect", "k8s-remote"] in runner.calls
    builder.build(Path("/tmp/Dockerfile"), Path("/ctx"), "localhost/x:1")
    assert runner.calls[-1] == [
        "/usr/bin/docker", "buildx", "build", "--builder", "k8s-remote", "--load",
        "-f", "/tmp/Dockerfile", "-t", "localhost/x:1", "/ctx",
    ]  # fmt: skip
    missing = FakeRunner({"/usr/bin/docker buildx inspect": FAIL})
    with pytest.raises(NoBuilderError, match="no usable builder 'gone'"):
        detect_builder("gone", which=which_of("docker"), runner=missing)


def test_docker_engine_socket_and_build_network():
    runner = FakeRunner()
    builder = DockerBuilder("docker", runner, host="unix:///run/x.sock", network="host")
    builder.build(Path("/tmp/Dockerfile"), Path("/ctx"), "localhost/x:1")
    assert runner.calls[-1] == [
        "docker", "-H", "unix:///run/x.sock", "build", "--network", "host",
        "-f", "/tmp/Dockerfile", "-t", "localhost/x:1", "/ctx",
    ]  # fmt: skip


def test_buildah_builds_daemonless_without_pulling_local_bases():
    runner = FakeRunner()
    builder = BuildahBuilder("buildah", runner)
    result = builder.build(Path("/tmp/Dockerfile"), Path("/ctx"), "localhost/x:1")
    assert result.ok
    assert runner.calls[-1] == [
        "buildah", "build", "--layers", "--isolation", "chroot", "--network", "host",
        "--pull=false", "-f", "/tmp/Dockerfile", "-t", "localhost/x:1", "/ctx",
    ]  # fmt: skip


def test_buildah_storage_driver_goes_before_every_subcommand():
    runner = FakeRunner()
    builder = BuildahBuilder("buildah", runner, storage_driver="vfs")
    builder.save("localhost/x:1", Path("/tmp/x.tar"))
    assert runner.calls[-1] == [
        "buildah", "--storage-driver", "vfs", "push", "--quiet", "localhost/x:1", "docker-archive:/tmp/x.tar",
    ]  # fmt: skip


def test_docker_and_podman_commands():
    runner = FakeRunner()
    DockerBuilder("docker", runner).save("t", Path("/a.tar"))
    PodmanBuilder("podman", runner).save("t", Path("/a.tar"))
    DockerBuilder("docker", runner).run("t", ["python", "-c", "1"])
    assert runner.calls == [
        ["docker", "save", "-o", "/a.tar", "t"],
        ["podman", "save", "--format", "docker-archive", "-o", "/a.tar", "t"],
        ["docker", "run", "--rm", "--entrypoint", "", "t", "python", "-c", "1"],
    ]


def test_buildah_run_removes_its_container_and_returns_the_exit_status():
    runner = FakeRunner(
        {
            "buildah from": CommandResult(0, "t-working-container\n"),
            "buildah run": CommandResult(3, "boom"),
        }
    )
    result = BuildahBuilder("buildah", runner).run("t", ["false"])
    assert result == CommandResult(3, "boom")
    assert runner.calls[-2] == [
        "buildah", "run", "--isolation", "chroot", "--network", "host", "t-working-container", "--", "false",
    ]  # fmt: skip
    assert runner.calls[-1] == ["buildah", "rm", "t-working-container"]


def test_failed_save_raises_with_the_log():
    runner = FakeRunner({"docker save": CommandResult(1, "no space left on device")})
    with pytest.raises(BuilderError, match="no space left"):
        DockerBuilder("docker", runner).save("t", Path("/a.tar"))


LIMITED = "FROM a\nCOPY --link --chown=1:1 x /x\nRUN <<EOF\necho hi\nEOF\nCOPY --from=b /y /y\n"


def test_old_buildah_names_the_features_it_cannot_build():
    runner = FakeRunner(
        {"buildah --version": CommandResult(0, "buildah version 1.28.2 (image-spec 1.1.0-rc2)")}
    )
    limits = BuildahBuilder("buildah", runner).limits(read_instructions(LIMITED))
    assert limits == ["line 2: COPY uses --link", "line 3: RUN uses a here-document"]


def test_newer_buildah_and_docker_have_no_known_limits():
    runner = FakeRunner({"buildah --version": CommandResult(0, "buildah version 1.39.3")})
    assert BuildahBuilder("buildah", runner).limits(read_instructions(LIMITED)) == []
    assert DockerBuilder("docker", runner).limits(read_instructions(LIMITED)) == []


def test_version_is_read_once():
    runner = FakeRunner({"podman --version": CommandResult(0, "podman version 4.3.1")})
    builder = PodmanBuilder("podman", runner)
    assert builder.version() == builder.version() == "4.3.1"
    assert len(runner.calls) == 1


def test_run_command_reports_missing_programs_and_timeouts():
    assert run_command(["/nonexistent/program"]).returncode == 127
    assert run_command(["sh", "-c", "echo out; echo err >&2; exit 4"]) == CommandResult(
        4, "out\nerr\n"
    )
    assert run_command(["sleep", "5"], timeout=0.2).returncode == 124


def test_excerpt_keeps_the_end_of_the_log():
    log = "\n".join(f"line {i}" for i in range(100)) + "\n"
    assert excerpt(log, 3) == "line 97\nline 98\nline 99"
