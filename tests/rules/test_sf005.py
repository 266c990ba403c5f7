"""SF005: Alpine build dependencies kept in the image."""

from __future__ import annotations

from pathlib import Path

import dockerfile
import pytest

from slimfix import parse
from slimfix.config import Settings
from slimfix.fixer import fix_text
from slimfix.rules import Applicability
from slimfix.rules.build_deps import build_step, estimate_savings
from slimfix.shell import parse_shell
from slimfix.shell.commands import classify
from slimfix.shell.walk import walk_commands

from .conftest import FIXTURES

MB = 1_000_000

SEED = FIXTURES.parent / "seed"
UNSAFE = Settings(select=("SF005",), unsafe_fixes=True)


def _read(path: Path) -> str:
    with open(path, encoding="utf-8", newline="") as handle:
        return handle.read()


def _meaning(text: str) -> list:
    """Instructions as BuildKit reads them; each RUN as its commands, package commands by what
    they do (tool, subcommand, options as a set, packages) so option order does not count."""
    out = []
    for node in dockerfile.parse_string(text):
        if node.cmd.upper() != "RUN":
            out.append((node.cmd.upper(), node.value))
            continue
        commands = []
        for ctx in walk_commands(parse_shell(node.value[0])):
            view = classify(ctx.command)
            if view is None:
                commands.append(tuple(w.value for w in ctx.command.words))
            else:
                options = frozenset((o.name, o.value) for o in view.options)
                commands.append((view.tool, view.subcommand, options, tuple(p.name for p in view.packages)))
        out.append(("RUN", tuple(commands)))
    return out


def test_blog_dockerfile_3_becomes_dockerfile_4():
    result = fix_text(_read(SEED / "3-alpine-naive.Dockerfile"), "3", UNSAFE)
    assert result.error is None and result.internal_error is None
    assert [d.code for d in result.fixed] == ["SF005"]
    assert _meaning(result.output) == _meaning(_read(SEED / "4-alpine-virtual.Dockerfile"))
    assert fix_text(result.output, "3", UNSAFE).output == result.output


def test_blog_dockerfiles_4_and_5_are_clean():
    for name in ("4-alpine-virtual.Dockerfile", "5-multistage.Dockerfile"):
        result = fix_text(_read(SEED / name), name, UNSAFE)
        assert result.diagnostics == [] and not result.changed


def test_fix_is_unsafe_and_not_applied_by_default():
    source = _read(SEED / "3-alpine-naive.Dockerfile")
    safe_only = fix_text(source, "3", Settings(select=("apk-build-deps-kept",)))
    assert not safe_only.changed
    [diagnostic] = [d for d in safe_only.diagnostics if d.code == "SF005"]
    assert diagnostic.fix is not None and diagnostic.fix.applicability is Applicability.UNSAFE
    assert fix_text(source, "3", Settings(select=("apk-build-deps-kept",), unsafe_fixes=True)).changed


@pytest.mark.parametrize(
    "case, reason",
    [
        ("unsafe-no-build-step", "no build step"),
        ("unsafe-unknown-dev-package", "no runtime library is known for libsomething-dev"),
        ("unsafe-variable-packages", "given by variables"),
        ("unsafe-later-run-builds-again", "the RUN on line 5 still builds (make)"),
        ("unsafe-user-between", "the USER on line 3 cannot move above the install"),
        ("unsafe-copy-chown-named-user", "its owner may be created by the install"),
        ("unsafe-copy-into-etc", "it writes /etc/pip.conf"),
        ("unsafe-cmd-runs-make", "the CMD on line 4 runs make"),
        ("unsafe-stage-built-from-it", "stage test is built from this one"),
        ("unsafe-heredoc", "the RUN uses a heredoc"),
        ("unsafe-heredoc-build", "the build RUN on line 4 cannot be read or extended"),
    ],
)
def test_no_fix_says_why(case: str, reason: str):
    result = fix_text(_read(FIXTURES / "SF005" / f"{case}.Dockerfile"), case, UNSAFE)
    assert not result.changed
    [diagnostic] = result.diagnostics
    assert diagnostic.fix is None
    assert "no automatic fix" in diagnostic.message and reason in diagnostic.message


@pytest.mark.parametrize("case", ["unsafe-already-removed", "unsafe-multi-stage-builder-only"])
def test_nothing_to_report(case: str):
    assert fix_text(_read(FIXTURES / "SF005" / f"{case}.Dockerfile"), case, UNSAFE).diagnostics == []


def test_comment_inside_a_joined_run_blocks_the_fix():
    text = "FROM python:3.12-alpine\nRUN apk add --no-cache gcc musl-dev\nRUN \\\n  # note\n  pip install regex\n"
    result = fix_text(text, "x", UNSAFE)
    assert not result.changed
    assert "a comment inside the RUN would be lost" in result.diagnostics[0].message


def test_runtime_libraries_are_added_once():
    text = "FROM python:3.12-alpine\nRUN apk add --no-cache libpq postgresql-dev libffi-dev gcc && pip install x\n"
    output = fix_text(text, "x", UNSAFE).output
    run = [n for n in dockerfile.parse_string(output) if n.cmd.upper() == "RUN"][0].value[0]
    assert "apk add --no-cache libpq libffi &&" in run
    assert run.count("libpq ") == 1


def test_virtual_name_avoids_one_in_use():
    text = (
        "FROM python:3.12-alpine\n"
        "RUN apk add --no-cache --virtual .build-deps git && git --version && apk del .build-deps\n"
        "RUN apk add --no-cache gcc musl-dev && pip install regex\n"
    )
    output = fix_text(text, "x", UNSAFE).output
    assert "--virtual .build-deps-2 --no-cache gcc musl-dev" in output and "apk del .build-deps-2" in output


def test_savings_count_one_compiler():
    assert estimate_savings("apk", ["build-base", "gcc", "musl-dev"]) == 230 * MB + 5 * MB
    assert estimate_savings("apk", ["libfoo-dev"]) == 5 * MB
    result = fix_text(_read(SEED / "3-alpine-naive.Dockerfile"), "3", UNSAFE)
    assert result.savings == (150 + 30 + 5 + 7 + 5) * MB


@pytest.mark.parametrize(
    "command, step",
    [
        ("pip install -r requirements.txt", "pip install"),
        ("python3 -m pip install psycopg2", "python3 -m pip install"),
        ("pip install --upgrade pip setuptools wheel", None),
        ("pip install -U pip -r requirements.txt", "pip install"),
        ("npm ci --omit=dev", "npm ci"),
        ("yarn", "yarn install"),
        ("bundle install --jobs 4", "bundle install"),
        ("sudo make -C src install", "make"),
        ("go build -o /app .", "go build"),
        ("go version", None),
        ("cargo build --release", "cargo build"),
        ("python setup.py install", "python setup.py"),
        ("./configure --prefix=/usr", "configure"),
        ("docker-php-ext-install pdo_pgsql", "docker-php-ext-install"),
        ("pip download -d /wheels regex", None),
        ("apk add gcc", None),
    ],
)
def test_build_steps(command: str, step):
    [ctx] = list(walk_commands(parse_shell(command)))
    assert build_step(ctx.command, classify(ctx.command)) == step


def test_fixed_fixtures_keep_comments_in_order():
    for case in sorted((FIXTURES / "SF005").glob("*.fixed.Dockerfile")):
        fixed = _read(case)
        comments = [line.strip() for line in fixed.splitlines() if line.strip().startswith("#")]
        source = _read(case.with_name(case.name.replace(".fixed", "")))
        assert sorted(comments) == sorted(line.strip() for line in source.splitlines() if line.strip().startswith("#"))
        assert parse(fixed).code == fixed


@pytest.mark.parametrize(
    "base, fixed",
    [("python:3.8-alpine3.12", False), ("alpine:3.16", False), ("alpine:3.19", True), ("python:3.12-alpine", True)],
)
def test_runtime_names_need_alpine_3_17(base: str, fixed: bool):
    text = f"FROM {base}\nRUN apk add --no-cache gcc musl-dev openssl-dev && pip install cryptography\n"
    result = fix_text(text, "x", UNSAFE)
    assert result.changed is fixed
    if not fixed:
        assert "are Alpine 3.17's" in result.diagnostics[0].message
