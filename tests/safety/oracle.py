"""The differential-execution oracle: a safe fix must not change what a build does.

``Oracle.check(case)`` runs slimfix's default (safe) fixes on the case's Dockerfile; when
the output differs from the input, both are executed as Docker would run their RUNs (see
``sandbox``), under the case's shells, and compared: build success, the failing exit
status, standard output, and every file in the sandbox (path, mode, content) except
those the rules are designed to remove (``DESIGNED_REMOVALS``).
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
from dataclasses import dataclass, field, replace
from fnmatch import translate
from functools import lru_cache
from typing import Dict, List, Optional, Sequence, Set, Tuple

import dockerfile

from slimfix.config import Settings
from slimfix.fixer import fix_text
from slimfix.syntax.prelex import parse_heredoc

from .grammar import Case, Run
from .sandbox import DOCKER_PATH, Outcome, Step, receive, send

SANDBOX = os.path.join(os.path.dirname(os.path.abspath(__file__)), "sandbox.py")

# The only files a safe fix may make disappear: the caches the rules exist to remove (each
# folder and what is in it), and folders that were made only to hold them.
DESIGNED_REMOVALS = (
    "/var/lib/apt/lists",  # SF002: rm -rf /var/lib/apt/lists/*
    "/var/cache/apk",  # SF004: apk --no-cache
    "*/.cache/pip",  # SF007: pip --no-cache-dir
    "*/.npm/_cacache",  # SF008: npm cache clean --force
    "*/.cache/yarn",  # SF008: yarn cache clean
    "/var/cache/dnf", "/var/cache/yum", "/var/cache/zypp",  # SF009: dnf/yum/microdnf/zypper clean
    "/var/lib/gems/doc",  # SF010: gem install --no-document
    # SF015: go clean -cache / -modcache, the Cargo registry, the Maven and Gradle caches,
    # conda clean -a, composer clear-cache, the .gem files of gem and bundle install
    "*/.cache/go-build", "*/go/pkg/mod", "*/.cargo/registry", "*/.m2/repository", "*/.gradle/caches",
    "/opt/conda/pkgs", "*/.cache/composer", "/var/lib/gems/cache/*.gem",
)
# SF012: a downloaded archive (what the stand-ins for curl and wget write) once unpacked
DOWNLOADED = (b"payload of ", (".tar.gz", ".tgz", ".zip", ".deb", ".whl"))


MEMO = 10_000  # outcomes remembered, in order of execution


# each pattern, and everything under it, as one expression
_DESIGNED = re.compile("|".join(translate(q) for p in DESIGNED_REMOVALS for q in (p, p + "/*")))


def _designed(path: str, content: bytes = b"") -> bool:
    if content.startswith(DOWNLOADED[0]) and path.endswith(DOWNLOADED[1]):
        return True
    return _designed_path(path)


@lru_cache(maxsize=1 << 16)
def _designed_path(path: str) -> bool:
    return _DESIGNED.match(path) is not None


def compared(files: Sequence[Tuple[str, int, bytes]], other: Sequence[Tuple[str, int, bytes]] = ()
             ) -> Tuple[Tuple[str, int, bytes], ...]:
    """``files`` without the designed removals, nor folders that, in ``files`` or in ``other``
    (the outcome it is compared with), hold only designed removals."""
    kept = [f for f in files if not _designed(f[0], f[2])]
    parents: Set[str] = set()
    for path, _, content in (*files, *other):
        if _designed(path, content):
            path = path.rpartition("/")[0]
            while path and path not in parents:  # the folders above it
                parents.add(path)
                path = path.rpartition("/")[0]
    candidates = {path for path, mode, _ in kept if path in parents and stat.S_ISDIR(mode)}
    if not candidates:
        return tuple(kept)
    children: Dict[str, List[str]] = {}
    for path, _, _ in kept:
        parent = path.rpartition("/")[0]
        if parent in candidates:
            children.setdefault(parent, []).append(path)
    dropped: Set[str] = set()
    for path in sorted(candidates, key=lambda p: -p.count("/")):  # deepest first
        if all(c in dropped for c in children.get(path, ())):
            dropped.add(path)
    return tuple(f for f in kept if f[0] not in dropped)


def plan(text: str) -> Tuple[Step, ...]:
    """The RUNs of a (one-stage) Dockerfile as Docker runs them, each with the SHELL,
    WORKDIR, ENV and ARG in force at that point."""
    shell: Tuple[str, ...] = ("/bin/sh", "-c")
    cwd = "/"
    env: Dict[str, str] = {"PATH": DOCKER_PATH, "HOME": "/root", "HOSTNAME": "buildkitsandbox"}
    steps = []
    for command in dockerfile.parse_string(text):
        value = command.value
        if command.cmd == "ENV":
            env.update((value[i], _unquote(value[i + 1])) for i in range(0, len(value) - 1, 2))
        elif command.cmd == "ARG":
            for item in value:
                name, eq, default = item.partition("=")
                if eq:
                    env.setdefault(name, _unquote(default))
        elif command.cmd == "WORKDIR":
            cwd = os.path.normpath(os.path.join(cwd, value[0]))
        elif command.cmd == "SHELL":
            shell = tuple(value)
        elif command.cmd == "RUN":
            argv = tuple(value) if command.json else shell + (_script(command),)
            if command.heredocs and not command.json and command.heredocs[0].content.startswith("#!"):
                argv = _shebang(command)
            steps.append(Step(argv, cwd, tuple(sorted(env.items()))))
    return tuple(steps)


def _script(command) -> str:
    """What BuildKit gives the shell for a shell-form RUN: the command line; for a RUN that is
    one heredoc, its body (``<<-`` strips leading tabs); with other heredocs, the command line
    followed by each body and its delimiter, for the shell to read."""
    if not command.heredocs:
        return command.value[0]
    spec = parse_heredoc(command.value[0].strip())
    if spec is not None and len(command.heredocs) == 1:
        body = command.heredocs[0].content
        return "".join(line.lstrip("\t") for line in body.splitlines(True)) if spec.chomp else body
    return command.value[0] + "".join("\n" + doc.content + doc.name for doc in command.heredocs)


def _shebang(command) -> Tuple[str, ...]:
    """A heredoc body starting with ``#!`` is a file BuildKit runs: its interpreter line, the
    script (given as ``-c`` text to the POSIX shells the grammar uses)."""
    first, _, rest = _script(command).partition("\n")
    return tuple(first[2:].split()) + ("-c", rest)


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


class Sandboxes:
    """A few executor processes, each in its own private mount namespace."""

    def __init__(self, count: int = 2, program: str = SANDBOX) -> None:
        self.workers: List[subprocess.Popen] = []
        env = dict(os.environ, SLIMFIX_ORACLE_NAMESPACE="1")
        try:
            for _ in range(count):
                proc = subprocess.Popen(
                    ["unshare", "-m", "--propagation", "private", sys.executable, program],
                    stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env,
                )
                self.workers.append(proc)
                if receive(proc.stdout) != "ready":
                    raise RuntimeError("the sandbox did not start")
        except BaseException:
            self.close()
            raise

    @staticmethod
    def unavailable() -> Optional[str]:
        """Why sandboxes cannot run on this machine, or None."""
        if os.getuid() != 0:
            return "the oracle's sandbox needs root (unshare -m and tmpfs mounts)"
        missing = [name for name in ("dash", "bash", "busybox", "unshare", "mount") if shutil.which(name) is None]
        if missing:
            return f"the oracle needs {', '.join(missing)} (scripts/setup-oracle.sh installs them)"
        probe = subprocess.run(["unshare", "-m", "--propagation", "private", "true"], capture_output=True, text=True)
        if probe.returncode != 0:
            return f"unshare -m does not work here: {probe.stderr.strip()}"
        return None

    def run(self, jobs: Sequence[Tuple[Tuple[Step, ...], Tuple[str, ...]]]) -> List[Dict[str, Outcome]]:
        """Run each job (plan, shells); the jobs are spread over the workers. Consecutive jobs
        whose plans begin with the same step stay together (a worker runs the shared steps once,
        see ``sandbox.run_plans``) unless that would leave a worker idle."""
        groups: List[List[int]] = []
        for i, (p, shells) in enumerate(jobs):
            if groups and jobs[groups[-1][-1]][1] == shells and p[:1] == jobs[groups[-1][-1]][0][:1]:
                groups[-1].append(i)
            else:
                groups.append([i])
        n = len(self.workers)
        if len(groups) < n:
            groups = [[i] for i in range(len(jobs))]
        shares = [[i for group in groups[w::n] for i in group] for w in range(n)]
        for worker, share in zip(self.workers, shares):
            if share:
                send(worker.stdin, [(tuple(tuple(s) for s in jobs[i][0]), jobs[i][1]) for i in share])
        out: List[Dict[str, Outcome]] = [{}] * len(jobs)
        for worker, share in zip(self.workers, shares):
            if share:
                for i, result in zip(share, receive(worker.stdout)):
                    out[i] = {shell: Outcome(*o) for shell, o in result.items()}
        return out

    def cpu_seconds(self) -> float:
        """CPU time the executors and the commands they ran have used (from /proc)."""
        total = 0.0
        for proc in self.workers:
            with open(f"/proc/{proc.pid}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            total += sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")  # utime stime cutime cstime
        return total

    def close(self) -> None:
        for proc in self.workers:
            if proc.stdin:
                proc.stdin.close()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            if proc.stdout:
                proc.stdout.close()
        self.workers = []

    def __enter__(self) -> "Sandboxes":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


@dataclass
class Difference:
    before: str
    after: str
    shell: str
    original: Outcome
    fixed: Outcome

    def report(self) -> str:
        lines = [f"slimfix's safe fixes change what this build does (/bin/sh = {self.shell}):", "",
                 self.before.rstrip("\n"), "", "became:", "", self.after.rstrip("\n"), ""]
        a, b = self.original, self.fixed
        if (a.failed_run is None) != (b.failed_run is None) or a.status != b.status:
            lines.append(f"build: {_status(a)} -> {_status(b)}")
        if a.stdout != b.stdout:
            lines.append(f"stdout: {a.stdout!r} -> {b.stdout!r}")
        old = {p: (m, c) for p, m, c in compared(a.files, b.files)}
        new = {p: (m, c) for p, m, c in compared(b.files, a.files)}
        for path in sorted(set(old) | set(new)):
            if old.get(path) != new.get(path):
                lines.append(f"{path}: {_file(old.get(path))} -> {_file(new.get(path))}")
        return "\n".join(lines)


def _status(outcome: Outcome) -> str:
    return "ok" if outcome.failed_run is None else f"RUN #{outcome.failed_run + 1} failed with {outcome.status}"


def _file(entry) -> str:
    return "missing" if entry is None else f"{entry[0]:o} {entry[1][:60]!r}"


def same(a: Outcome, b: Outcome) -> bool:
    return ((a.failed_run is None) == (b.failed_run is None) and a.status == b.status and a.stdout == b.stdout
            and (a.files == b.files or compared(a.files, b.files) == compared(b.files, a.files)))


@dataclass
class Stats:
    cases: int = 0  # generated
    rewritten: int = 0  # cases whose Dockerfile slimfix changed: executed and compared
    runs: int = 0  # (Dockerfile, shell) executions (each distinct one once)
    rules: Dict[str, int] = field(default_factory=dict)  # rewritten cases per rule that fixed them


class Oracle:
    def __init__(self, sandboxes: Sandboxes, all_shells: bool = False) -> None:
        self.sandboxes = sandboxes
        self.all_shells = all_shells  # run every case under all three shells, not only its own
        self.stats = Stats()
        self.memo: Dict[Tuple[Tuple[Step, ...], str], Outcome] = {}

    def check(self, case: Case) -> Optional[Difference]:
        self.stats.cases += 1
        before = case.text()
        result = fix_text(before, "Dockerfile", Settings())
        if result.error or result.internal_error:
            raise AssertionError(f"slimfix failed on:\n{before}\n{result.error or result.internal_error}")
        if result.output == before:
            return None
        self.stats.rewritten += 1
        for code in sorted({d.code for d in result.fixed}):
            self.stats.rules[code] = self.stats.rules.get(code, 0) + 1
        return self.compare(before, result.output, ("dash", "bash", "busybox") if self.all_shells else (case.shell,))

    def compare(self, before: str, after: str, shells: Tuple[str, ...]) -> Optional[Difference]:
        original, fixed = self.outcomes([plan(before), plan(after)], shells)
        for shell in shells:
            if not same(original[shell], fixed[shell]):
                return Difference(before, after, shell, original[shell], fixed[shell])
        return None

    def outcomes(self, plans: Sequence[Tuple[Step, ...]], shells: Tuple[str, ...]) -> List[Dict[str, Outcome]]:
        """What each plan does under each shell: executed once per distinct (plan, shell), the
        last ``MEMO`` of them remembered (a plan's outcome depends on nothing else)."""
        wanted = [(p, shell) for shell in shells for p in plans]  # a shell's plans together: see Sandboxes.run
        missing = list(dict.fromkeys(key for key in wanted if key not in self.memo))
        if missing:
            results = self.sandboxes.run([(p, (shell,)) for p, shell in missing])
            for (p, shell), result in zip(missing, results):
                self.memo[(p, shell)] = result[shell]
                self.stats.runs += 1
            while len(self.memo) > MEMO:
                del self.memo[next(iter(self.memo))]
        return [{shell: self.memo[(p, shell)] for shell in shells} for p in plans]

    def differs(self, case: Case, fresh: bool = False) -> Optional[Difference]:
        """``check`` without counting: for the minimizer. ``fresh``: run again what is remembered
        (a difference that depends on timing must show again to count)."""
        if fresh:
            self.memo.clear()
        stats, self.stats = self.stats, Stats()
        try:
            return self.check(case)
        finally:
            self.stats = stats


def minimize(oracle: Oracle, case: Case) -> Optional[Case]:
    """A smaller case that still differs: greedily drop prologue lines, RUNs and lines between
    them, commands of a RUN, and try simpler layouts, until nothing more goes. None when
    ``case`` itself no longer differs (the difference depends on timing)."""
    if oracle.differs(case, fresh=True) is None:
        return None
    changed = True
    while changed:
        changed = False
        for candidate in _smaller(case):
            if oracle.differs(candidate) is not None:
                case, changed = candidate, True
                break
    return case


def _smaller(case: Case):
    for i in range(len(case.prologue)):
        yield replace(case, prologue=case.prologue[:i] + case.prologue[i + 1:])
    for i in range(len(case.body)):
        yield replace(case, body=case.body[:i] + case.body[i + 1:])
    for i, item in enumerate(case.body):
        if not isinstance(item, Run):
            continue
        for j in range(len(item.parts)):
            if len(item.parts) == 1:
                break
            seps = item.seps[:max(j - 1, 0)] + item.seps[j:] if j else item.seps[1:]
            smaller = Run(item.parts[:j] + item.parts[j + 1:], seps, item.multiline)
            yield replace(case, body=case.body[:i] + (smaller,) + case.body[i + 1:])
        if item.multiline:
            yield replace(case, body=case.body[:i] + (replace(item, multiline=False),) + case.body[i + 1:])
    if case.base != "debian:12":
        yield replace(case, base="debian:12")
