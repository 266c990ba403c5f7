"""Which names are Dockerfiles, which paths are excluded; reading files exactly, writing them back atomically.

Searching folders (git's listing included) is ``slimfix.discovery``."""

from __future__ import annotations

import errno
import fnmatch
import os
import stat
from typing import Optional, Sequence, Tuple

from .record import record

DOCKERFILE_PATTERNS = ("Dockerfile", "Dockerfile.*", "*.Dockerfile", "*.dockerfile", "Containerfile", "Containerfile.*")
MAX_FILE_SIZE = 10 * 1024 * 1024  # bytes; --max-file-size raises it
_KINDS = ((stat.S_ISFIFO, "a named pipe"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"))


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


def named_file(given: str, exclude: Sequence[str], force_exclude: bool) -> Optional[str]:
    """A file named on the command line, as shown; None when ``force_exclude`` and an exclude
    pattern matches it (as pre-commit needs: it names every file)."""
    if force_exclude and is_excluded(given, exclude):
        return None
    return os.path.normpath(given)


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
    try:
        fd, tmp = _create_beside(target, ".slimfix.tmp")
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


def _create_beside(target: str, suffix: str) -> Tuple[int, str]:
    """A new file ``.NAME.<random><suffix>`` in ``target``'s folder, open for writing and
    readable by its owner only (``tempfile.mkstemp``'s guarantees, without its imports)."""
    folder, name = os.path.split(target)
    flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        path = os.path.join(folder, f".{name}.{os.urandom(6).hex()}{suffix}")
        try:
            return os.open(path, flags, 0o600), path
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary name", target)


def _write_in_place(source: Source, target: str, data: bytes) -> None:
    """Rewrite a hard-linked file through its own inode, so no name keeps the old text.

    A rename would give this name a new inode and leave the other names behind. To stay
    safe against a crash or a full disk, the old bytes are first written (and synced) to a
    backup next to the file; only then is the file overwritten, truncated and synced, and the
    backup removed. A crash in between leaves ``.NAME.*.slimfix.bak`` with the original text;
    a failed write is undone from memory."""
    try:
        fd, backup = _create_beside(target, ".slimfix.bak")
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
