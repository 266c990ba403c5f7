"""The oracle's executor: runs build plans (a Dockerfile's RUNs) the way Docker does,
in a sandbox, and reports what they did.

Run as a program (``python sandbox.py``) inside a private mount namespace (``unshare -m``),
it makes the root file system read-only for itself, mounts a tmpfs over every path a
RUN may write (``ROOTS``), installs the package-manager stand-ins (``stub.sh``) first on
PATH, then serves requests on stdin: each a list of jobs ``(plan, shells)``, each answered
with one ``Outcome`` per shell. The sandbox is emptied before every run. Standard library
only: it runs in its own process, away from the test's imports.
"""

from __future__ import annotations

import os
import pickle
import shutil
import signal
import stat
import struct
import subprocess
import sys
from typing import Dict, List, NamedTuple, Optional, Tuple

# Paths a RUN may write; each gets a fresh tmpfs, and all of them are compared.
ROOTS = ("/tmp", "/var", "/root", "/home", "/run")
# The sandbox's own files (stand-ins, captured output): a tmpfs that is never compared.
PRIVATE = "/media"
STUBS = PRIVATE + "/bin"
STUB_NAMES = (
    "apt-get", "apt", "apk", "pip", "pip3", "python", "python3", "npm", "yarn", "dnf", "yum",
    "microdnf", "zypper", "gem", "curl", "wget", "sudo",
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
    try:
        proc = subprocess.Popen(argv, executable=executable, cwd=step.cwd, env=env, stdin=subprocess.DEVNULL,
                                stdout=out, stderr=subprocess.DEVNULL, start_new_session=True)
    except OSError:
        return 127
    try:
        status = proc.wait(RUN_TIMEOUT)
    except subprocess.TimeoutExpired:
        status = 124
    try:  # the RUN is over: as in a container, nothing it left running survives it
        os.killpg(proc.pid, signal.SIGKILL)
    except OSError:
        pass
    proc.wait()
    return status


def reset() -> None:
    for root in ROOTS:
        for name in os.listdir(root):
            path = os.path.join(root, name)
            if os.path.isdir(path) and not os.path.islink(path):
                shutil.rmtree(path, onerror=_force)
            else:
                os.unlink(path)
    os.chmod("/tmp", 0o1777)
    os.chmod("/root", 0o700)
    for path in BASELINE:
        os.makedirs(path, exist_ok=True)
    os.chmod("/var/tmp", 0o1777)


def _force(func, path, _exc) -> None:
    """rmtree's error hook: a RUN may leave directories without permissions."""
    os.chmod(os.path.dirname(path), 0o700)
    if os.path.isdir(path) and not os.path.islink(path):
        os.chmod(path, 0o700)
    func(path)


def snapshot() -> Tuple[Tuple[str, int, bytes], ...]:
    files: List[Tuple[str, int, bytes]] = []
    for root in ROOTS:
        for folder, dirs, names in os.walk(root):
            for name in dirs + names:
                path = os.path.join(folder, name)
                info = os.lstat(path)
                if stat.S_ISREG(info.st_mode):
                    try:
                        with open(path, "rb") as handle:
                            content = handle.read(MAX_CONTENT)
                    except OSError as exc:
                        content = f"<unreadable: {exc.strerror}>".encode()
                elif stat.S_ISLNK(info.st_mode):
                    content = os.readlink(path).encode()
                else:
                    content = b""
                files.append((path, info.st_mode, content))
    files.sort()
    return tuple(files)


def setup() -> None:
    """Inside the private mount namespace: read-only root, tmpfs over the sandbox."""
    _mount(["-o", "remount,bind,ro", "/"])
    for path in (PRIVATE,) + ROOTS:
        _mount(["-t", "tmpfs", "-o", "mode=755", "oracle", path])
    os.makedirs(STUBS)
    stub = STUBS + "/.stub"
    shutil.copyfile(os.path.join(os.path.dirname(os.path.abspath(__file__)), "stub.sh"), stub)
    os.chmod(stub, 0o755)
    for name in STUB_NAMES:
        os.symlink(stub, os.path.join(STUBS, name))
    os.umask(0o022)
    os.chdir("/")


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
