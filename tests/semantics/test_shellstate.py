"""The allow-list behind safe joins and appended cleanups (slimfix.semantics.shellstate)."""

from __future__ import annotations

import pytest

from slimfix.semantics.run import _Shell
from slimfix.semantics.shellfacts import reads_status
from slimfix.semantics.shellstate import append_blocker, join_blocker, merge_states


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
        ("echo x | read v", "variable", "v"),  # zsh and ksh run the last stage in the shell
        ("read -r a b < f", "variable", "a"),
        ("read < f", "variable", "REPLY"),
        ("read -a words < f", "other", ""),
        ("read -p x v", "other", ""),
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
    assert join_blocker([state("sha256sum -c s && curl -o /usr/local/bin/n https://x")], state("sha256sum f"))
    assert join_blocker([state("sha256sum -c s && curl -o /opt/n https://x")], state("sha256sum f")) is None
    assert join_blocker([state("sha256sum -c s && curl -fsSLO https://x")], state("sha256sum f"))
    assert join_blocker([state("sha256sum -c s && wget -qO- https://x > /tmp/x")], state("sha256sum f")) is None
    # a relative path is known only under a known WORKDIR that nothing in the RUN changes
    assert join_blocker([state("sha256sum -c s && rm -rf node_modules")], state("sha256sum f"))
    assert join_blocker([state("sha256sum -c s && rm -rf node_modules")], state("sha256sum f"), "/app") is None
    assert join_blocker([state("sha256sum -c s && rm -rf node_modules")], state("sha256sum f"), "/usr/local/bin")
    assert join_blocker([state("sha256sum -c s && (cd /x && rm -rf node_modules)")], state("sha256sum f"), "/app")


def test_append_ignores_directory_ordinary_variables_and_errexit():
    assert append_blocker(state("cd /app && export GOPATH=$HOME/go && set -eux && make")) is None
    assert "PATH" in append_blocker(state("export PATH=/opt:$PATH && make"))
    assert "-f" in append_blocker(state("set -f && make"))
    # a shell that exits never reaches the cleanup, and the RUN ends as it did
    assert append_blocker(state("test -f /x || exit 1; make")) is None
    assert append_blocker(state("alias rm=true; make")) is not None


MERGE_SCRIPTS = [
    "apt-get update", "pip install -U pip", "pip install flask", "cp tool /usr/local/bin/",
    "cp tool bin/", "curl -o /usr/bin/jq https://example.org/jq", "make install", "cd /src && make",
    "echo done", "ln -s /opt/x/bin/x /usr/local/bin/x", "rm -f /usr/bin/python3", "X=1", "git --version",
    "npm install -g yarn", "yarn install", "mv jq ~/bin/",
]


@pytest.mark.parametrize("workdir", [None, "/app", "/usr/local"])
def test_merged_states_block_a_join_exactly_as_the_list_does(workdir):
    # every chain of three scripts, then a fourth: the merged state of the chain (built step by
    # step, as SF001 does) answers what the list of the chain's states answers
    states = {text: state(text) for text in MERGE_SCRIPTS}
    compared = 0
    for a in MERGE_SCRIPTS:
        for b in MERGE_SCRIPTS[::3]:
            for c in MERGE_SCRIPTS[1::4]:
                chain = [states[a], states[b], states[c]]
                merged = merge_states(merge_states(chain[0], chain[1], workdir), chain[2], workdir)
                for after in MERGE_SCRIPTS:
                    expected = join_blocker(chain, states[after], workdir)
                    assert join_blocker([merged], states[after], workdir) == expected, (a, b, c, after)
                    compared += 1
    assert compared > 1000


@pytest.mark.parametrize("text, reads", [
    ("a; exit", True),
    ("echo \"$?\"", True),
    ("echo ${?}", True),
    ("trap 'echo $?' EXIT", True),  # single quotes do not hide it: the trap runs the text
    ("f() { return; }; f", True),
    ("builtin exit", True),
    ("a; exit 0", False),
    ("echo '?' ${X:?unset}", False),
    ("test -e exit.txt", False),
])
def test_reads_status(text: str, reads: bool):
    shell = _Shell(text)
    words = ([w.value for w in ctx.command.words] for ctx, _ in shell.commands)
    assert reads_status(text, words) is reads
