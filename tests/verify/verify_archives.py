"""Tiny tar files for the archive reader's tests."""

from __future__ import annotations

import io
import tarfile


def write_tar(path, members: dict[str, bytes], links: dict[str, str] | None = None) -> None:
    """A tar file with the given file contents and symbolic links."""
    with tarfile.open(path, "w") as archive:
        _add_files(archive, members)
        for name, target in (links or {}).items():
            info = tarfile.TarInfo(name)
            info.type = tarfile.SYMTYPE
            info.linkname = target
            archive.addfile(info)


def layer_tar(files: dict[str, bytes]) -> bytes:
    """The bytes of an uncompressed layer holding ``files``."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        _add_files(archive, files)
    return buffer.getvalue()


def _add_files(archive: tarfile.TarFile, files: dict[str, bytes]) -> None:
    for name, content in files.items():
        info = tarfile.TarInfo(name)
        info.size = len(content)
        archive.addfile(info, io.BytesIO(content))
