"""The integrations as their hosts run them: pre-commit against a temporary git
repository, the GitHub Action's steps and the GitLab CI template's script run
here. Each installs slimfix from this source tree into a fresh environment
(dependencies come from PyPI)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Dict, Optional

import pytest

from .conftest import JOINABLE, JOINED, REPO, git, make_repo, write

yaml = pytest.importorskip("yaml")

HOOK_FILES = ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml", "src", "grammar")


def _schema_check(name: str, path: Path) -> None:
    pytest.importorskip("check_jsonschema")
    proc = subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", f"vendor.{name}", str(path)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


# pre-commit ------------------------------------------------------------------

def test_hook_manifest_is_valid():
    pytest.importorskip("pre_commit")
    proc = subprocess.run([sys.executable, "-m", "pre_commit", "validate-manifest", str(REPO / ".pre-commit-hooks.yaml")],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_hook_file_pattern_matches_the_folder_search():
    from slimfix.files import is_dockerfile_name

    for hook in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text()):
        pattern = re.compile(hook["files"])
        for name in ("Dockerfile", "Dockerfile.dev", "api.Dockerfile", "x.dockerfile", "Containerfile",
                     "Containerfile.ci", "Dockerfile-old", "dockerfile", "Dockerfile.d/readme.txt", "notes.txt"):
            assert bool(pattern.search(f"svc/{name}")) == is_dockerfile_name(Path(name).name) == bool(pattern.search(name)), name


def _hook_repo(root: Path) -> str:
    """A git repository holding this source tree as it is now; its commit."""
    make_repo(root)
    for name in HOOK_FILES:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(source, root / name)
    git(root, "add", "-A")
    git(root, "commit", "-qm", "slimfix")
    return git(root, "rev-parse", "HEAD").strip()


def test_pre_commit_hooks(tmp_path):
    pytest.importorskip("pre_commit")
    rev = _hook_repo(tmp_path / "hooks")
    project = make_repo(tmp_path / "project")
    write(project / "Dockerfile", JOINABLE)
    write(project / "vendor" / "Dockerfile", JOINABLE)
    write(project / ".slimfix.toml", 'exclude = ["vendor"]\n')
    config = {"repos": [{"repo": str(tmp_path / "hooks"), "rev": rev, "hooks": [
        {"id": "slimfix", "args": ["--select", "SF001"]},
        {"id": "slimfix-check", "args": ["--select", "SF001"], "stages": ["manual"]},
    ]}]}
    write(project / ".pre-commit-config.yaml", yaml.safe_dump(config))
    git(project, "add", "-A")
    env = dict(os.environ, PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"), PRE_COMMIT_COLOR="never")

    def pre_commit(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "pre_commit", *args], cwd=project, env=env,
                              capture_output=True, text=True, timeout=900)

    first = pre_commit("run", "slimfix", "--all-files")
    assert first.returncode == 1, first.stdout + first.stderr  # pre-commit fails a hook that changed files
    assert "files were modified by this hook" in first.stdout
    assert (project / "Dockerfile").read_text() == JOINED
    assert (project / "vendor" / "Dockerfile").read_text() == JOINABLE, "excluded even though pre-commit named it"

    second = pre_commit("run", "slimfix", "--all-files")
    assert second.returncode == 0, second.stdout

    write(project / "svc" / "api.Dockerfile", JOINABLE)
    git(project, "add", "-A")
    check = pre_commit("run", "slimfix-check", "--hook-stage", "manual", "--files", "svc/api.Dockerfile")
    assert check.returncode == 1
    assert "+    && apt-get install -y curl" in check.stdout
    assert (project / "svc" / "api.Dockerfile").read_text() == JOINABLE


# GitHub Action -----------------------------------------------------------------

ACTION = yaml.safe_load((REPO / "action.yml").read_text()) if (REPO / "action.yml").exists() else {}
_EXPRESSION = re.compile(r"\$\{\{\s*([^}]*?)\s*\}\}")


def _substitute(text: str, inputs: Dict[str, str]) -> str:
    def value(match: "re.Match[str]") -> str:
        name = match.group(1)
        assert name.startswith("inputs."), f"the test evaluates only inputs.*, not {name}"
        return inputs[name[len("inputs."):]]

    return _EXPRESSION.sub(value, text)


class ActionRunner:
    """Runs the composite action's steps as the runner does (bash -eo pipefail,
    GITHUB_ENV carried from step to step, GITHUB_OUTPUT per step)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.env = dict(os.environ, GITHUB_ACTION_PATH=str(REPO), RUNNER_TEMP=str(root / "runner-temp"))
        (root / "runner-temp").mkdir(parents=True, exist_ok=True)

    def step(self, step: dict, workspace: Path, **given: str) -> "tuple[subprocess.CompletedProcess, Dict[str, str]]":
        inputs = {name: spec.get("default", "") for name, spec in ACTION["inputs"].items()}
        unknown = set(given) - set(inputs)
        assert not unknown, unknown
        inputs.update(given)
        env_file, output_file = self.root / "github-env", self.root / "github-output"
        env_file.write_text("")
        output_file.write_text("")
        env = dict(self.env, GITHUB_ENV=str(env_file), GITHUB_OUTPUT=str(output_file))
        env.update({key: _substitute(str(value), inputs) for key, value in step.get("env", {}).items()})
        assert step["shell"] == "bash"
        script = self.root / "step.sh"
        script.write_text(_substitute(step["run"], inputs))
        proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)], cwd=workspace, env=env,
                              capture_output=True, text=True, timeout=900)
        for line in env_file.read_text().splitlines():
            key, _, value = line.partition("=")
            self.env[key] = value
        outputs = dict(line.partition("=")[::2] for line in output_file.read_text().splitlines())
        return proc, outputs


def test_action_is_a_valid_composite_action():
    _schema_check("github-actions", REPO / "action.yml")
    assert ACTION["runs"]["using"] == "composite"
    steps = ACTION["runs"]["steps"]
    ids = {step.get("id") for step in steps}
    text = (REPO / "action.yml").read_text()
    for expression in _EXPRESSION.findall(text):
        kind, _, rest = expression.partition(".")
        if kind == "inputs":
            assert rest in ACTION["inputs"], expression
        else:
            assert kind == "steps" and rest.split(".")[0] in ids, expression
    for step in steps:
        assert "${{" not in step.get("run", ""), "inputs reach scripts through env, never pasted into them"


@pytest.fixture(scope="module")
def action(tmp_path_factory) -> ActionRunner:
    runner = ActionRunner(tmp_path_factory.mktemp("action"))
    install = ACTION["runs"]["steps"][0]
    proc, _ = runner.step(install, runner.root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert Path(runner.env["SLIMFIX_BIN"]).is_file()
    return runner


def _run_step() -> dict:
    return next(step for step in ACTION["runs"]["steps"] if step.get("id") == "slimfix")


def test_action_annotates_and_fails_when_a_dockerfile_would_change(action, tmp_path):
    path = write(tmp_path / "Dockerfile", JOINABLE)
    proc, outputs = action.step(_run_step(), tmp_path, args="--diff --select SF001")
    assert proc.returncode == 1
    assert outputs == {"exit-code": "1"}
    assert proc.stdout.startswith("--- a/Dockerfile\n")
    assert "::warning file=Dockerfile,line=3,endLine=3,col=1,title=SF001" in proc.stderr
    assert path.read_text() == JOINABLE


def test_action_passes_on_clean_files_and_writes_sarif(action, tmp_path):
    write(tmp_path / "svc" / "Dockerfile", "FROM alpine\nRUN make\n")
    proc, outputs = action.step(_run_step(), tmp_path, args="--check --select SF001", src="svc",
                                **{"output-format": "sarif", "output-file": "out/slimfix.sarif"})
    assert proc.returncode == 0, proc.stderr
    assert outputs == {"exit-code": "0"}
    sarif = json.loads((tmp_path / "out" / "slimfix.sarif").read_text())
    assert sarif["version"] == "2.1.0" and sarif["runs"][0]["results"] == []


def test_action_can_rewrite_in_place(action, tmp_path):
    path = write(tmp_path / "Dockerfile", JOINABLE)
    proc, outputs = action.step(_run_step(), tmp_path, args="--select SF001", **{"output-format": "text"})
    assert proc.returncode == 0 and outputs == {"exit-code": "0"}
    assert path.read_text() == JOINED


# GitLab CI template ------------------------------------------------------------

def test_gitlab_template_is_valid():
    _schema_check("gitlab-ci", REPO / "ci" / "slimfix.gitlab-ci.yml")


def _gitlab_job(template: dict, name: str) -> dict:
    job = dict(template[name])
    while "extends" in job:
        parent = template[job.pop("extends")]
        job = {**parent, **job, "variables": {**parent.get("variables", {}), **job.get("variables", {})}}
    return job


def test_gitlab_template_script_runs(tmp_path):
    template = yaml.safe_load((REPO / "ci" / "slimfix.gitlab-ci.yml").read_text())
    job = _gitlab_job(template, "slimfix")
    assert job["stage"] == "test"
    assert job["artifacts"]["reports"]["codequality"] == "gl-code-quality-report.json"
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    project = tmp_path / "project"
    write(project / "Dockerfile", JOINABLE)
    variables = {**job["variables"], "SLIMFIX_PACKAGE": str(REPO), "SLIMFIX_ARGS": "--diff --select SF001"}
    env = dict(os.environ, **variables, PATH=f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}")
    env.pop("VIRTUAL_ENV", None)
    status: Optional[int] = None
    output = ""
    for line in job["script"]:  # as the runner: each line in turn, the job stops at the first failure
        proc = subprocess.run(["sh", "-c", line], cwd=project, env=env, capture_output=True, text=True, timeout=900)
        output += proc.stdout
        status = proc.returncode
        if status:
            break
    assert status == 1, output
    assert "+    && apt-get install -y curl" in output
    issues = json.loads((project / "gl-code-quality-report.json").read_text())
    assert [(i["check_name"], i["location"]["path"], i["location"]["lines"]["begin"]) for i in issues] == [
        ("SF001 consecutive-run-instructions", "Dockerfile", 3)
    ]
    assert (project / "Dockerfile").read_text() == JOINABLE
