from __future__ import annotations

import gzip
import hashlib
import json

import pytest
from verify_archives import layer_tar
from verify_archives import write_tar as write_archive

from slimfix.verify.image import ImageReadError, read_image_archive

HISTORY = [
    {"created_by": "/bin/sh -c #(nop) ADD file:abc in /"},
    {"created_by": "/bin/sh -c #(nop) ENV A=1", "empty_layer": True},
    {"created_by": "/bin/sh -c apt-get update"},
]


def sha(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


LAYERS = [
    layer_tar({"etc/os-release": b"x" * 3000}),
    layer_tar({"var/lib/apt/lists/p": b"y" * 9000}),
]
CONFIG = {
    "history": HISTORY,
    "rootfs": {"type": "layers", "diff_ids": [sha(layer) for layer in LAYERS]},
}


def test_docker_archive_with_linked_layers(tmp_path):
    members = {
        "config.json": json.dumps(CONFIG).encode(),
        "l0.tar": LAYERS[0],
        "l1.tar": LAYERS[1],
        "manifest.json": json.dumps(
            [{"Config": "config.json", "Layers": ["a/layer.tar", "b/layer.tar"]}]
        ).encode(),
    }
    path = tmp_path / "image.tar"
    write_archive(path, members, {"a/layer.tar": "../l0.tar", "b/layer.tar": "../l1.tar"})
    image = read_image_archive(path)
    assert [layer.size for layer in image.layers] == [len(LAYERS[0]), len(LAYERS[1])]
    assert [layer.created_by for layer in image.layers] == [
        HISTORY[0]["created_by"],
        HISTORY[2]["created_by"],
    ]
    assert [layer.digest for layer in image.layers] == CONFIG["rootfs"]["diff_ids"]
    assert image.total_size == len(LAYERS[0]) + len(LAYERS[1])
    assert [entry.empty_layer for entry in image.history] == [False, True, False]


def oci_members(compress: bool, nested: bool) -> dict[str, bytes]:
    blobs = [gzip.compress(layer) if compress else layer for layer in LAYERS]
    config = json.dumps(CONFIG).encode()
    manifest = json.dumps(
        {
            "schemaVersion": 2,
            "config": {"digest": sha(config), "size": len(config)},
            "layers": [{"digest": sha(blob), "size": len(blob)} for blob in blobs],
        }
    ).encode()
    members = {f"blobs/sha256/{sha(b)[7:]}": b for b in [config, manifest, *blobs]}
    top = {"schemaVersion": 2, "manifests": [{"digest": sha(manifest)}]}
    if nested:
        inner = json.dumps({**top, "mediaType": "application/vnd.oci.image.index.v1+json"}).encode()
        members[f"blobs/sha256/{sha(inner)[7:]}"] = inner
        top = {"schemaVersion": 2, "manifests": [{"digest": sha(inner)}]}
    members["index.json"] = json.dumps(top).encode()
    return members


@pytest.mark.parametrize("compress", [False, True])
@pytest.mark.parametrize("nested", [False, True])
def test_oci_archive_sizes_are_uncompressed(tmp_path, compress, nested):
    path = tmp_path / "image.tar"
    write_archive(path, oci_members(compress, nested))
    image = read_image_archive(path)
    assert [layer.size for layer in image.layers] == [len(LAYERS[0]), len(LAYERS[1])]
    assert image.layers[1].created_by == "/bin/sh -c apt-get update"


def test_layers_without_matching_history_have_no_maker(tmp_path):
    config = {"rootfs": {"diff_ids": []}}
    members = {
        "c.json": json.dumps(config).encode(),
        "l0.tar": LAYERS[0],
        "manifest.json": json.dumps([{"Config": "c.json", "Layers": ["l0.tar"]}]).encode(),
    }
    path = tmp_path / "image.tar"
    write_archive(path, members)
    [layer] = read_image_archive(path).layers
    assert layer.created_by == "" and layer.digest == "l0.tar" and layer.size == len(LAYERS[0])


def test_zstd_layers_are_refused(tmp_path):
    members = oci_members(False, False)
    for name, data in members.items():
        if data == LAYERS[1]:
            members[name] = b"\x28\xb5\x2f\xfd" + data
    path = tmp_path / "image.tar"
    write_archive(path, members)
    with pytest.raises(ImageReadError, match="zstd"):
        read_image_archive(path)


@pytest.mark.parametrize(
    "members",
    [{"hello.txt": b"hi"}, {"manifest.json": b"[]"}, {"manifest.json": b'[{"Config": "missing"}]'}],
)
def test_archives_that_are_not_images(tmp_path, members):
    path = tmp_path / "image.tar"
    write_archive(path, members)
    with pytest.raises(ImageReadError):
        read_image_archive(path)


def test_a_file_that_is_not_a_tar(tmp_path):
    path = tmp_path / "image.tar"
    path.write_bytes(b"not a tar at all" * 100)
    with pytest.raises(ImageReadError):
        read_image_archive(path)
