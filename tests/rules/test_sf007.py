"""SF007 pip-cache-kept: where the cache is off already, savings, agreement with hadolint."""

from __future__ import annotations

import pytest

from slimfix.config import Settings
from slimfix.fixer import fix_text

from slimfix.rules import Applicability, all_rules
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


_GET_PIP = "wget https://bootstrap.pypa.io/pip/2.7/get-pip.py -O /tmp/get-pip.py"


@pytest.mark.parametrize("text", [
    f"FROM ubuntu:14.04\nRUN set -ex && {_GET_PIP} && python /tmp/get-pip.py && pip install flask\n",
    f"FROM debian:jessie\nRUN {_GET_PIP}\nRUN cd /tmp && python3 get-pip.py -q && pip3 install flask\n",
    f"FROM ubuntu:14.04 AS base\nFROM base\nRUN {_GET_PIP} && python2.7 get-pip.py 'pip>=9' && pip2 install flask\n",
    "FROM ubuntu:14.04\nRUN python3 -m pip install -U pip setuptools && pip3 install flask && pip3.4 install x\n",
    "FROM ubuntu:14.04\nRUN apt-get install -y python-pip && pip3.4 install pip==9.0.3 && pip3 install flask\n",
])
def test_a_pip_the_run_surely_installed_first_takes_the_option_on_an_old_release(text):
    result = _run(text)
    assert "install --no-cache-dir flask" in result.output and result.fixed
    # the upgrade itself runs the release's pip: reported, never given the option
    assert all(d.fix is None and "may not know it" in d.message for d in result.diagnostics)
    assert "install flask" not in result.output


@pytest.mark.parametrize("text", [
    # the shell found (and remembers) the old pip: the same command name upgraded it
    "FROM ubuntu:14.04\nRUN pip install --upgrade pip && pip install flask\n",
    "FROM ubuntu:14.04\nRUN pip --version && python -m pip install -U pip && pip install flask\n",
    # the upgrade may have failed, or not run, when the install runs
    f"FROM ubuntu:14.04\nRUN {_GET_PIP} && python /tmp/get-pip.py; pip install flask\n",
    f"FROM ubuntu:14.04\nRUN {_GET_PIP} && python /tmp/get-pip.py || true && pip install flask\n",
    f"FROM ubuntu:14.04\nRUN {_GET_PIP} || python /tmp/get-pip.py && pip install flask\n",
    "FROM ubuntu:14.04\nRUN curl -s https://bootstrap.pypa.io/pip/2.7/get-pip.py | python && pip install flask\n",
    f"FROM ubuntu:14.04\nRUN {_GET_PIP} && if true; then python /tmp/get-pip.py; fi && pip install flask\n",
    f"FROM ubuntu:14.04\nRUN {_GET_PIP} && python /tmp/get-pip.py & pip install flask\n",
    # the install is not surely the upgraded pip: another version, a wrapper, a path, later in a group
    f"FROM ubuntu:14.04\nRUN {_GET_PIP} && python /tmp/get-pip.py && pip3 install flask\n",
    f"FROM ubuntu:14.04\nRUN {_GET_PIP} && python3 /tmp/get-pip.py && pip3.4 install flask\n",
    f"FROM ubuntu:14.04\nRUN {_GET_PIP} && python /tmp/get-pip.py && /usr/bin/pip install flask\n",
    f"FROM ubuntu:14.04\nRUN {_GET_PIP} && python /tmp/get-pip.py && sudo pip install flask\n",
    f"FROM ubuntu:14.04\nRUN {_GET_PIP} && python /tmp/get-pip.py && PYTHONPATH=/old pip install flask\n",
    f"FROM ubuntu:14.04\nRUN {_GET_PIP} && python /tmp/get-pip.py && {{ pip install flask; }}\n",
    # the new pip may land elsewhere, or the shell may find another one first
    f"FROM ubuntu:14.04\nRUN {_GET_PIP} && python /tmp/get-pip.py --user && pip install flask\n",
    f"FROM ubuntu:14.04\nRUN {_GET_PIP} && PYTHONUSERBASE=/x python /tmp/get-pip.py && pip install flask\n",
    f"FROM ubuntu:14.04\nRUN export PATH=/opt/bin:$PATH && {_GET_PIP} && python /tmp/get-pip.py && pip install flask\n",
    f"FROM ubuntu:14.04\nENV PATH=/opt/bin:$PATH\nRUN {_GET_PIP} && python /tmp/get-pip.py && pip install flask\n",
    f"FROM ubuntu:14.04\nENV PIP_TARGET=/opt\nRUN {_GET_PIP} && python /tmp/get-pip.py && pip install flask\n",
    f"FROM ubuntu:14.04\nUSER app\nRUN {_GET_PIP} && python /tmp/get-pip.py && pip install flask\n",
    f"FROM ubuntu:14.04\nCOPY . /\nRUN {_GET_PIP} && python /tmp/get-pip.py && pip install flask\n",
    f"FROM ubuntu:14.04\nRUN printf '[install]\\nuser = true\\n' > /etc/pip.conf\n"
    f"RUN {_GET_PIP} && python /tmp/get-pip.py && pip install flask\n",
    f"FROM ubuntu:14.04\nRUN alias pip=/usr/bin/pip && {_GET_PIP} && python /tmp/get-pip.py && pip install flask\n",
    f"FROM ubuntu:14.04\nRUN pip() {{ /usr/bin/pip \"$@\"; }} && {_GET_PIP} && python /tmp/get-pip.py && pip install flask\n",
    # the upgrade may install an older pip, or a get-pip.py of unknown age
    "FROM ubuntu:14.04\nRUN python -m pip install pip && pip install flask\n",
    "FROM ubuntu:14.04\nRUN python -m pip install -U 'pip<6' && pip install flask\n",
    "FROM ubuntu:14.04\nRUN python -m pip install pip==1.5.6 && pip install flask\n",
    "FROM ubuntu:14.04\nRUN python -m pip install -U -r up.txt pip && pip install flask\n",
    "FROM ubuntu:14.04\nRUN python -m pip install -U --index-url http://old/ pip && pip install flask\n",
    f"FROM ubuntu:14.04\nRUN {_GET_PIP} && python /tmp/get-pip.py pip==1.5.6 && pip install flask\n",
    "FROM ubuntu:14.04\nRUN python /tmp/get-pip.py && pip install flask\n",
    "FROM ubuntu:14.04\nRUN wget http://example.com/get-pip.py && python get-pip.py && pip install flask\n",
    # not a Debian or Ubuntu image, or the upgrade is in another RUN
    f"FROM centos:6\nRUN {_GET_PIP} && python /tmp/get-pip.py && pip install flask\n",
    f"FROM ubuntu:14.04\nRUN {_GET_PIP} && python /tmp/get-pip.py\nRUN pip install flask\n",
])
def test_an_upgrade_not_proven_to_have_replaced_the_pip_that_runs_gives_no_fix(text):
    result = _run(text)
    assert result.output == text and result.diagnostics
    assert all(d.fix is None and "may not know it" in d.message for d in result.diagnostics)


def test_the_default_run_fixes_where_home_is_proven_and_only_there():
    """Each proof of HOME (``rules/home_folder.py``) makes the fix safe; where none holds (HOME
    changed since its WORKDIR, a user made without a home, a proof that may have failed or been
    undone, a sourced file or eval before pip) the default run leaves the RUN alone."""
    default = Settings(ignore=tuple(r.code for r in all_rules() if r.code != "SF007"))  # safe fixes only
    proven = (FIXTURES / "SF007" / "home-proven.Dockerfile").read_text()
    result = fix_text(proven, "Dockerfile", default)
    assert result.output == (FIXTURES / "SF007" / "home-proven.fixed.Dockerfile").read_text()
    assert not [d for d in result.diagnostics if d.code == "SF007"]
    unproven = (FIXTURES / "SF007" / "unsafe-home-not-proven.Dockerfile").read_text()
    result = fix_text(unproven, "Dockerfile", default)
    assert result.output == unproven
    found = [d for d in result.diagnostics if d.code == "SF007"]
    assert len(found) == unproven.count("RUN pip") + unproven.count("; pip") + unproven.count("&& pip")
    assert all(d.fix is not None and d.fix.applicability == Applicability.UNSAFE for d in found)
