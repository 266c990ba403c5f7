"""Files a RUN downloads and the commands that unpack or install them.

``downloaded_path(view)``: the file ``curl``/``wget`` writes, as written, when it is certain.
``unpacked_paths(command, view)``: the archives or packages ``tar -x``, ``unzip``, ``dpkg -i``,
``apt-get install ./x.deb`` or ``pip install x.whl`` read. ``PathRef`` answers whether a word
(or a later instruction's argument) may refer to a file: by name, by a glob, or through one of
its directories.
"""

from __future__ import annotations

import posixpath
from fnmatch import fnmatchcase
from typing import Optional, Tuple

from ..record import record
from ..shell.commands import CommandView
from ..shell.nodes import SimpleCommand, Word
from ..shell.rm import normalise_path

ARCHIVE_SUFFIXES = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tbz", ".tar.xz", ".txz", ".tar.zst",
                    ".tar.lz", ".tar.lzma", ".zip", ".deb", ".whl")
_PACKAGE_SUFFIXES = {"apt": (".deb",), "pip": (".whl", ".tar.gz", ".zip")}

# GNU tar options that take a value (short letters; long names when written without ``=``)
_TAR_SHORT_VALUES = frozenset("bCfFgHKLNTVX")
_TAR_LONG_VALUES = frozenset({
    "--file", "--directory", "--exclude", "--files-from", "--exclude-from", "--strip-components",
    "--owner", "--group", "--mode", "--transform", "--xform", "--use-compress-program", "--blocking-factor",
    "--format", "--newer", "--after-date", "--label", "--suffix", "--to-command", "--record-size",
    "--tape-length", "--info-script", "--new-volume-script", "--atime-preserve", "--occurrence",
})
_TAR_LONG_FLAGS = frozenset({
    "--extract", "--get", "--list", "--create", "--append", "--update", "--diff", "--compare", "--delete",
    "--gzip", "--gunzip", "--ungzip", "--bzip2", "--xz", "--lzma", "--lzip", "--zstd", "--compress",
    "--auto-compress", "--verbose", "--no-same-owner", "--same-owner", "--no-same-permissions",
    "--same-permissions", "--preserve-permissions", "--keep-old-files", "--skip-old-files", "--overwrite",
    "--keep-newer-files", "--no-overwrite-dir", "--recursive-unlink", "--unlink-first", "--touch",
    "--numeric-owner", "--warning", "--wildcards", "--no-wildcards", "--anchored", "--no-anchored",
    "--ignore-zeros", "--totals", "--checkpoint", "--no-recursion", "--recursion", "--absolute-names",
    "--one-file-system", "--sparse", "--verify", "--show-transformed-names", "--delay-directory-restore",
    "--no-xattrs", "--xattrs", "--no-acls", "--acls", "--no-selinux", "--selinux", "--exclude-vcs",
})
_UNZIP_VALUES = frozenset({"-d", "-P"})


def _base(word: Word) -> Optional[str]:
    value = word.value
    return value.rsplit("/", 1)[-1] if value is not None else None


def _url_name(url: Optional[str]) -> Optional[str]:
    """The file name ``curl -O`` / ``wget`` give a literal URL without query or fragment."""
    if url is None or "://" not in url or any(c in url for c in "?#"):
        return None
    path = url.split("://", 1)[1].partition("/")[2]
    name = path.rsplit("/", 1)[-1]
    return name or None


def downloaded_path(view: CommandView) -> Optional[str]:
    """The one file this ``curl`` or ``wget`` writes, as written; None when it writes to standard
    output, several files, a name the server picks, or anything slimfix cannot be sure of."""
    if view.tool not in ("curl", "wget") or view.unknown_options or len(view.args) != 1:
        return None
    if any(view.has(m) for m in ("renames", "parallel", "header_name", "input_file", "no_output", "upload")):
        return None
    outputs = view.option_values("output")
    if len(outputs) > 1:
        return None
    if outputs:
        out = outputs[0]
        return out if out and out != "-" else None
    if view.tool == "curl" and not view.has("remote_name"):
        return None  # curl without -o/-O writes to standard output
    name = _url_name(view.args[0].value)
    if name is None:
        return None
    directories = view.option_values("output_dir")
    if len(directories) > 1 or (directories and not directories[0]):
        return None
    return f"{directories[0].rstrip('/')}/{name}" if directories else name


def _tar_archive(words: Tuple[Word, ...]) -> Optional[str]:
    """The archive ``tar`` extracts (``-x``, ``x`` in the old style, ``--extract``), when literal."""
    values = [w.value for w in words]
    extract = False
    archive: Optional[str] = None
    pending = []  # old-style letters still waiting for their value
    i = 0
    while i < len(values):
        value = values[i]
        if pending:
            if pending.pop(0) == "f":
                archive = value
            i += 1
            continue
        if value is None:
            return None  # an expansion where an option could be
        if i == 0 and value and not value.startswith("-") and value.isalpha():  # old style: tar xzf FILE
            for letter in value:
                extract = extract or letter == "x"
                if letter in _TAR_SHORT_VALUES:
                    pending.append(letter)
        elif value.startswith("--"):
            name, eq, rest = value.partition("=")
            extract = extract or name in ("--extract", "--get")
            if name in _TAR_LONG_VALUES and not eq:
                if i + 1 >= len(values):
                    return None
                if name == "--file":
                    archive = values[i + 1]
                i += 1
            elif name == "--file":
                archive = rest
            elif name not in _TAR_LONG_VALUES and name not in _TAR_LONG_FLAGS:
                return None  # an option slimfix does not know may take the next word
        elif value.startswith("-") and len(value) > 1:
            letters = value[1:]
            for k, letter in enumerate(letters):
                extract = extract or letter == "x"
                if letter in _TAR_SHORT_VALUES:
                    if k + 1 < len(letters):
                        return None  # -xfarchive: a value glued on, rare enough to leave alone
                    if i + 1 >= len(values):
                        return None
                    if letter == "f":
                        archive = values[i + 1]
                    i += 1
        i += 1
    return archive if extract and not pending and archive else None


def unpacked_paths(command: SimpleCommand, view: Optional[CommandView]) -> Tuple[str, ...]:
    """Literal paths of the archives or packages ``command`` unpacks or installs."""
    if view is not None:
        suffixes = _PACKAGE_SUFFIXES.get(view.tool)
        if suffixes is None or view.action != "install" or view.hidden_arguments:
            return ()
        out = []
        for word in view.args:
            value = word.value
            if value and value.endswith(suffixes) and "://" not in value and (view.tool == "pip" or "/" in value):
                out.append(value)
        return tuple(out)
    words = command.words
    name = command.name
    if name is None or not words:
        return ()
    program = name.rsplit("/", 1)[-1]
    if program in ("tar", "gtar", "bsdtar"):
        archive = _tar_archive(words[1:])
        return (archive,) if archive and archive != "-" else ()
    if program == "unzip":
        i = 1
        while i < len(words):
            value = words[i].value
            if value is None:
                return ()
            if value in _UNZIP_VALUES:
                i += 2
                continue
            if value.startswith("-"):
                if value == "-x":
                    return ()
                i += 1
                continue
            return (value,)
        return ()
    if program == "dpkg":
        values = [w.value for w in words[1:]]
        if None in values or not any(v in ("-i", "--install") for v in values):
            return ()
        if any(v.startswith("-") and v not in ("-i", "--install") and not v.startswith("--force") for v in values):
            return ()  # -R (a directory), --admindir and the like
        return tuple(v for v in values if not v.startswith("-"))
    return ()


def same_file(a: str, b: str) -> bool:
    """Two paths as written name the same file in the same working directory."""
    if a.startswith("/") != b.startswith("/"):
        return False
    return posixpath.normpath(a) == posixpath.normpath(b)


NO, MAYBE, YES = 0, 1, 2  # how surely an argument refers to a file


@record
class PathRef:
    """A file a RUN created: the path as written, and its absolute path when the working
    directory is known."""

    written: str
    absolute: Optional[str]

    @property
    def name(self) -> str:
        return posixpath.basename(self.written)

    def candidates(self) -> Tuple[str, ...]:
        """The file and every directory it is in, as paths an argument could name them by:
        relative as written (``dl/x.tgz``, ``dl``, ``.``), absolute, and the relative tails of the
        absolute ones (``tmp/dl`` and ``dl`` for ``/tmp/dl``), which a command run elsewhere could
        use."""
        out = ["."]
        path = posixpath.normpath(self.written)
        while path and path not in ("/", "."):
            out.append(path)
            path = posixpath.dirname(path)
        if self.absolute:
            parts = self.absolute.strip("/").split("/")
            out.append("/")
            for end in range(1, len(parts) + 1):
                out.append("/" + "/".join(parts[:end]))
                out.extend("/".join(parts[start:end]) for start in range(end))
        return tuple(dict.fromkeys(out))

    def mention(self, value: Optional[str], text: str, glob: bool) -> int:
        """How surely an argument (literal ``value`` or None, its ``text`` as written) refers to
        the file: YES when it contains the file's name, names one of its directories or is a
        glob that may match one of them; MAYBE for an absolute path when the file's own
        absolute path is unknown; else NO. Expansions are judged by their literal text only."""
        if self.name in text:
            return YES
        if value is None or not value:
            return NO
        if value.startswith("/"):
            normal = normalise_path(value) or "/"
        else:
            normal = posixpath.normpath(value)
            if all(part == ".." for part in normal.split("/")):
                return YES
        candidates = self.candidates()
        if glob:
            if any(fnmatchcase(c, normal) for c in candidates):
                return YES
        elif normal in candidates:
            return YES
        return MAYBE if normal.startswith("/") and self.absolute is None else NO

    def mention_by_word(self, word: Word) -> int:
        return self.mention(word.value, word.text, word.has_glob)
