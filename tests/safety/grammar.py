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
- ``DOWNLOADS`` and ``BUILDS``: archives downloaded and unpacked, build tools that fill
  caches (the newer safe rules' commands);
- ``FLOW``: failing commands, subshells, groups, pipes, if/case/loops, ``|| true``.

The mix is biased toward files slimfix rewrites: two or more RUNs in a row, package
installs without cleanup, apt-get update and install in separate RUNs. Simpler choices
come first in each list, so hypothesis shrinks toward them. Every path a command writes
lies inside the sandbox (see ``sandbox.ROOTS``); relative paths land in the WORKDIR.
Commands that look into the caches' own folders (``ls ~/.cache``, ``ls /var/lib/apt/lists``)
are not drawn: they see the designed removals themselves (see ``oracle.DESIGNED_REMOVALS``).
Background jobs are only ever commands without effects (``{ true & }``) or waited for:
whether a job still running when its RUN ends got to write is a race, in Docker as here.
"""

from __future__ import annotations

from dataclasses import dataclass
import random
from typing import Callable, Optional, Sequence, Tuple, TypeVar, Union

from hypothesis import strategies as st

T = TypeVar("T")

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
    "{ { echo bg >> log; } & wait; }",
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

# Downloads unpacked or installed in the same command (SF012 appends `rm -f` of the archive),
# some of them used again later or failing. Archives land in the WORKDIR or in /tmp.
DOWNLOADS = (
    "curl -fsSL -o app.tar.gz https://example.com/app.tar.gz && tar -xzf app.tar.gz",
    "curl -fsSLO https://example.com/tool.tgz && tar xzf tool.tgz -C /tmp",
    "curl -fsSL -o /tmp/app.tar.gz https://example.com/app.tar.gz && mkdir -p /tmp/app"
    " && tar -xzf /tmp/app.tar.gz -C /tmp/app",
    "wget -q https://example.com/pkg.zip && unzip -q pkg.zip",
    "wget -qO /tmp/pkg.zip https://example.com/pkg.zip && unzip -q /tmp/pkg.zip -d /tmp",
    "wget -O /tmp/app.deb https://example.com/app.deb && dpkg -i /tmp/app.deb",
    "curl -fsSL -o app.deb https://example.com/app.deb && apt-get install -y ./app.deb",
    "curl -fsSL -o /tmp/x-1.0-py3-none-any.whl https://example.com/x-1.0-py3-none-any.whl"
    " && pip install /tmp/x-1.0-py3-none-any.whl",
    "curl -fsSL -o bad.tar.gz https://example.com/fail.tar.gz && tar -xzf bad.tar.gz",
    "tar -xzf app.tar.gz",
    "tar -tzf app.tar.gz",
    "ls *.tar.gz",
)

# Build tools that fill caches (SF015 appends their cleanup), with the files they need.
BUILDS = (
    "go build ./...",
    "go mod download",
    "go test ./...",
    "go version",
    "touch Cargo.toml && cargo build --release",
    "cargo fetch",
    "cargo build --offline",
    "mvn -q package",
    "mvn -o package",
    "gradle build",
    "gradle --version",
    "touch Gemfile && bundle install",
    "bundle install",
    "gem install rake",
    "echo '{}' > composer.json && composer install",
    "composer install --no-cache",
    "conda install -y numpy",
    "mamba install -y numpy",
    "ls ~",
)

# The last line of some files: an image that says what it runs (SF015 empties download caches
# only then).
EPILOGUE = ('CMD ["app"]',)

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
    heredoc: str = ""  # "<<EOF" or "<<-EOF": the parts are the heredoc's script, ";" a new line

    def text(self) -> str:
        if self.heredoc:
            indent = "\t" if "-" in self.heredoc else ""
            body = indent + self.parts[0]
            for sep, part in zip(self.seps, self.parts[1:]):
                body += ("\n" + indent if sep == ";" else f" {sep} ") + part
            return f"RUN {self.heredoc}\n{body}\n{indent}EOF"
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


class Draws:
    """The choices a case is made of. ``cases()`` makes them through hypothesis (which can replay
    and shrink them); ``random_case`` through a plain ``random.Random``, some ten times cheaper,
    for the long run (``scripts/oracle``). The grammar below is written once, against this."""

    def __init__(self, draw: Optional[Callable] = None, rng: Optional[random.Random] = None) -> None:
        self.draw, self.rng = draw, rng

    def choice(self, options: Sequence[T]) -> T:
        return self.draw(st.sampled_from(options)) if self.draw else self.rng.choice(options)

    def integer(self, low: int, high: int) -> int:
        return self.draw(st.integers(low, high)) if self.draw else self.rng.randint(low, high)

    def boolean(self) -> bool:
        return self.draw(st.booleans()) if self.draw else self.rng.random() < 0.5


# The kinds of leaf command (and the newer rules' commands), each as likely as the others;
# FLOW wraps commands of depth - 1.
LEAVES = (PACKAGES, STATE, OBSERVERS, WRITERS)


def command(d: Draws, depth: int = 1) -> str:
    if depth > 0 and d.boolean():
        template = d.choice(FLOW)
        return template.format(*(command(d, depth - 1) for _ in range(template.count("{}"))))
    return d.choice(d.choice(LEAVES + (_newer_rules(),)))


def _newer_rules() -> Tuple[str, ...]:
    """Commands of the newer safe rules: downloads unpacked (SF012), build tools' caches (SF015)."""
    return DOWNLOADS + BUILDS


def run(d: Draws, last: Optional[str] = None, first: Optional[str] = None) -> Run:
    """A RUN; ``last``/``first``: a command it ends/starts with (then its parts are an && chain)."""
    parts = [command(d) for _ in range(d.integer(0 if last or first else 1, 3 if last or first else 4))]
    if last or first:
        parts = parts + [last] if last else [first] + parts
        seps = ("&&",) * (len(parts) - 1)
    else:
        seps = tuple(d.choice(("&&", "&&", "&&", ";", "||")) for _ in parts[1:])
    heredoc = d.choice(("", "", "", "", "<<EOF", "<<-EOF"))
    return Run(tuple(parts), seps, d.boolean(), heredoc)


def case(d: Draws, shells: Tuple[str, ...] = SHELLS) -> Case:
    prologue = []
    for _ in range(d.integer(0, 2)):
        prologue.append(d.choice([line for line in PROLOGUE if line not in prologue]))
    prologue.append("WORKDIR " + d.choice(WORKDIRS))  # "/" is read-only in the sandbox
    body: list = []
    while len(body) < 2 or (len(body) < 5 and d.boolean()):
        if body and d.integer(0, 5) == 0:
            body.append(d.choice(BETWEEN))
        if d.boolean():  # a state change at the end of a RUN, something that shows it in the next
            body += [run(d, last=d.choice(STATE)), run(d, first=d.choice(OBSERVERS + WRITERS))]
        else:
            body.append(run(d))
    if d.boolean():
        body.append(d.choice(EPILOGUE))
    return Case(d.choice(BASES), tuple(prologue), tuple(body), d.choice(shells))


@st.composite
def runs(draw, last: Optional[str] = None, first: Optional[str] = None) -> Run:
    return run(Draws(draw), last, first)


@st.composite
def cases(draw, shells: Tuple[str, ...] = SHELLS) -> Case:
    return case(Draws(draw), shells)


def random_case(rng: random.Random, shells: Tuple[str, ...] = SHELLS) -> Case:
    return case(Draws(rng=rng), shells)
