"""The sizes behind the estimates: measured apt installs count each package once, what the image
already has counts nothing, names the measurements lack fall back to typical sizes."""

from __future__ import annotations

import statistics
from statistics import median

from hypothesis import given
from hypothesis import strategies as st

from slimfix.datafiles import load_table
from slimfix.semantics import savings
from slimfix.semantics.savings import apt_lists_size, cache_size, packages_size, recommends_size

APT = load_table("semantics/apt_sizes.toml")


def _brought(*names):
    return sum(APT["bytes"][p] for p in set().union(*(APT["installs"][n] for n in names)))


def test_an_install_counts_what_it_brings_each_package_once():
    gcc, gxx = packages_size("apt", ["gcc"]), packages_size("apt", ["g++"])
    assert gcc == _brought("gcc") and 100_000_000 < gcc < 300_000_000
    assert packages_size("apt", ["gcc", "g++"]) == gxx < gcc + gxx  # g++ brings gcc
    both = packages_size("apt", ["gcc", "libc6-dev", "python3-dev"])
    alone = gcc + packages_size("apt", ["libc6-dev"]) + packages_size("apt", ["python3-dev"])
    assert both == _brought("gcc", "libc6-dev", "python3-dev") < alone  # python3-dev brings libc6-dev


def test_what_the_image_has_counts_nothing():
    assert packages_size("apt", ["gcc", "libpq-dev"], present=["gcc", "libpq-dev"]) == 0
    assert packages_size("apt", ["g++"], present=["gcc"]) == _brought("g++") - _brought("gcc")


def test_names_not_measured_take_typical_sizes_compilers_once():
    assert packages_size("apk", ["build-base", "gcc", "musl-dev"]) == 230_000_000 + 5_000_000
    assert packages_size("apt", ["libunknown-dev"]) == 5_000_000
    assert packages_size("apt", ["gcc", "libunknown-dev"]) == _brought("gcc") + 5_000_000


MEASURED = load_table("semantics/measured_sizes.toml")


def _lists(release):
    return MEASURED["apt_lists"][release]["bytes"]


def test_apt_lists_are_measured_per_release_the_tag_names():
    assert apt_lists_size("debian:bookworm") == _lists("bookworm")
    assert apt_lists_size("python:3.11-slim-bullseye") == _lists("bullseye")
    assert apt_lists_size("localhost/slimfix-test/debian:bookworm") == _lists("bookworm")
    assert apt_lists_size("ubuntu:22.04") == _lists("jammy")
    assert apt_lists_size("ubuntu:noble-20240101") == _lists("noble")
    assert _lists("noble") != _lists("trixie")


def test_apt_lists_of_a_tag_without_a_measured_release_are_the_default_releases():
    assert apt_lists_size("python:3.12") == apt_lists_size("debian") == _lists("trixie")
    assert apt_lists_size("ubuntu") == apt_lists_size("ubuntu:20.04") == _lists("noble")
    assert apt_lists_size("registry.example.com/team/base:1.2") == _lists("trixie")


def _recommended(name):
    return sum(APT["bytes"][p] for p in set(APT["recommends"][name]) - set(APT["installs"][name]))


def test_recommends_count_what_they_add_beyond_the_install_each_package_once():
    assert recommends_size({"git"}) == _recommended("git") > 0
    # g++ depends on what gcc only recommends (libc6-dev): together, that is no extra
    assert recommends_size({"gcc", "g++"}) == _recommended("g++") < _recommended("gcc")
    assert recommends_size({"curl", "git"}) < _recommended("curl") + _recommended("git")


def test_recommends_of_a_package_not_measured_are_the_median_of_the_measured():
    typical = median(_recommended(name) for name in APT["recommends"])
    assert recommends_size({"libunknown1"}) == recommends_size({None}) == int(typical)
    assert recommends_size({"git", None}) == _recommended("git") + int(typical)


def test_caches_are_measured_per_package_and_per_project():
    for tool in ("pip", "npm"):
        table = MEASURED[f"{tool}_cache"]
        named = {name: size for name, size in table.items() if name not in ("project", "project_packages")}
        some = sorted(named)[0]
        assert cache_size(tool, [some]) == named[some]
        assert cache_size(tool, [], projects=2) == 2 * table["project"]
        assert cache_size(tool, ["not-measured", None]) == 2 * int(median(named.values()))


@given(st.lists(st.integers(min_value=0, max_value=10**12), min_size=1))
def test_median_is_the_statistics_median(values):
    assert savings.median(values) == statistics.median(values)
