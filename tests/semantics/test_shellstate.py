"""The allow-list behind safe joins and appended cleanups (slimfix.semantics.shellstate)."""

from __future__ import annotations

import pytest

from slimfix.semantics.run import _Shell
from slimfix.semantics.shellstate import append_blocker, join_blocker


def state(text: str):
    return _Shell(text).state


@pytest.mark.parametrize(
    "text",
    [
        "apt-get update && apt-get install -y curl",
        "echo hi > /out && printf '%s\\n' a >> /out",
        "(cd /tmp && make) && test -f /tmp/x",
        "echo $(cd /x; pwd) `umask 077`",
        "if [ -f /x ]; then echo yes; else echo no; fi",
        "X=1 make install",
        "while false; do :; done; { true; }",
        "case $1 in a) echo a ;; *) echo b ;; esac",
        "curl -fsSL https://example.org | sh -",
        "echo ${HOME:-/root} ${#PATH} $((2 * 3))",
        "cat <<'EOF'\n${X:=1}\nEOF",
        "command -v curl",
    ],
)
def test_known_harmless_scripts_leave_nothing(text: str):
    assert state(text).effects == ()


@pytest.mark.parametrize(
    "text, kind, detail",
    [
        (": ${X:=default}", "variable", "X"),
        ("export A=1 B=$HOME", "variable", "A"),
        ("for f in a; do :; done", "variable", "f"),
        ("cd /tmp", "cwd", ""),
        ("command cd /tmp", "cwd", ""),
        ("umask 022", "umask", ""),
        ("set -e", "option", "-e"),
        ("set -o pipefail", "option", "pipefail"),
        ("echo $((I=5))", "other", ""),
        ("printf -v V hi", "other", ""),
        ("exec > /log", "other", ""),
        ("sleep 1 &", "other", ""),
        ("f() { :; }", "other", ""),
        ("$CMD", "other", ""),
        ("echo x | read v", "other", ""),
        ("setopt nullglob", "other", ""),
    ],
)
def test_state_changes_are_named(text: str, kind: str, detail: str):
    first = state(text).effects[0]
    assert (first.kind, first.detail) == (kind, detail)


def test_join_needs_a_first_run_that_leaves_nothing():
    assert join_blocker([state("apt-get update")], state("apt-get install -y curl")) is None
    assert "'cd'" in join_blocker([state("cd /tmp")], state("touch here"))
    # the second of three RUNs also runs before the third
    assert join_blocker([state("true"), state("export X=1")], state("echo $X")) is not None


def test_join_declined_when_the_second_run_reads_what_the_first_left():
    assert "$_" in join_blocker([state("echo a")], state('echo "$_"'))
    assert "type" in join_blocker([state("echo a")], state("type ls"))


def test_join_declined_when_a_remembered_program_may_be_shadowed():
    reason = join_blocker([state("pip install -U pip")], state("pip install requests"))
    assert reason is not None and "'pip'" in reason
    # distribution package managers and literal paths outside PATH folders shadow nothing
    assert join_blocker([state("apt-get install -y python3-pip")], state("apt-get install -y git")) is None
    assert join_blocker([state("rm -rf /tmp/x && apt-get update")], state("apt-get install -y git")) is None
    assert join_blocker([state("rm -f /usr/local/bin/apt-get; apt-get update")], state("apt-get install -y git"))


def test_append_ignores_directory_ordinary_variables_and_errexit():
    assert append_blocker(state("cd /app && export GOPATH=$HOME/go && set -eux && make")) is None
    assert "PATH" in append_blocker(state("export PATH=/opt:$PATH && make"))
    assert "-f" in append_blocker(state("set -f && make"))
    assert append_blocker(state("make && exit 0")) is not None
