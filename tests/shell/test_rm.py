from __future__ import annotations

import pytest

from slimfix.shell import classify
from slimfix.shell.rm import normalise_path, removed_paths, removes

from .lossless import parsed

APT_LISTS = "/var/lib/apt/lists/*"


def rm(text: str):
    v = classify(parsed(text).body.items[0])
    assert v is not None and v.tool == "rm"
    return v


@pytest.mark.parametrize("path, expected", [
    ("/var/lib/apt/lists/", "/var/lib/apt/lists"),
    ("//var//lib/./apt/lists", "/var/lib/apt/lists"),
    ("/var/lib/apt/../apt/lists", "/var/lib/apt/lists"),
    ("/", "/"),
    ("/..", "/"),
    ("var/lib", None),
    ("~/.cache", None),
])
def test_normalise_path(path, expected):
    assert normalise_path(path) == expected


@pytest.mark.parametrize("text", [
    "rm -rf /var/lib/apt/lists/*",
    "rm -r /var/lib/apt/lists",
    "rm -fr /var/lib/apt/lists/* /tmp/*",
    "rm -Rf /var/lib/apt/lists/",
    "rm --recursive --force /var/lib/apt/lists",
    "rm -r -f /var/lib/apt/*",
    'rm -rf "/var/lib/apt/lists"/*',
    "rm -rf /var/lib/apt/lists/**",
    "sudo rm -rf /var/lib/apt/lists/*",
    "rm -rf -- /var/lib/apt/lists/*",
])
def test_removes_apt_lists(text):
    assert removes(rm(text), APT_LISTS)


@pytest.mark.parametrize("text", [
    "rm -f /var/lib/apt/lists/*",  # not recursive: fails on lists/partial
    "rm -rf '/var/lib/apt/lists/*'",  # quoted: no glob, removes a file named *
    "rm -rf /var/lib/apt/lists/partial",
    "rm -rf /var/lib/apt/lists/*.gz",
    "rm -rf $LISTS",
    "rm -rf var/lib/apt/lists",
    "rm -rf /var/lib/apt-lists",
])
def test_does_not_remove_apt_lists(text):
    assert not removes(rm(text), APT_LISTS)


def test_directory_targets():
    assert removes(rm("rm -rf /var/cache/yum"), "/var/cache/yum")
    assert removes(rm("rm -rf /var/cache/*"), "/var/cache/yum")
    assert not removes(rm("rm -rf /var/cache/yum/*"), "/var/cache/yum")
    assert removes(rm("rm -rf /var/cache/yum/*"), "/var/cache/yum/*")
    with pytest.raises(ValueError):
        removes(rm("rm -rf /x"), "relative/*")


def test_removed_paths_keep_words():
    v = rm("rm -rf /tmp/* /root/.cache ./build")
    assert [(p.path, p.contents_only, p.word.code) for p in removed_paths(v)] == [
        ("/tmp", True, "/tmp/*"), ("/root/.cache", False, "/root/.cache")]


def test_other_tools_remove_nothing():
    v = classify(parsed("apt-get clean").body.items[0])
    assert removed_paths(v) == () and not removes(v, APT_LISTS)
