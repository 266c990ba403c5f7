"""The oracle's executor: runs build plans (a Dockerfile's RUNs) the way Docker does,
in a sandbox, and reports what they did.

Run as a program (``python sandbox.py``) inside a private mount namespace (``unshare -m``),
it makes the root file system read-only for itself, mounts a tmpfs over every path a
RUN may write (``ROOTS``), installs the stand-ins for package managers and build tools
(``stub.sh``, one script per tool) first on PATH, then serves requests on stdin: each a
list of jobs ``(plan, shells)``, each answered with one ``Outcome`` per shell. Every run
starts from the same empty sandbox (``reset``). Standard library only: it runs in its own process, away
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
from typing import Dict, List, NamedTuple, Optional, Sequence, Tuple

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
MAX_SAVED = 1 << 20  # bytes of a file the state saved between two plans may hold (see run_plans)


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


class Saved(NamedTuple):
    """What the first ``len(steps)`` steps of a plan did under ``shell``: the files they left
    (full contents) and their output; or, when one of them failed, the whole ``outcome``."""

    steps: Tuple[Step, ...]
    shell: str
    files: Tuple[Tuple[str, int, bytes], ...]
    roots: Tuple[int, ...]  # the modes of ROOTS themselves
    stdout: bytes
    outcome: Optional[Outcome]


def run_plans(runs: Sequence[Tuple[Tuple[Step, ...], str]]) -> List[Outcome]:
    """Each (plan, shell) run. A plan that begins with the same steps as the one before it
    (same shell; the oracle's original and fixed Dockerfiles mostly do) starts from what those
    steps left, saved when the plan before reached that point, instead of running them again:
    each RUN is a fresh shell, and all that crosses RUNs is the files and the output."""
    outcomes = []
    saved: Optional[Saved] = None
    for i, (plan, shell) in enumerate(runs):
        after = runs[i + 1] if i + 1 < len(runs) else None
        save_at = _common(plan, after[0]) if after is not None and after[1] == shell else 0
        start = saved if saved is not None and saved.shell == shell and plan[:len(saved.steps)] == saved.steps else None
        outcome, saved = run_plan(plan, shell, start, save_at)
        outcomes.append(outcome)
    return outcomes


def _common(a: Tuple[Step, ...], b: Tuple[Step, ...]) -> int:
    n = 0
    while n < len(a) and n < len(b) and a[n] == b[n]:
        n += 1
    return n


def run_plan(plan: Tuple[Step, ...], shell: str, start: Optional[Saved] = None, save_at: int = 0
             ) -> Tuple[Outcome, Optional[Saved]]:
    """The plan's outcome, run from an empty sandbox or from ``start`` (a saved beginning of it);
    and, when ``save_at`` > 0, what its first ``save_at`` steps did."""
    if start is not None and start.outcome is not None:  # a step of the beginning failed
        return start.outcome, start
    first = 0
    if start is not None and (save_at >= len(start.steps) or save_at == 0) and _restore(start):
        first = len(start.steps)
    else:
        reset()
    saved = start if start is not None and first and save_at == first else None
    failed, status = None, 0
    with open(PRIVATE + "/stdout", "w+b") as out:
        if first:
            out.write(start.stdout)
            out.flush()
        for index in range(first, len(plan) + 1):
            if save_at and index == save_at and saved is None:
                saved = _save(plan[:index], shell, out)
            if index == len(plan):
                break
            status = _run_step(plan[index], shell, out)
            if status != 0:
                failed = index
                break
        out.seek(0)
        stdout = out.read(MAX_CONTENT)
    outcome = Outcome(failed, status, stdout, snapshot())
    if save_at and failed is not None and failed < save_at:  # the next plan stops there too
        saved = Saved(plan[:save_at], shell, (), (), b"", outcome)
    return outcome, saved


def _save(steps: Tuple[Step, ...], shell: str, out) -> Optional[Saved]:
    """The sandbox as ``steps`` left it, in full; None when ``_restore`` could not make it again
    (a special file, a hard link, a folder that cannot be read, a file too big to keep)."""
    files: List[Tuple[str, int, bytes]] = []
    complete = all([_walk(root, files, MAX_SAVED + 1) for root in ROOTS])
    for path, mode, content in files:
        if not (stat.S_ISDIR(mode) or stat.S_ISLNK(mode) or stat.S_ISREG(mode) and os.lstat(path).st_nlink == 1):
            complete = False
        elif len(content) > MAX_SAVED:
            complete = False
    out.seek(0)
    stdout = out.read(MAX_SAVED + 1)
    out.seek(0, os.SEEK_END)
    if not complete or len(stdout) > MAX_SAVED:
        return None
    files.sort()
    return Saved(steps, shell, tuple(files), tuple(os.lstat(root).st_mode for root in ROOTS), stdout, None)


def _restore(saved: Saved) -> bool:
    """Make the sandbox hold what ``saved`` holds: names, types, modes, contents, link targets
    (what no command looks at may differ: times, inode numbers, the order of folders)."""
    reset()
    global _left
    _left = None  # until the run's snapshot: whatever happens, the next reset starts over
    target = {path: mode for path, mode, _ in saved.files}
    try:
        for path, mode in reversed(list(_PRISTINE.items())):  # each folder after what is in it
            if stat.S_IFMT(target.get(path, 0)) != stat.S_IFMT(mode):
                os.rmdir(path)
        for path, mode, content in saved.files:
            kept = _PRISTINE.get(path)
            if kept is not None and stat.S_IFMT(kept) == stat.S_IFMT(mode):
                if kept != mode:
                    os.chmod(path, stat.S_IMODE(mode))
                continue
            if stat.S_ISDIR(mode):
                os.mkdir(path)
            elif stat.S_ISLNK(mode):
                os.symlink(content, path)
                continue
            else:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                try:
                    os.write(fd, content)
                finally:
                    os.close(fd)
            os.chmod(path, stat.S_IMODE(mode))  # as root: the folder's own mode stops nothing
        for root, mode in zip(ROOTS, saved.roots):
            os.chmod(root, stat.S_IMODE(mode))
    except OSError:
        return False
    return True


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


# The empty sandbox (path -> st_mode of each folder in it), and what the last run left there
# (its snapshot, complete), for ``reset`` to undo.
_PRISTINE: Dict[str, int] = {}
_ROOT_MODES = {"/tmp": 0o1777, "/root": 0o700}
_left: Optional[Tuple[Tuple[str, int, bytes], ...]] = None


def reset() -> None:
    """Empty the sandbox. What the last run left is undone: what it created is removed, the
    folders of the empty sandbox it changed or removed are put back (far cheaper than new
    mounts). The first time, and whenever the undo fails (the snapshot missed something),
    each root gets a fresh tmpfs (rmtree for roots that cannot be remounted) instead."""
    global _left
    left, _left = _left, None
    if left is not None and _PRISTINE:
        try:
            _undo(left)
            return
        except OSError:
            pass
    for root in ROOTS:
        if not _fresh_tmpfs(root):
            _empty(root)
    for path in BASELINE:
        os.makedirs(path, exist_ok=True)
    os.chmod("/var/tmp", 0o1777)
    _chmod_roots()
    if not _PRISTINE:
        _PRISTINE.update((path, mode) for path, mode, _ in snapshot())
        _left = None


def _undo(files: Tuple[Tuple[str, int, bytes], ...]) -> None:
    kept = set()
    for path, mode, _ in reversed(files):  # sorted by path: each folder after what is in it
        want = _PRISTINE.get(path)
        if want is None or stat.S_IFMT(want) != stat.S_IFMT(mode):
            (os.rmdir if stat.S_ISDIR(mode) else os.unlink)(path)  # root: no permission stops it
            continue
        if want != mode:
            os.chmod(path, stat.S_IMODE(want))
        kept.add(path)
    for path, want in _PRISTINE.items():  # parents first
        if path not in kept:
            os.mkdir(path, stat.S_IMODE(want))
            os.chmod(path, stat.S_IMODE(want))
    _chmod_roots()


def _chmod_roots() -> None:
    for root in ROOTS:
        os.chmod(root, _ROOT_MODES.get(root, 0o755))


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
    """Every entry under ROOTS, sorted by path; kept for ``reset`` when it is complete."""
    global _left
    files: List[Tuple[str, int, bytes]] = []
    complete = True
    for root in ROOTS:
        complete = _walk(root, files) and complete
    files.sort()
    _left = tuple(files) if complete else None
    return tuple(files)


def _walk(folder: str, files: List[Tuple[str, int, bytes]], limit: int = MAX_CONTENT) -> bool:
    complete = True
    with os.scandir(folder) as entries:
        for entry in entries:
            path = entry.path
            info = entry.stat(follow_symlinks=False)
            mode = info.st_mode
            if info.st_uid or info.st_gid:  # not compared, and not what an empty sandbox has
                complete = False
            if stat.S_ISREG(mode):
                try:
                    with open(path, "rb") as handle:
                        content = handle.read(limit)
                except OSError as exc:
                    content = f"<unreadable: {exc.strerror}>".encode()
                    complete = False
            elif stat.S_ISLNK(mode):
                content = os.readlink(path).encode()
            else:
                content = b""
            files.append((path, mode, content))
            if stat.S_ISDIR(mode):
                try:
                    complete = _walk(path, files, limit) and complete
                except OSError:  # a folder that cannot be read: as os.walk, skip its content
                    complete = False
    return complete


def setup() -> None:
    """Inside the private mount namespace: read-only root, tmpfs over the sandbox. The
    stand-ins are read first: the checkout itself may lie under one of the ROOTS (/tmp)."""
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "stub.sh")) as handle:
        scripts = split_stub(handle.read())
    _mount(["-o", "remount,bind,ro", "/"])
    for path in (PRIVATE,) + ROOTS:
        _mount(["-t", "tmpfs", "-o", "mode=755", "oracle", path])
    os.makedirs(STUBS)
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
        runs = [(tuple(Step(*step) for step in plan), shell) for plan, shells in jobs for shell in shells]
        outcomes = iter(run_plans(runs))
        # plain tuples: this module is __main__ here
        send(stdout, [{shell: tuple(next(outcomes)) for shell in shells} for _, shells in jobs])


if __name__ == "__main__":
    serve()
