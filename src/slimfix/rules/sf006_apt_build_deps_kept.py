"""SF006: Debian and Ubuntu build dependencies kept in the image."""

from __future__ import annotations

import re
from typing import Iterable, Optional

from .build_deps import KeptBuildDeps, Rewrite, command_text, findings, outcome, package_list, removal_extent
from ..semantics.context import FileContext
from ..semantics.images import ImageRef, runtime_variant
from ..semantics.run import RunView
from .base import Applicability, Diagnostic, Fix, Rule

SAVE_MARKS = 'savedAptMark="$(apt-mark showmanual)"'
RESTORE_MARKS = (
    "apt-mark auto '.*' > /dev/null",
    '{ [ -z "$savedAptMark" ] || apt-mark manual $savedAptMark > /dev/null; }',
    "apt-get purge -y --auto-remove",
)
# Releases whose library package names differ from Debian 12's, which the runtime mapping uses.
_OTHER_RELEASE = re.compile(r"(^|[-_.])(stretch|buster|bullseye|trixie|xenial|bionic|focal|jammy|noble|ubuntu)")
# Official images built on Debian: without a release in the tag they are taken for Debian 12.
_DEBIAN_IMAGES = frozenset({
    "python", "node", "ruby", "php", "golang", "perl", "rust", "buildpack-deps", "wordpress", "drupal",
    "nginx", "httpd", "redis", "postgres",
})

class AptBuildDepsKept(Rule, summary="Debian/Ubuntu build dependencies are kept in the image",
                             fix_applicability=Applicability.UNSAFE):
    """
    ## What it does
    Finds build-only Debian or Ubuntu packages (`gcc`, `build-essential`,
    `*-dev`, ...) installed with `apt-get install` for a build step
    (`pip install`, `npm install`, `make`, ...) and never removed. The fix
    installs the packages the program keeps first, with the runtime
    libraries of the `-dev` packages (`libpq-dev` needs `libpq5`, from
    slimfix's package data), records the manually installed packages, installs
    the build packages, builds, and then purges what the build added, in the
    same `RUN`:

    ```sh
    savedAptMark="$(apt-mark showmanual)"
    apt-get install -y gcc libpq-dev
    pip install psycopg2
    apt-mark auto '.*' > /dev/null
    [ -z "$savedAptMark" ] || apt-mark manual $savedAptMark > /dev/null
    apt-get purge -y --auto-remove
    ```

    This is the form the official images use. `apt-get purge --auto-remove
    gcc libpq-dev` would be shorter, but on images that ship a compiler
    (`python:3`, `buildpack-deps`) it would remove the base image's own `gcc`
    and every package depending on it; restoring the recorded marks keeps
    whatever was installed by hand before, so only what this `RUN` added (and
    packages nothing needed already) goes. When the build runs in a later
    `RUN`, that `RUN` joins the install and the instructions between move
    above it, as for SF005.

    ## Why is this bad?
    Compilers and headers are needed to build native extensions, not to run
    them: left in the image they add 100 MB or more, and more attack surface.
    Purging them in a later `RUN` does not help, the install's layer keeps
    them.

    ## Example
    ```dockerfile
    FROM python:3.12-slim
    RUN apt-get update && apt-get install -y --no-install-recommends gcc libpq-dev
    RUN pip install psycopg2
    ```

    ## Use instead
    ```dockerfile
    FROM python:3.12-slim
    RUN apt-get update && apt-get install -y --no-install-recommends libpq5 \\
        && savedAptMark="$(apt-mark showmanual)" \\
        && apt-get install -y --no-install-recommends gcc libpq-dev \\
        && pip install psycopg2 \\
        && apt-mark auto '.*' > /dev/null \\
        && { [ -z "$savedAptMark" ] || apt-mark manual $savedAptMark > /dev/null; } \\
        && apt-get purge -y --auto-remove
    ```

    ## Fix safety
    Unsafe: whether the program needs a package at run time is a judgement,
    and a library the build linked against may be missing from the runtime
    mapping. The runtime names are Debian 12's: when a runtime library is
    needed, the fix is offered only on bases taken for Debian 12 (a
    `bookworm` tag, `debian:12`, or an official Debian-based image such as
    `python` or `node` with no other release in its tag), not on Ubuntu,
    other Debian releases or images of unknown release. A name the base's
    release does not have makes the build fail, it does not break the image
    silently. Otherwise the same cases as SF005
    give no fix: an unknown `-dev` package, no build step in the stage,
    packages from variables, a `RUN` that cannot be read or extended, a later
    build or removal, several installing commands, or an instruction that
    cannot move above the install.

    ## Estimated savings
    What installing the build-only packages adds on Debian 12, measured per
    package (`slimfix/semantics/apt_sizes.toml`, made by
    `scripts/measure-packages.sh`: the packages each install brings and
    their installed sizes, each counted once): `gcc` 180 MB, `g++` 267 MB,
    `libc6-dev` 30 MB, `python3-dev` 95 MB, `libpq-dev` 23 MB; packages the
    table lacks count typical sizes (`savings.toml`). Nothing is counted on
    the full official images (`python:3`, `node:20`, `golang:1`,
    `buildpack-deps`), which ship the compilers and common headers already.
    """

    def check(self, ctx: FileContext) -> Iterable[Diagnostic]:
        for finding in findings(ctx, "apt", "debian", _removes):
            yield self._diagnose(ctx, finding)

    def _diagnose(self, ctx: FileContext, f: KeptBuildDeps) -> Diagnostic:
        reason = f.reason
        stage = ctx.stage(f.instruction)
        doubt = release_doubt(ctx, stage) if reason is None and f.runtime else None
        if doubt:
            reason = f"the runtime library names ({package_list(f.runtime)}) are Debian 12's and {doubt}"
        out = outcome(ctx, f, reason, lambda joiner: _rewrite(f, joiner), "purge",
                      "purge what the build installed after it")
        if out.edits is None:
            return self.diagnostic(f.instruction, out.message)
        fix = Fix(out.edits, Applicability.UNSAFE, out.description)
        savings = 0 if _ships_compilers(ctx.root_image(stage)) else f.savings
        return self.diagnostic(f.instruction, out.message, fix=fix, savings=savings)


def _rewrite(f: KeptBuildDeps, joiner: str) -> Rewrite:
    """Runtime packages first, then the marks are saved, then the build packages; the longer list
    stays in the install command."""
    command = f.view.command
    removal = joiner.join(RESTORE_MARKS)
    if f.keeps_build_in_place:
        before = SAVE_MARKS + joiner
        if f.kept or f.runtime:
            before = command_text(command, [p.word for p in f.build], f.runtime) + joiner + before
        return Rewrite(tuple(p.word for p in f.kept), before=before, removal=removal)
    build = command_text(command, [p.word for p in f.kept])
    after = "".join(" " + name for name in f.runtime) + joiner + SAVE_MARKS + joiner + build
    return Rewrite(tuple(p.word for p in f.build), after=after, removal=removal)


def _removes(run: RunView, f: KeptBuildDeps) -> Optional[str]:
    """"all" when ``run`` purges the finding's packages (or may: an expansion, ``apt-mark auto``),
    "some", else None."""
    names = set(f.names)
    removed = set()
    for view in run.views("apt-mark"):
        if view.subcommand == "auto":
            return "all"
    for view in run.views("apt"):
        if view.action not in ("remove", "autoremove"):
            continue
        for package in view.packages:
            if package.name is None:
                return "all"
            removed.add(package.name)
    return removal_extent(names, removed)


def _ships_compilers(base: str) -> bool:
    """Full official images (``python:3``, ``node:20``, ``buildpack-deps``) come with gcc and many
    ``-dev`` packages: purging only what the build added saves nothing there."""
    ref = ImageRef.parse(base)
    if ref.name == "buildpack-deps":
        return True
    return runtime_variant(ref) is not None and "alpine" not in ref.tag


def release_doubt(ctx: FileContext, stage) -> Optional[str]:
    """Why the base image may not be Debian 12, whose library names the runtime mapping uses."""
    base = ctx.root_image(stage)
    ref = ImageRef.parse(base)
    tag = ref.tag.lower()
    if "$" in base:
        return f"the base image {base} is set by a build argument"
    if ref.name == "ubuntu" or _OTHER_RELEASE.search(tag):
        return f"the base image {base} is another release"
    if "bookworm" in tag or (ref.name == "debian" and tag.startswith("12")):
        return None
    if ref.name == "debian":
        return f"the base image {base} is another release"
    if ref.is_official and ref.name in _DEBIAN_IMAGES:
        return None
    return f"the release of the base image {base} is not known"
