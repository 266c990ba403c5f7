"""SF006: Debian and Ubuntu build dependencies kept in the image."""

from __future__ import annotations

from pathlib import Path

import dockerfile
import pytest

from slimfix.config import Settings
from slimfix.fixer import fix_text
from slimfix.rules import Applicability
from slimfix import parse
from slimfix.rules.sf006_apt_build_deps_kept import _ships_compilers, release_doubt
from slimfix.semantics.context import FileContext
from slimfix.semantics.savings import packages_size
from slimfix.shell import parse_shell
from slimfix.shell.walk import walk_commands

from .conftest import FIXTURES, hadolint_codes

SEED = FIXTURES.parent / "seed"
UNSAFE = Settings(select=("SF006",), unsafe_fixes=True)


def _read(path: Path) -> str:
    with open(path, encoding="utf-8", newline="") as handle:
        return handle.read()


def _case(name: str) -> str:
    return _read(FIXTURES / "SF006" / f"{name}.Dockerfile")


def _commands(text: str) -> list:
    """The simple commands of the file's RUNs as BuildKit reads them, one string each."""
    out = []
    for node in dockerfile.parse_string(text):
        if node.cmd.upper() == "RUN":
            out += [" ".join(w.code for w in ctx.command.parts if not isinstance(w, str))
                    for ctx in walk_commands(parse_shell(node.value[0]))]
    return out


def test_blog_dockerfile_1_has_no_build_packages():
    result = fix_text(_read(SEED / "1-naive.Dockerfile"), "1", UNSAFE)
    assert result.diagnostics == [] and not result.changed


def test_runtime_first_then_marks_then_build_then_purge():
    result = fix_text(_case("unsafe-same-run"), "x", UNSAFE)
    commands = _commands(result.output)
    order = [
        "apt-get update",
        "apt-get install -y --no-install-recommends libpq5",
        'savedAptMark="$(apt-mark showmanual)"',
        "apt-mark showmanual",  # the substitution, after the command that holds it
        "apt-get install -y --no-install-recommends gcc libpq-dev",
        "pip install --no-cache-dir psycopg2==2.9.9",
        "rm -rf /var/lib/apt/lists/*",
        "apt-mark auto '.*' > /dev/null",
        '[ -z "$savedAptMark" ]',
        "apt-mark manual $savedAptMark > /dev/null",
        "apt-get purge -y --auto-remove",
    ]
    assert commands == order
    [fixed] = result.fixed
    assert fixed.fix.applicability is Applicability.UNSAFE
    assert fixed.savings == packages_size("apt", ["gcc", "libpq-dev"])  # measured on Debian 12


def test_the_purge_leaves_what_was_installed_by_hand_before():
    """The fixed RUN marks everything automatic and restores the manual marks saved before the
    build packages went in: packages of the base image stay, whatever they are."""
    output = fix_text(_case("unsafe-same-run"), "x", UNSAFE).output
    save = output.index('savedAptMark="$(apt-mark showmanual)"')
    assert output.index("libpq5") < save < output.index("gcc libpq-dev")
    assert "apt-get purge -y --auto-remove\n" in output and "purge -y --auto-remove gcc" not in output


def test_no_savings_counted_on_images_that_ship_compilers():
    text = "FROM python:3.12\nRUN apt-get update && apt-get install -y gcc && pip install regex\n"
    result = fix_text(text, "x", UNSAFE)
    assert result.changed and result.savings == 0
    assert fix_text(text.replace("3.12", "3.12-slim"), "x", UNSAFE).savings == packages_size("apt", ["gcc"])


@pytest.mark.parametrize(
    "case, reason",
    [
        ("unsafe-other-release", "are Debian 12's and the base image ubuntu:20.04 is another release"),
        ("unsafe-later-pip", "the RUN on line 4 still builds (pip install)"),
        ("unsafe-set-leaks", "'export' sets DEBIAN_FRONTEND"),
        ("unsafe-exec-form-build", "the build RUN on line 3 is in exec form"),
        ("unsafe-copy-over-root", "it writes /, where packages are installed"),
    ],
)
def test_no_fix_says_why(case: str, reason: str):
    result = fix_text(_case(case), case, UNSAFE)
    assert not result.changed
    [diagnostic] = result.diagnostics
    assert diagnostic.fix is None and reason in diagnostic.message


@pytest.mark.parametrize("case", ["unsafe-already-purged", "unsafe-official-pattern", "unsafe-no-build-packages"])
def test_nothing_to_report(case: str):
    assert fix_text(_case(case), case, UNSAFE).diagnostics == []


def test_build_run_that_purges_is_only_joined():
    result = fix_text(_case("unsafe-build-run-purges"), "x", UNSAFE)
    assert "join the RUN that purges them" in result.fixed[0].message
    assert "savedAptMark" not in result.output


@pytest.mark.parametrize(
    "base, doubt",
    [
        ("python:3.12-slim", None),
        ("python:3.12-slim-bookworm", None),
        ("debian:12", None),
        ("debian:bookworm-slim", None),
        ("python:3.9-slim-bullseye", "another release"),
        ("ubuntu:22.04", "another release"),
        ("debian:11", "another release"),
        ("registry.example.com/base/node:20-buster", "another release"),
        ("nvidia/cuda:12.2.0-devel", "is not known"),
        ("python:${PYTHON_VERSION}-slim", "build argument"),
    ],
)
def test_release_doubt(base: str, doubt):
    tree = parse(f"FROM {base} AS base\nFROM base\n")
    found = release_doubt(FileContext(tree), tree.stages[1])
    assert found == doubt if doubt is None else doubt in found


@pytest.mark.parametrize(
    "base, ships",
    [("python:3.12", True), ("node:20", True), ("buildpack-deps:bookworm", True), ("python:3.12-slim", False),
     ("debian:12", False), ("golang:1.22-alpine", False)],
)
def test_ships_compilers(base: str, ships: bool):
    assert _ships_compilers(base) is ships


def test_fix_adds_no_hadolint_warning(tmp_path):
    source = _case("unsafe-later-build-run")
    before = hadolint_codes(source, tmp_path)
    if before is None:
        pytest.skip("hadolint is not installed")
    after = hadolint_codes(fix_text(source, "x", UNSAFE).output, tmp_path)
    # SC2086 (info): `apt-mark manual $savedAptMark` splits the saved list on purpose
    assert set(after) - set(before) <= {"SC2086"}
