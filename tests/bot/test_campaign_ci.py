"""The campaign templates in ci/: valid for their CI system, options the bot has,
and N parallel jobs that are exactly the shards 1/N ... N/N."""

from __future__ import annotations

import importlib.util
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Dict, List

import pytest

from slimfix.bot.cli import bot_command
from slimfix.bot.fleet import parse_shard

yaml = pytest.importorskip("yaml", reason="PyYAML reads the CI templates")

CI = Path(__file__).resolve().parents[2] / "ci"
GITLAB, GITHUB = CI / "slimfix-bot.gitlab-ci.yml", CI / "slimfix-bot.github-workflow.yml"


def bot_commands(node) -> List[str]:
    if isinstance(node, dict):
        return [c for value in node.values() for c in bot_commands(value)]
    if isinstance(node, list):
        return [c for value in node for c in bot_commands(value)]
    return [node.strip()] if isinstance(node, str) and node.strip().startswith("slimfix bot --") else []


def expand(command: str, values: Dict[str, str]) -> List[str]:
    text = re.sub(r"\$\{\{\s*([\w.]+)\s*\}\}", lambda m: values[m.group(1)], command)
    text = re.sub(r"\$\{(\w+)\}|\$(\w+)", lambda m: values.get(m.group(1) or m.group(2), ""), text)
    return shlex.split(text)[2:]


def shards_of(args: List[str]) -> str:
    context = bot_command.make_context("bot", args)  # raises on an unknown option
    assert context.params["autodiscover"] == "acme" and context.params["state_file"]
    assert any(r.endswith(".html") for r in context.params["reports"])
    return context.params["shard"]


def test_the_gitlab_template_runs_one_shard_per_parallel_job() -> None:
    config = yaml.safe_load(GITLAB.read_text())
    job = config["slimfix-bot"]
    total = job["parallel"]
    (command,) = bot_commands(config)
    seen = []
    for index in range(1, total + 1):
        values = {"SLIMFIX_BOT_GROUP": "acme", "CI_NODE_INDEX": str(index), "CI_NODE_TOTAL": str(total)}
        values["SLIMFIX_BOT_JOBS"] = config[".slimfix-bot"]["variables"]["SLIMFIX_BOT_JOBS"]
        seen.append(parse_shard(shards_of(expand(command, values))))
    assert seen == [(k, total) for k in range(1, total + 1)]
    assert {"if": '$CI_PIPELINE_SOURCE == "schedule"'} in job["rules"]
    assert "CI_NODE_INDEX" in config[".slimfix-bot"]["cache"]["key"]  # one state file per shard


def test_the_github_workflow_runs_one_shard_per_matrix_entry() -> None:
    workflow = yaml.safe_load(GITHUB.read_text())
    (job,) = workflow["jobs"].values()
    shards, total = job["strategy"]["matrix"]["shard"], int(job["env"]["SHARDS"])
    assert shards == list(range(1, total + 1))
    (command,) = bot_commands(workflow)
    for shard in shards:
        values = {"matrix.shard": str(shard), "SHARDS": str(total), "github.repository_owner": "acme"}
        assert parse_shard(shards_of(expand(command, values))) == (shard, total)
    assert "schedule" in workflow[True]  # YAML 1.1 reads the key `on` as true


@pytest.mark.parametrize("path, schema", [(GITLAB, "vendor.gitlab-ci"), (GITHUB, "vendor.github-workflows")])
def test_the_templates_match_their_ci_schema(path: Path, schema: str) -> None:
    if importlib.util.find_spec("check_jsonschema") is None:
        pytest.skip("check-jsonschema is not installed")
    proc = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
