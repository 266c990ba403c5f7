"""The sizes behind the estimates: measured apt installs count each package once, what the image
already has counts nothing, names the measurements lack fall back to typical sizes."""

from __future__ import annotations

from slimfix.datafiles import load_table
from slimfix.semantics import savings
from slimfix.semantics.savings import packages_size

APT = load_table(savings.os.path.join(savings._HERE, "apt_sizes.toml"))


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
