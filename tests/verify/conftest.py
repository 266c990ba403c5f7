from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))  # test helpers, whatever the import mode
from verify_archives import layer_tar, write_tar

REPO = Path(__file__).resolve().parents[2]
SETUP_SCRIPT = REPO / "scripts" / "setup-buildah.sh"
DOCKER_SCRIPT = REPO / "scripts" / "setup-docker.sh"
CANNOT_SET_UP = 3  # setup-buildah.sh: this machine cannot have a builder


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "build: builds real images with buildah (set up by scripts/setup-buildah.sh)",
    )


@pytest.fixture(scope="session")
def buildah():
    """A buildah builder with the local test base images, or a skip when none can be had."""
    from slimfix.verify.builders import BuildahBuilder

    completed = subprocess.run(
        ["bash", str(SETUP_SCRIPT)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    output = completed.stdout.decode("utf-8", "replace").strip()
    if completed.returncode == CANNOT_SET_UP:
        pytest.skip(f"no builder can be set up on this machine: {output.splitlines()[-1]}")
    if completed.returncode != 0:
        pytest.fail(f"{SETUP_SCRIPT.name} failed ({completed.returncode}):\n{output[-3000:]}")
    return BuildahBuilder("buildah")


@pytest.fixture(scope="session")
def docker(buildah):
    """A Docker engine of the tests' own (BuildKit builds), started for the session and stopped
    after it; a skip saying why when this machine cannot run one."""
    import os

    from slimfix.verify.builders import DockerBuilder

    completed = subprocess.run(["bash", str(DOCKER_SCRIPT), "start"], capture_output=True, check=False)
    errors = completed.stderr.decode("utf-8", "replace").strip()
    if completed.returncode == CANNOT_SET_UP:
        pytest.skip(f"no Docker engine can run on this machine: {errors.splitlines()[-1]}")
    if completed.returncode != 0:
        pytest.fail(f"{DOCKER_SCRIPT.name} failed ({completed.returncode}):\n{errors[-3000:]}")
    socket = completed.stdout.decode().strip().splitlines()[-1]
    buildkit = os.environ.get("DOCKER_BUILDKIT")
    os.environ["DOCKER_BUILDKIT"] = "1"  # docker.io 20.10 builds with the classic builder otherwise
    yield DockerBuilder("/usr/bin/docker", host=socket, network="host")
    if buildkit is None:
        os.environ.pop("DOCKER_BUILDKIT", None)
    else:
        os.environ["DOCKER_BUILDKIT"] = buildkit
    subprocess.run(["bash", str(DOCKER_SCRIPT), "stop"], capture_output=True, check=False)


@pytest.fixture
def docker_archive():
    """Write a docker archive whose layers were made by ``(created_by, content size)`` steps."""

    def make(path, steps: list[tuple[str, int | None]]) -> None:
        members: dict[str, bytes] = {}
        history, layers = [], []
        for index, (created_by, size) in enumerate(steps):
            history.append({"created_by": created_by, "empty_layer": size is None})
            if size is not None:
                name = f"layer{index}.tar"
                members[name] = layer_tar({f"f{index}": b"x" * size})
                layers.append(name)
        members["config.json"] = json.dumps({"history": history}).encode()
        members["manifest.json"] = json.dumps(
            [{"Config": "config.json", "Layers": layers}]
        ).encode()
        write_tar(path, members)

    return make
