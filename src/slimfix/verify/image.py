"""Read the layers of a built image from an OCI or docker archive.

Sizes are those of the uncompressed layer tars, as ``docker history`` shows
them; a gzip-compressed layer is read through to count its bytes.  Each layer
is paired with the history entry that made it (entries marked
``empty_layer`` made none).
"""

from __future__ import annotations

import gzip
import json
import posixpath
import tarfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

_GZIP_MAGIC = b"\x1f\x8b"
_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
_INDEX_TYPES = {
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
}


class ImageReadError(Exception):
    """The archive is not an image archive this module understands."""


@dataclass(frozen=True)
class HistoryEntry:
    created_by: str
    empty_layer: bool = False


@dataclass(frozen=True)
class Layer:
    digest: str
    size: int
    created_by: str


@dataclass(frozen=True)
class ImageLayers:
    layers: list[Layer]
    history: list[HistoryEntry]
    config: dict = field(default_factory=dict)  # the run settings: Entrypoint, Cmd, WorkingDir...

    @property
    def total_size(self) -> int:
        return sum(layer.size for layer in self.layers)


def read_image_archive(path: str | Path) -> ImageLayers:
    """Layers of the image in a docker archive (``manifest.json``) or OCI archive."""
    try:
        with tarfile.open(path) as archive:
            names = set(archive.getnames())
            if "manifest.json" in names:
                config, layer_paths = _docker_manifest(archive)
            elif "index.json" in names:
                config, layer_paths = _oci_manifest(archive)
            else:
                raise ImageReadError(f"{path}: neither manifest.json nor index.json found")
            history = _history(config)
            diff_ids = config.get("rootfs", {}).get("diff_ids", [])
            sizes = [_layer_size(archive, name) for name in layer_paths]
    except (tarfile.TarError, OSError, ValueError, KeyError) as error:
        raise ImageReadError(f"{path}: {error}") from error
    run_config = config.get("config") or {}
    return ImageLayers(_pair(sizes, diff_ids, layer_paths, history), history, run_config)


def _docker_manifest(archive: tarfile.TarFile) -> tuple[dict, list[str]]:
    manifests = _load_json(archive, "manifest.json")
    if not manifests:
        raise ImageReadError("manifest.json lists no image")
    entry = manifests[0]
    return _load_json(archive, entry["Config"]), list(entry["Layers"])


def _oci_manifest(archive: tarfile.TarFile) -> tuple[dict, list[str]]:
    document = _load_json(archive, "index.json")
    while document.get("mediaType") in _INDEX_TYPES or "manifests" in document:
        manifests = document.get("manifests") or []
        if not manifests:
            raise ImageReadError("index.json lists no manifest")
        document = _load_json(archive, _blob_path(manifests[0]["digest"]))
    config = _load_json(archive, _blob_path(document["config"]["digest"]))
    return config, [_blob_path(layer["digest"]) for layer in document["layers"]]


def _history(config: dict) -> list[HistoryEntry]:
    return [
        HistoryEntry(entry.get("created_by", ""), bool(entry.get("empty_layer", False)))
        for entry in config.get("history", [])
    ]


def _pair(
    sizes: list[int], diff_ids: list[str], paths: list[str], history: list[HistoryEntry]
) -> list[Layer]:
    """Match layers to the history entries that made them, in order."""
    makers = [entry.created_by for entry in history if not entry.empty_layer]
    if len(makers) != len(sizes):
        # Images without (or with inconsistent) history: leave the maker unknown.
        makers = [""] * len(sizes)
    digests = diff_ids if len(diff_ids) == len(sizes) else paths
    return [Layer(d, s, m) for d, s, m in zip(digests, sizes, makers)]


def _blob_path(digest: str) -> str:
    algorithm, _, value = digest.partition(":")
    return f"blobs/{algorithm}/{value}"


def _load_json(archive: tarfile.TarFile, name: str):
    with _open_member(archive, name) as stream:
        return json.load(stream)


def _open_member(archive: tarfile.TarFile, name: str) -> IO[bytes]:
    member = archive.getmember(name)
    seen = 0
    while member.issym() or member.islnk():
        target = member.linkname
        if member.issym():
            target = posixpath.normpath(posixpath.join(posixpath.dirname(name), target))
        name, member = target, archive.getmember(target)
        seen += 1
        if seen > 8:
            raise ImageReadError(f"{name}: too many links")
    stream = archive.extractfile(member)
    if stream is None:
        raise ImageReadError(f"{name} is not a file")
    return stream


def _layer_size(archive: tarfile.TarFile, name: str) -> int:
    with _open_member(archive, name) as stream:
        head = stream.read(4)
        if head.startswith(_ZSTD_MAGIC):
            raise ImageReadError(f"{name}: zstd-compressed layers are not supported")
        if not head.startswith(_GZIP_MAGIC):
            stream.seek(0, 2)
            return stream.tell()
        stream.seek(0)
        total = 0
        with gzip.GzipFile(fileobj=stream) as layer:
            while True:
                chunk = layer.read(1 << 20)
                if not chunk:
                    return total
                total += len(chunk)
