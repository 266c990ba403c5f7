"""Finding Dockerfiles, reading them exactly, writing them back atomically."""

from __future__ import annotations

import fnmatch
import os
import stat
from typing import Dict, Iterable, List, Optional, Sequence

from .paths import RealPaths
from .record import record

DOCKERFILE_PATTERNS = ("Dockerfile", "Dockerfile.*", "*.Dockerfile", "*.dockerfile", "Containerfile", "Containerfile.*")
MAX_FILE_SIZE = 10 * 1024 * 1024  # bytes; --max-file-size raises it
_KINDS = ((stat.S_ISFIFO, "a named pipe"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"))
SKIP_DIRS = frozenset({".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__", ".tox", ".mypy_cache"})


class SourceError(Exception):
    """A file that cannot be read or written; the message is one line."""


def is_dockerfile_name(name: str) -> bool:
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in DOCKERFILE_PATTERNS)


def is_excluded(path: str, patterns: Sequence[str]) -> bool:
    """Whether ``path`` or one of its folders matches an exclude pattern.

    A pattern matches a whole path (``vendor/*``), any trailing part of it
    (``*/vendor/*`` is implied) or a single name (``vendor``, ``*.dev.Dockerfile``).
    """
    if not patterns:
        return False
    posix = path.replace(os.sep, "/")
    parts = [part for part in posix.split("/") if part and part != "."]
    if posix.startswith("/"):
        parts.insert(0, "/")
    for end in range(len(parts), 0, -1):
        prefix = "/".join(parts[:end]).replace("//", "/")
        name = parts[end - 1]
        for pattern in patterns:
            pattern = pattern.rstrip("/")
            if pattern.startswith("./"):
                pattern = pattern[2:]
            if (
                fnmatch.fnmatchcase(name, pattern)
                or fnmatch.fnmatchcase(prefix, pattern)
                or fnmatch.fnmatchcase(prefix, f"*/{pattern}")
            ):
                return True
    return False


def _git_listing(folder: str) -> Optional[List[str]]:
    """Files git would show in ``folder`` (tracked, plus untracked that no
    ignore rule excludes), relative to it; None outside a git work tree."""
    import subprocess  # lazy: start-up (only in a git work tree)

    try:
        proc = subprocess.run(
            ["git", "-C", folder, "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            timeout=120,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if proc.returncode != 0:
        return None
    names = proc.stdout.decode("utf-8", "surrogateescape").split("\0")
    return sorted({name for name in names if name})


def _walk(folder: str, exclude: Sequence[str], errors: List[str]) -> List[str]:
    found: List[str] = []

    def unreadable(exc: OSError) -> None:
        errors.append(f"{os.path.normpath(exc.filename or folder)}: cannot read folder: {exc.strerror or exc}")

    for current, dirs, files in os.walk(folder, onerror=unreadable):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not is_excluded(os.path.join(current, d), exclude))
        for name in sorted(files):
            if is_dockerfile_name(name):
                candidate = os.path.join(current, name)
                if not is_excluded(candidate, exclude):
                    found.append(candidate)
    return found


def _search(folder: str, exclude: Sequence[str], respect_gitignore: bool, errors: List[str]) -> List[str]:
    """Dockerfiles under ``folder``, honouring git's ignore rules when asked;
    folders that cannot be read are added to ``errors``."""
    listing = _git_listing(folder) if respect_gitignore else None
    if listing is None:
        return _walk(folder, exclude, errors)
    found: List[str] = []
    for name in listing:
        parts = name.rstrip("/").split("/")
        if SKIP_DIRS.intersection(parts[:-1]):
            continue
        path = os.path.join(folder, *parts)
        if os.path.isdir(path):  # a submodule or a nested repository
            if parts[-1] not in SKIP_DIRS and not is_excluded(path, exclude):
                found.extend(_search(path, exclude, respect_gitignore, errors))
        elif is_dockerfile_name(parts[-1]) and os.path.isfile(path) and not is_excluded(path, exclude):
            found.append(path)
    return found


def discover(
    paths: Iterable[str],
    exclude: Sequence[str] = (),
    respect_gitignore: bool = True,
    force_exclude: bool = False,
    errors: Optional[List[str]] = None,
) -> List[str]:
    """Files to process, in a stable order, each once.

    Folders are searched for Dockerfiles; one that cannot be read adds a
    ``path: message`` line to ``errors``. Files named on the command line are
    taken as they are (``-`` is standard input) unless ``force_exclude`` and
    an exclude pattern matches them, as pre-commit needs.
    """
    errors = [] if errors is None else errors
    real = RealPaths()
    out: Dict[str, str] = {}  # real path -> path as shown
    for given in paths:
        if given != "-" and os.path.isdir(given):
            for found in _search(given, exclude, respect_gitignore, errors):
                out.setdefault(real.path(found), os.path.normpath(found))
        elif given == "-":
            out.setdefault("-", "-")
        elif not (force_exclude and is_excluded(given, exclude)):
            out.setdefault(real.path(given), os.path.normpath(given))
    return list(out.values())


@record
class Source:
    path: str
    text: str
    raw: bytes
    mode: Optional[int] = None
    uid: Optional[int] = None
    gid: Optional[int] = None
    nlink: int = 1


def decode(raw: bytes, path: str) -> str:
    """UTF-8 text (a BOM stays part of it); bad input raises a one-line error."""
    if b"\0" in raw:
        raise SourceError(f"{path}: binary file, not a Dockerfile")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - raw.rfind(b"\n", 0, exc.start)  # in bytes
        raise SourceError(f"{path}:{line}:{column}: not UTF-8 text ({exc.reason})") from None


def _os_error(path: str, doing: str, exc: OSError) -> SourceError:
    if isinstance(exc, FileNotFoundError):
        return SourceError(f"{path}: no such file")
    if isinstance(exc, IsADirectoryError):
        return SourceError(f"{path}: is a directory")
    return SourceError(f"{path}: cannot {doing}: {exc.strerror or exc}")


def size_error(path: str, limit: int) -> str:
    return f"{path}: larger than the limit of {limit:,} bytes; skipped (raise it with --max-file-size MB)"


def check_size(size: int, path: str, limit: int) -> None:
    if size > limit:
        raise SourceError(size_error(path, limit))


def _special(mode: int) -> Optional[str]:
    for test, kind in _KINDS:
        if test(mode):
            return kind
    return None


def read_source(path: str, limit: int = MAX_FILE_SIZE) -> Source:
    """The file's bytes and text. Devices, pipes and sockets are refused before
    opening (a pipe would block), files over ``limit`` bytes before reading."""
    try:
        info = os.stat(path)
        kind = _special(info.st_mode)
        if kind:
            raise SourceError(f"{path}: {kind}, not a regular file; skipped")
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(path)
        check_size(info.st_size, path, limit)
        # O_NONBLOCK: should the path turn into a pipe after the stat, open must not wait
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with open(fd, "rb") as handle:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise SourceError(f"{path}: {_special(info.st_mode) or 'not a regular file'}; skipped")
            raw = handle.read(limit + 1)
    except OSError as exc:
        raise _os_error(path, "read", exc) from None
    check_size(len(raw), path, limit)
    return Source(path, decode(raw, path), raw, info.st_mode, info.st_uid, info.st_gid, info.st_nlink)


def write_atomic(source: Source, text: str) -> None:
    """Replace the file's content with ``text``, or raise SourceError and leave it alone.

    Writes a temporary file in the same folder and renames it over the file
    (through a symlink, to its target). Mode and (when allowed) owner are kept;
    BOM and line endings are part of ``text``. Refuses when the file is
    read-only or changed on disk since it was read. A file with several names
    (hard links) is rewritten in place instead, so every name sees the new text
    (see ``_write_in_place``).
    """
    if source.mode is not None and not source.mode & stat.S_IWUSR:
        raise SourceError(f"{source.path}: read-only file; not rewritten")
    if source.mode is not None and not stat.S_ISREG(source.mode):
        raise SourceError(f"{source.path}: not a regular file; not rewritten")
    target = os.path.realpath(source.path)
    try:
        with open(target, "rb") as handle:
            current = handle.read()
    except FileNotFoundError:
        raise SourceError(f"{source.path}: removed since it was read; not rewritten") from None
    except OSError as exc:
        raise _os_error(source.path, "re-read before writing", exc) from None
    if current != source.raw:
        raise SourceError(f"{source.path}: changed on disk since it was read; not rewritten")
    if source.nlink > 1:
        _write_in_place(source, target, text.encode("utf-8"))
        return
    import tempfile  # lazy: start-up (only when a file is written)

    try:
        fd, tmp = tempfile.mkstemp(
            prefix=f".{os.path.basename(target)}.", suffix=".slimfix.tmp", dir=os.path.dirname(target)
        )
    except OSError as exc:
        raise _os_error(source.path, "write", exc) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        if source.mode is not None:
            os.chmod(tmp, stat.S_IMODE(source.mode))
        if source.uid is not None and hasattr(os, "chown"):
            try:
                os.chown(tmp, source.uid, source.gid if source.gid is not None else -1)
            except OSError:
                pass  # not allowed to give it away: the file becomes ours
        os.replace(tmp, target)
    except OSError as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise _os_error(source.path, "write", exc) from None


def _write_in_place(source: Source, target: str, data: bytes) -> None:
    """Rewrite a hard-linked file through its own inode, so no name keeps the old text.

    A rename would give this name a new inode and leave the other names behind. To stay
    safe against a crash or a full disk, the old bytes are first written (and synced) to a
    backup next to the file; only then is the file overwritten, truncated and synced, and the
    backup removed. A crash in between leaves ``.NAME.*.slimfix.bak`` with the original text;
    a failed write is undone from memory."""
    import tempfile  # lazy: start-up (only when a file is written)

    try:
        fd, backup = tempfile.mkstemp(
            prefix=f".{os.path.basename(target)}.", suffix=".slimfix.bak", dir=os.path.dirname(target)
        )
        with os.fdopen(fd, "wb") as handle:
            handle.write(source.raw)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as exc:
        raise _os_error(source.path, "write a backup before writing", exc) from None
    try:
        with open(target, "r+b") as handle:
            try:
                handle.write(data)
                handle.truncate()
                handle.flush()
                os.fsync(handle.fileno())
            except OSError:
                handle.seek(0)
                handle.write(source.raw)
                handle.truncate()
                handle.flush()
                raise
    except OSError as exc:
        raise _os_error(source.path, "write", exc) from None
    try:
        os.unlink(backup)
    except OSError:
        pass
