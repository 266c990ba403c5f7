from __future__ import annotations

import sys
from pathlib import Path

import pytest

from slimfix import packages
from slimfix.packages import build_deps, distros, load_catalog

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

ACTIONS = {None, "install", "remove", "autoremove", "update_index", "upgrade", "cache_clean",
           "cache_autoclean", "download", "build"}


def test_every_data_file_parses_and_the_catalog_loads():
    for path in Path(packages.__file__).parent.glob("*.toml"):
        with path.open("rb") as fh:
            tomllib.load(fh)
    catalog = load_catalog()
    names = {t.name for t in catalog.tools}
    assert {"apt", "apk", "pip", "npm", "yarn", "pnpm", "yum", "dnf", "microdnf", "zypper", "gem", "rm",
            "cd", "export", "set", "exit", "source", "umask"} <= names


def _subcommands(table):
    for sub in table.values():
        yield sub
        yield from _subcommands(sub.subcommands)


def test_actions_are_from_the_known_set_and_programs_are_unique():
    catalog = load_catalog()
    seen = {}
    for tool in catalog.tools:
        for program in tool.programs:
            assert program not in seen, (program, tool.name, seen.get(program))
            seen[program] = tool.name
        for sub in _subcommands(tool.subcommands):
            assert sub.action in ACTIONS, (tool.name, sub.name, sub.action)


def test_option_names_look_like_options():
    for tool in load_catalog().tools:
        for name, spec in tool.options.items():
            assert name.startswith("-") and name in spec.names


@pytest.mark.parametrize("program, tool", [
    ("apt-get", "apt"), ("apt", "apt"), ("pip3.11", "pip"), ("dnf", "dnf"), ("yarnpkg", "yarn"),
    (".", "source"), ("gem", "gem"),
])
def test_tool_for_program(program, tool):
    assert load_catalog().tool_for(program).name == tool


def test_dnf_extends_yum():
    catalog = load_catalog()
    assert "install" in catalog.tool("dnf").subcommands
    assert catalog.tool("dnf").options["-y"].meaning == "assume_yes"
    assert catalog.tool("dnf").options["--no-docs"].meaning == "no_docs"
    assert "--no-docs" not in catalog.tool("yum").options


@pytest.mark.parametrize("distro, package, expected", [
    ("alpine", "build-base", True), ("alpine", "musl-dev", True), ("alpine", "postgresql-dev", True),
    ("alpine", "libpq", False), ("alpine", "git", False),
    ("debian", "build-essential", True), ("debian", "libpq-dev", True), ("debian", "python3-dev", True),
    ("debian", "linux-headers-amd64", True), ("debian", "libpq5", False), ("debian", "curl", False),
    ("rpm", "gcc-c++", True), ("rpm", "openssl-devel", True), ("rpm", "openssl-libs", False),
])
def test_build_only(distro, package, expected):
    assert build_deps(distro).is_build_only(package) is expected


@pytest.mark.parametrize("distro, package, runtime", [
    ("alpine", "postgresql-dev", ("libpq",)),
    ("alpine", "libffi-dev", ("libffi",)),
    ("alpine", "jpeg-dev", ("libjpeg-turbo",)),
    ("alpine", "mariadb-dev", ("mariadb-connector-c",)),
    ("alpine", "musl-dev", ()),
    ("alpine", "linux-headers", ()),
    ("debian", "libpq-dev", ("libpq5",)),
    ("debian", "libxslt1-dev", ("libxslt1.1",)),
    ("debian", "default-libmysqlclient-dev", ("libmariadb3",)),
    ("debian", "libjpeg-dev", ("libjpeg62-turbo",)),
    ("debian", "libc6-dev", ()),
    ("debian", "libsomething-unknown-dev", None),
])
def test_runtime_for(distro, package, runtime):
    assert build_deps(distro).runtime_for(package) == runtime


def test_runtime_packages_are_not_build_only_and_git_is_only_often():
    for distro in distros():
        deps = build_deps(distro)
        assert "git" in deps.often_build_only and not deps.is_build_only("git")
        for dev, runtime in deps.runtime.items():
            for package in runtime:
                assert not deps.is_build_only(package), (distro, dev, package)
