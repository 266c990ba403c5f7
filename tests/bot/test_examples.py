"""The CI examples use options the command has, and are valid for their CI system."""

from __future__ import annotations

import importlib.util
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Iterator, List

import pytest

from slimfix.bot.cli import bot_command

yaml = pytest.importorskip("yaml", reason="PyYAML reads the CI examples")

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "bot"


def commands(node) -> Iterator[str]:
    if isinstance(node, dict):
        for value in node.values():
            yield from commands(value)
    elif isinstance(node, list):
        for value in node:
            yield from commands(value)
    elif isinstance(node, str) and node.strip().startswith("slimfix bot"):
        yield node.strip()


@pytest.mark.parametrize("name", ["gitlab-ci.yml", "github-workflow.yml"])
def test_example_runs_the_bot_with_valid_options(name: str) -> None:
    found: List[str] = list(commands(yaml.safe_load((EXAMPLES / name).read_text())))
    assert found, f"{name} does not run slimfix bot"
    for command in found:
        args = shlex.split(command)[2:]
        bot_command.make_context("bot", args)  # raises on an unknown option


@pytest.mark.parametrize(
    "name, schema",
    [
        ("gitlab-ci.yml", "vendor.gitlab-ci"),
        ("github-workflow.yml", "vendor.github-workflows"),
    ],
)
def test_example_matches_its_ci_schema(name: str, schema: str) -> None:
    if importlib.util.find_spec("check_jsonschema") is None:
        pytest.skip("check-jsonschema is not installed")
    proc = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, str(EXAMPLES / name)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_github_example_grants_what_the_bot_needs() -> None:
    workflow = yaml.safe_load((EXAMPLES / "github-workflow.yml").read_text())
    assert workflow["permissions"] == {"contents": "write", "pull-requests": "write"}
    assert "schedule" in workflow[True]  # YAML 1.1 reads the key `on` as true
    (job,) = workflow["jobs"].values()
    env = [step.get("env", {}) for step in job["steps"] if "slimfix bot" in str(step.get("run", ""))]
    assert env == [{"GITHUB_TOKEN": "${{ secrets.GITHUB_TOKEN }}"}]


def test_gitlab_example_runs_on_a_schedule() -> None:
    job = yaml.safe_load((EXAMPLES / "gitlab-ci.yml").read_text())["slimfix-bot"]
    assert {"if": '$CI_PIPELINE_SOURCE == "schedule"'} in job["rules"]
