"""Hypothesis strategies for the oracle's Dockerfiles.

A case is a Dockerfile (FROM, an optional ENV/SHELL/WORKDIR prologue, a sequence of
shell-form RUNs with now and then a comment, ENV or WORKDIR between them) and the shell
that stands for /bin/sh. The RUNs are drawn from a grammar of commands:

- ``STATE``: every way a command changes shell state a later command can see (variables,
  the working directory, umask, ulimit, options, traps, aliases, the hash table,
  functions, sourced files, eval, exec, exit/return, background jobs);
- ``OBSERVERS``: commands whose output or files show that state;
- ``PACKAGES``: the package-manager commands the safe rules edit, with and without the
  cleanups and options those rules add (and packages that fail to install);
- ``FLOW``: failing commands, subshells, groups, pipes, if/case/loops, ``|| true``.

The mix is biased toward files slimfix rewrites: two or more RUNs in a row, package
installs without cleanup, apt-get update and install in separate RUNs. Simpler choices
come first in each list, so hypothesis shrinks toward them. Every path a command writes
lies inside the sandbox (see ``sandbox.ROOTS``); relative paths land in the WORKDIR.
Background jobs are only ever commands without effects (``{ true & }``) or waited for:
whether a job still running when its RUN ends got to write is a race, in Docker as here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Tuple, Union

from hypothesis import strategies as st

SHELLS = ("dash", "bash", "busybox")
BASES = ("debian:12", "alpine:3.20", "python:3.12-slim", "node:20", "fedora:40", "ruby:3.3")
WORKDIRS = ("/tmp/build", "/root", "/home/app", "/var/www", "/tmp")

STATE = (
    "X=set",
    ": ${X:=default}",
    ": ${X=default}",
    "echo ${X:=default}",
    "echo $((I=5))",
    ": $((I+=1))",
    "I=$((I+1))",
    "X=set Y=two",
    "read X < f",
    "read -r X Y < f",
    "echo hi | read X",
    "printf -v V hi",
    "getopts ab OPT",
    "set -- a b",
    "mapfile -t A < f",
    "let I=7",
    "declare X=dec",
    "typeset X=ty",
    "local X=loc",
    "readonly X=ro",
    "export X=exp",
    "export X",
    "unset X",
    "unset HOME",
    "cd /tmp",
    "cd ..",
    "cd",
    "cd -",
    "command cd /tmp",
    "builtin cd /tmp",
    "pushd /tmp",
    "pushd /tmp >/dev/null",
    "popd",
    "eval cd /tmp",
    "umask 077",
    "umask 0",
    "ulimit -n 64",
    "set -e",
    "set +e",
    "set -u",
    "set -o pipefail",
    "set -f",
    "set -C",
    "set -a",
    "shopt -s nullglob",
    "shopt -s xpg_echo",
    "shopt -s expand_aliases",
    "trap 'echo trapped' EXIT",
    "trap '' INT",
    "alias touch=false",
    "alias echo='echo aliased'",
    "hash -r",
    "hash -p /bin/false touch",
    "f() { echo in-f; }",
    "touch() { :; }",
    "echo 'X=sourced' > env.sh && . ./env.sh",
    ". ./env.sh",
    "source ./env.sh",
    "eval 'X=ev'",
    "exec >log",
    "exec 2>&1",
    "exec true",
    "exec 3>f3",
    "exit",
    "exit 0",
    "exit 3",
    "return",
    "return 2",
    "{ true & }",
    "{ false & }",
    "wait",
    "wait $!",
    "{ echo bg >> log; } & wait",
    '"${X:=/bin}/true"',
)

OBSERVERS = (
    'echo "$X" > x',
    'echo "X=$X Y=$Y I=$I V=$V"',
    "echo $X",
    'echo "$OPT $OPTIND"',
    'echo "$1 $#"',
    'echo "${A:-none}"',
    "pwd",
    "pwd > where",
    "touch here",
    "umask",
    "ulimit -n",
    "f",
    "trap",
    "alias",
    "echo *.none",
    "echo 'a\\tb'",
    "printenv X",
    "sh -c 'echo \"$X\"'",
    'echo "$HOME"',
    'echo "$_"',
    'echo "$-"',
    "cat x",
    "cat log",
    "echo one > x",
    "false | true",
    "ls",
    'echo "a  b" > q',
    "echo 'single $X'",
    'echo "\\$X is $X"',
    "echo a\\ b",
)

WRITERS = (
    "echo hello > f",
    "echo more >> f",
    "touch f",
    "mkdir -p d",
    "mkdir d",
    "chmod 600 f",
    "chmod 755 d",
    "ln -s f link",
    "printf 'a b\\n' > f",
    "echo 'X=sourced' > env.sh",
    "rm -f f",
    "cp f g",
    "mv f g",
    "mkdir -p /tmp/build && cd /tmp/build",
    '"${X:-/bin}/echo" hi > f',
    '"$PWD/../missing/tool"',
)

PACKAGES = (
    "apt-get update",
    "apt-get install -y curl",
    "apt-get update && apt-get install -y curl",
    "apt-get install -y --no-install-recommends curl git",
    "apt-get install -y failpkg",
    "apt-get clean",
    "rm -rf /var/lib/apt/lists/*",
    "rm -rf /root/.cache/pip",
    "rm -rf /var/cache/apk/*",
    "apt-get purge -y curl",
    "apk add curl",
    "apk update",
    "apk add --no-cache curl",
    "apk update && apk add curl",
    "apk add --virtual .build-deps gcc",
    "apk del .build-deps",
    "apk add failpkg",
    "apk search curl",
    "pip install flask",
    "pip install --no-cache-dir flask",
    "echo flask > requirements.txt",
    "pip3 install -r requirements.txt",
    "python3 -m pip install requests",
    "pip install failpkg",
    "npm install express",
    "npm ci",
    "echo '{}' > package.json",
    "npm install -g typescript",
    "npm cache clean --force",
    "yarn",
    "yarn add lodash",
    "yarn global add serve",
    "yarn cache clean",
    "dnf install -y httpd",
    "dnf clean all",
    "yum install -y httpd",
    "yum clean all",
    "microdnf install -y curl",
    "microdnf clean all",
    "zypper -n in curl",
    "zypper -n refresh",
    "zypper clean --all",
    "dnf install -y failpkg",
    "gem install bundler",
    "gem install --no-document rake",
    "gem install bundler -v 2.5.6",
    "echo 'gem: --no-document' > ~/.gemrc",
    "sudo apt-get install -y curl",
    "curl -fsSL -o app.tgz https://example.com/app.tgz",
    "curl -fsSL https://example.com/fail",
    "wget -q https://example.com/app.tgz",
)

FLOW = (
    "true",
    "false",
    "exit 3",
    "( {} )",
    "{{ {}; }}",
    "{} || true",
    "{} | cat",
    "! {}",
    "if {}; then echo yes; else echo no; fi",
    "if true; then {}; fi",
    'case "$X" in d*) {};; *) echo other;; esac',
    "for i in 1 2; do {}; done",
    "while false; do {}; done",
    "{} > out",
    "{} 2>/dev/null",
    "{} && {}",
    "{}; {}",
)

PROLOGUE = (
    "ENV X=fromenv",
    "ENV PIP_NO_CACHE_DIR=1",
    "ENV HOME=/home/app",
    "ENV DEBIAN_FRONTEND=noninteractive",
    'SHELL ["/bin/bash", "-c"]',
    'SHELL ["/bin/bash", "-o", "pipefail", "-c"]',
    'SHELL ["/bin/sh", "-e", "-c"]',
    "ARG X=fromarg",
)

BETWEEN = ("# next step", "", "WORKDIR /tmp/other", "ENV Y=mid")


@dataclass(frozen=True)
class Run:
    parts: Tuple[str, ...]
    seps: Tuple[str, ...]  # the operators between parts: "&&", ";" or "||"
    multiline: bool = False

    def text(self) -> str:
        joint = " \\\n    {} " if self.multiline else " {} "
        out = "RUN " + self.parts[0]
        for sep, part in zip(self.seps, self.parts[1:]):
            out += (joint.format(sep) if sep != ";" else "; ") + part
        return out


@dataclass(frozen=True)
class Case:
    base: str
    prologue: Tuple[str, ...]
    body: Tuple[Union[Run, str], ...]  # RUNs, and the lines between them
    shell: str = "dash"

    def text(self) -> str:
        lines = [f"FROM {self.base}", *self.prologue]
        lines += [item.text() if isinstance(item, Run) else item for item in self.body]
        return "\n".join(lines) + "\n"


def _nest(depth: int) -> st.SearchStrategy[str]:
    leaf = st.one_of(
        st.sampled_from(PACKAGES),
        st.sampled_from(STATE),
        st.sampled_from(OBSERVERS),
        st.sampled_from(WRITERS),
    )
    if depth == 0:
        return leaf
    inner = _nest(depth - 1)

    @st.composite
    def flow(draw) -> str:
        template = draw(st.sampled_from(FLOW))
        return template.format(*(draw(inner) for _ in range(template.count("{}"))))

    return st.one_of(leaf, flow())


COMMAND = _nest(1)


@st.composite
def runs(draw, last: Optional[str] = None, first: Optional[str] = None) -> Run:
    """A RUN; ``last``/``first``: a command it ends/starts with (then its parts are an && chain)."""
    parts = draw(st.lists(COMMAND, min_size=0 if last or first else 1, max_size=3 if last or first else 4))
    if last or first:
        parts = parts + [last] if last else [first] + parts
        seps = ("&&",) * (len(parts) - 1)
    else:
        seps = tuple(draw(st.sampled_from(("&&", "&&", "&&", ";", "||"))) for _ in parts[1:])
    return Run(tuple(parts), seps, draw(st.booleans()))


@st.composite
def cases(draw, shells: Tuple[str, ...] = SHELLS) -> Case:
    prologue = list(draw(st.lists(st.sampled_from(PROLOGUE), max_size=2, unique=True)))
    prologue.append("WORKDIR " + draw(st.sampled_from(WORKDIRS)))  # "/" is read-only in the sandbox
    body: list = []
    while len(body) < 2 or (len(body) < 5 and draw(st.booleans())):
        if body and draw(st.integers(0, 5)) == 0:
            body.append(draw(st.sampled_from(BETWEEN)))
        if draw(st.booleans()):  # a state change at the end of a RUN, something that shows it in the next
            body += [draw(runs(last=draw(st.sampled_from(STATE)))),
                     draw(runs(first=draw(st.sampled_from(OBSERVERS + WRITERS))))]
        else:
            body.append(draw(runs()))
    return Case(draw(st.sampled_from(BASES)), tuple(prologue), tuple(body), draw(st.sampled_from(shells)))
