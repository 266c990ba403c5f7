"""The oracle's executor: runs build plans (a Dockerfile's RUNs) the way Docker does,
in a sandbox, and reports what they did.

Run as a program (``python sandbox.py``) inside a private mount namespace (``unshare -m``),
it makes the root file system read-only for itself, mounts a tmpfs over every path a
RUN may write (``ROOTS``), installs the stand-ins for package managers and build tools
(``stub.sh``, one script per tool) first on PATH, then serves requests on stdin: each a
list of jobs ``(plan, shells)``, each answered with one ``Outcome`` per shell. Before every
run each root gets a fresh tmpfs. Standard library only: it runs in its own process, away
from the test's imports.
"""

from __future__ import annotations

import ctypes
import os
import pickle
import select
import shutil
import signal
import stat
import struct
import subprocess
import sys
from typing import Dict, List, NamedTuple, Optional, Tuple

# Paths a RUN may write; each gets a fresh tmpfs, and all of them are compared.
ROOTS = ("/tmp", "/var", "/root", "/home", "/run", "/opt")
# The sandbox's own files (stand-ins, captured output): a tmpfs that is never compared.
PRIVATE = "/media"
STUBS = PRIVATE + "/bin"
STUB_NAMES = (
    "apt-get", "apt", "apk", "pip", "pip3", "python", "python3", "npm", "yarn", "dnf", "yum",
    "microdnf", "zypper", "gem", "curl", "wget", "sudo", "tar", "unzip", "dpkg", "go", "cargo", "mvn",
    "gradle", "bundle", "bundler", "composer", "conda", "mamba",
)
# What /bin/sh is, per shell under test: (executable, argv[0]). bash and busybox run as
# "sh" as they do when installed as /bin/sh (bash then enters POSIX mode).
SHELLS = {
    "dash": ("/bin/dash", "sh"),
    "bash": ("/bin/bash", "sh"),
    "busybox": (shutil.which("busybox") or "/bin/busybox", "sh"),
}
DOCKER_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
# Folders every run starts with: those of a base image, and those the stand-ins write to
# (made here once rather than by a mkdir process in every stand-in).
BASELINE = (
    "/var/tmp", "/var/lib/apt/lists/partial", "/var/cache/apt/archives/partial", "/var/cache/apk",
    "/root/.cache/pip/http", "/root/.npm/_cacache", "/root/.cache/yarn/v6", "/var/cache/dnf",
    "/var/cache/yum/metadata", "/var/cache/zypp/packages", "/var/lib/gems/doc",
    *("/var/lib/installed/" + tool for tool in ("apt", "apk", "pip", "npm", "yarn", "dnf", "yum",
                                               "microdnf", "zypper", "gem")),
)
RUN_TIMEOUT = 10.0
MAX_CONTENT = 4096  # bytes of each file (and of the output) that are compared


class Step(NamedTuple):
    """One RUN: ``argv`` = SHELL + [text], in ``cwd`` (created if missing), with ``env``."""

    argv: Tuple[str, ...]
    cwd: str
    env: Tuple[Tuple[str, str], ...]


class Outcome(NamedTuple):
    failed_run: Optional[int]  # index of the RUN that failed (the build stops there), or None
    status: int  # its exit status (0 when the build succeeds; -N: killed by signal N; 124: timeout)
    stdout: bytes  # every RUN's standard output, in order
    files: Tuple[Tuple[str, int, bytes], ...]  # (path, st_mode, content or link target) under ROOTS


def run_plan(plan: Tuple[Step, ...], shell: str) -> Outcome:
    reset()
    out_path = PRIVATE + "/stdout"
    failed, status = None, 0
    with open(out_path, "w+b") as out:
        for index, step in enumerate(plan):
            status = _run_step(step, shell, out)
            if status != 0:
                failed = index
                break
        out.seek(0)
        stdout = out.read(MAX_CONTENT)
    return Outcome(failed, status, stdout, snapshot())


def _run_step(step: Step, shell: str, out) -> int:
    argv = list(step.argv)
    executable = argv[0]
    if executable in ("/bin/sh", "sh"):
        executable, argv[0] = SHELLS[shell]
    try:
        os.makedirs(step.cwd, exist_ok=True)
    except OSError:
        return 1  # Docker cannot create the WORKDIR either
    env = dict(step.env)
    env["PATH"] = STUBS + ":" + env.get("PATH", DOCKER_PATH)
    if "/" not in executable:
        executable = shutil.which(executable, path=env["PATH"]) or executable
    # posix_spawn (vfork and exec, no copy of this process) in its own session, in the step's
    # directory (this server is single-threaded: it may chdir), with the signals Python ignores
    # back at their defaults, as a RUN's shell has them
    os.chdir(step.cwd)
    try:
        pid = os.posix_spawn(executable, argv, env, file_actions=[
            (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
            (os.POSIX_SPAWN_DUP2, out.fileno(), 1),
            (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0),
        ], setsid=True, setsigdef=_DEFAULT_SIGNALS)
    except OSError:
        return 127
    finally:
        os.chdir("/")
    pidfd = os.pidfd_open(pid)
    try:
        timed_out = not select.select([pidfd], [], [], RUN_TIMEOUT)[0]
    finally:
        os.close(pidfd)
    try:  # the RUN is over: as in a container, nothing it left running survives it
        os.killpg(pid, signal.SIGKILL)
    except OSError:
        pass
    status = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
    return 124 if timed_out else status


_DEFAULT_SIGNALS = (signal.SIGPIPE, signal.SIGXFSZ)
_libc = ctypes.CDLL(None, use_errno=True)
_MNT_DETACH = 2


def reset() -> None:
    """Empty the sandbox: a fresh tmpfs over each root (rmtree for roots that cannot be
    remounted), then the baseline folders."""
    for root in ROOTS:
        if not _fresh_tmpfs(root):
            _empty(root)
    os.chmod("/tmp", 0o1777)
    os.chmod("/root", 0o700)
    for path in BASELINE:
        os.makedirs(path, exist_ok=True)
    os.chmod("/var/tmp", 0o1777)


def _fresh_tmpfs(root: str) -> bool:
    target = root.encode()
    if _libc.umount2(target, _MNT_DETACH) != 0:
        return False
    if _libc.mount(b"oracle", target, b"tmpfs", 0, b"mode=755") != 0:
        raise OSError(ctypes.get_errno(), f"mount tmpfs on {root}")
    return True


def _empty(root: str) -> None:
    for name in os.listdir(root):
        path = os.path.join(root, name)
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path, onerror=_force)
        else:
            os.unlink(path)


def _force(func, path, _exc) -> None:
    """rmtree's error hook: a RUN may leave directories without permissions."""
    os.chmod(os.path.dirname(path), 0o700)
    if os.path.isdir(path) and not os.path.islink(path):
        os.chmod(path, 0o700)
    func(path)


def snapshot() -> Tuple[Tuple[str, int, bytes], ...]:
    files: List[Tuple[str, int, bytes]] = []
    for root in ROOTS:
        _walk(root, files)
    files.sort()
    return tuple(files)


def _walk(folder: str, files: List[Tuple[str, int, bytes]]) -> None:
    with os.scandir(folder) as entries:
        for entry in entries:
            path = entry.path
            mode = entry.stat(follow_symlinks=False).st_mode
            if stat.S_ISREG(mode):
                try:
                    with open(path, "rb") as handle:
                        content = handle.read(MAX_CONTENT)
                except OSError as exc:
                    content = f"<unreadable: {exc.strerror}>".encode()
            elif stat.S_ISLNK(mode):
                content = os.readlink(path).encode()
            else:
                content = b""
            files.append((path, mode, content))
            if stat.S_ISDIR(mode):
                try:
                    _walk(path, files)
                except OSError:  # a folder without read permission: as os.walk, skip its content
                    pass


def setup() -> None:
    """Inside the private mount namespace: read-only root, tmpfs over the sandbox."""
    _mount(["-o", "remount,bind,ro", "/"])
    for path in (PRIVATE,) + ROOTS:
        _mount(["-t", "tmpfs", "-o", "mode=755", "oracle", path])
    os.makedirs(STUBS)
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "stub.sh")) as handle:
        scripts = split_stub(handle.read())
    for name in STUB_NAMES:
        path = os.path.join(STUBS, name)
        with open(path, "w") as handle:
            handle.write(scripts[name])
        os.chmod(path, 0o755)
    os.umask(0o022)
    os.chdir("/")


def split_stub(text: str) -> Dict[str, str]:
    """One script per name of ``stub.sh``'s top-level ``case $tool in``: its functions and only
    the branch that name runs (dash parses a whole case before running it; each stand-in call
    would otherwise parse every tool's branch). "*" is the fallback branch."""
    head, sep, rest = text.partition("\ncase $tool in\n")
    body, _, tail = rest.rpartition("\nesac\n")
    if not sep:
        raise ValueError("stub.sh: no top-level 'case $tool in'")
    branches: List[Tuple[List[str], List[str]]] = []
    for line in body.split("\n"):
        if line and not line[0].isspace() and line.endswith(")"):  # a branch: "apt-get | apt)"
            branches.append(([p.strip() for p in line[:-1].split("|")], [line]))
        elif branches:
            branches[-1][1].append(line)
    out = {}
    for names, lines in branches:
        script = head + sep + "\n".join(lines) + "\nesac\n" + tail
        for name in names:
            out[name] = script
    for name in STUB_NAMES:  # every name the stand-ins answer to has its own branch
        if name not in out:
            raise ValueError(f"stub.sh has no branch for {name}")
    return out


def _mount(args: List[str]) -> None:
    subprocess.run(["mount", *args], check=True)


def send(stream, obj) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(struct.pack("!I", len(data)) + data)
    stream.flush()


def receive(stream):
    head = stream.read(4)
    if len(head) < 4:
        raise EOFError
    (size,) = struct.unpack("!I", head)
    return pickle.loads(stream.read(size))


def serve() -> None:
    if os.getuid() != 0 or os.environ.get("SLIMFIX_ORACLE_NAMESPACE") != "1":
        sys.exit("sandbox.py runs only inside the private mount namespace the oracle makes")
    setup()
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    send(stdout, "ready")
    while True:
        try:
            jobs = receive(stdin)
        except EOFError:
            return
        replies: List[Dict[str, tuple]] = []
        for plan, shells in jobs:  # plain tuples: this module is __main__ here
            plan = tuple(Step(*step) for step in plan)
            replies.append({shell: tuple(run_plan(plan, shell)) for shell in shells})
        send(stdout, replies)


if __name__ == "__main__":
    serve()
