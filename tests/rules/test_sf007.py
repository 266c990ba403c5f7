"""SF007 pip-cache-kept: where the cache is off already, savings, agreement with hadolint."""

from __future__ import annotations

import pytest

from slimfix.config import Settings
from slimfix.fixer import fix_text

from slimfix.rules import Applicability
from slimfix.semantics.savings import cache_size

from .conftest import FIXTURES, assert_fix_removes_hadolint_code


def _run(text: str):
    return fix_text(text, "Dockerfile", Settings(select=("SF007",)))


@pytest.mark.parametrize("text", [
    "FROM python:3\nENV PIP_NO_CACHE_DIR=1\nRUN pip install flask\n",
    "FROM python:3\nARG PIP_NO_CACHE_DIR\nRUN pip install flask\n",
    "FROM python:3 AS base\nENV PIP_NO_CACHE_DIR=off\nFROM base AS app\nFROM app\nRUN pip install flask\n",
    "FROM python:3\nRUN PIP_NO_CACHE_DIR=1 pip install flask\n",
    "FROM python:3\nRUN export PIP_NO_CACHE_DIR=1; pip install flask\n",
    "FROM python:3\nRUN pip install --no-cache flask\n",
    "FROM python:3\nRUN pip --cache-dir=/tmp/pip install flask\n",
    "FROM python:3\nRUN --mount=type=cache,target=/root/.cache/pip pip install flask\n",
    "FROM python:3\nRUN --mount=type=tmpfs,target=/root/.cache pip install flask\n",
    "FROM python:3\nRUN python3 -m pip download flask && pip3 wheel . && pip install\n",
    "FROM python:3\nRUN pip config set global.no-cache-dir 1\nRUN pip install flask\n",
])
def test_nothing_is_reported_when_the_cache_is_off_or_elsewhere(text):
    assert _run(text).diagnostics == []


def test_an_export_after_the_command_does_not_count():
    result = _run("FROM python:3\nRUN pip install flask && export PIP_NO_CACHE_DIR=1\n")
    assert "pip install --no-cache-dir flask" in result.output


def test_savings_grow_with_what_is_installed():
    [fixed] = _run("FROM python:3\nRUN pip install -r requirements.txt flask gunicorn\n").fixed
    assert fixed.savings == cache_size("pip", ["flask", "gunicorn"], projects=1)  # measured_sizes.toml
    assert fixed.savings > cache_size("pip", ["flask", "gunicorn"]) > cache_size("pip", ["flask"]) > 0
    [fixed] = _run("FROM python:3\nRUN pip install 'Django[argon2]>=4.2' Flask==3.0 ./app\n").fixed
    assert fixed.savings == cache_size("pip", ["django", "flask"], projects=1)


def test_hadolint_dl3042_is_gone_after_the_fix(tmp_path):
    text = "FROM python:3.12\nRUN python -m pip install flask==3.0.0 && pip3 install gunicorn==22.0.0\n"
    assert_fix_removes_hadolint_code(text, _run(text).output, "DL3042", tmp_path)


@pytest.mark.parametrize("image", ["ubuntu:14.04", "ubuntu:trusty-20190515", "debian:8.11", "centos:6"])
def test_releases_whose_pip_predates_the_option_get_no_fix(image):
    [diagnostic] = _run(f"FROM {image} AS base\nFROM base\nRUN pip install flask\n").diagnostics
    assert diagnostic.fix is None and image in diagnostic.message


@pytest.mark.parametrize("image", ["ubuntu:16.04", "debian:9", "centos:7", "python:3.12"])
def test_later_releases_are_fixed(image):
    assert "--no-cache-dir" in _run(f"FROM {image}\nRUN pip install flask\n").output


def test_the_default_run_keeps_the_cache_when_home_may_not_exist():
    """Without its cache pip no longer creates a missing HOME (found by the execution oracle:
    ``ENV HOME=/home/app`` then ``RUN pip install flask && cd``): the fix is unsafe there."""
    text = (FIXTURES / "SF007" / "unsafe-home-not-known.Dockerfile").read_text()
    result = fix_text(text, "Dockerfile", Settings())
    assert result.output == text
    assert [d.code for d in result.diagnostics] == ["SF007"] * 3
    assert all(d.fix is not None and d.fix.applicability == Applicability.UNSAFE for d in result.diagnostics)
    known = (FIXTURES / "SF007" / "home-known.Dockerfile").read_text()
    assert fix_text(known, "Dockerfile", Settings()).output == (FIXTURES / "SF007" / "home-known.fixed.Dockerfile").read_text()
