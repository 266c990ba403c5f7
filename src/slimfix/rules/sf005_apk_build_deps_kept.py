"""SF005: Alpine build dependencies kept in the image."""

from __future__ import annotations

import re
from typing import Iterable, Optional

from .build_deps import KeptBuildDeps, Rewrite, command_text, findings, outcome, package_list, removal_extent
from ..semantics.context import FileContext
from ..semantics.run import RunView
from .base import Applicability, Diagnostic, Fix, Rule

VIRTUAL = ".build-deps"
_ALPINE_RELEASE = re.compile(r"alpine:?(\d+)\.(\d+)")


class ApkBuildDepsKept(Rule, summary="Alpine build dependencies are kept in the image",
                             fix_applicability=Applicability.UNSAFE):
    """
    ## What it does
    Finds build-only Alpine packages (compilers, `build-base`, `musl-dev`,
    `linux-headers`, `*-dev`, ...) installed with `apk add` for a build step
    (`pip install`, `npm install`, `gem install`, `make`, `go build`, ...) and
    never removed. The fix installs them as a virtual package, `apk add
    --virtual .build-deps ...`, and removes it with `apk del .build-deps` in
    the same `RUN` as the build. The other packages stay, installed by their
    own `apk add`, and so do the runtime libraries of the `-dev` packages
    (`postgresql-dev` needs `libpq`), taken from slimfix's package data.

    When the build runs in a later `RUN`, that `RUN` joins the install. The
    instructions between the two (typically `COPY requirements.txt`) move
    above the install, with their comments.

    ## Why is this bad?
    A compiler and headers are needed to build native extensions, not to run
    them: left in the image they add 100 MB or more, and more attack surface.
    Removing them in a later `RUN` does not help, the install's layer keeps
    them; install, build and removal must share one layer.

    ## Example
    ```dockerfile
    FROM python:3.12-alpine
    RUN apk add --no-cache gcc musl-dev postgresql-dev
    COPY requirements.txt /requirements.txt
    RUN pip install -r /requirements.txt
    ```

    ## Use instead
    ```dockerfile
    FROM python:3.12-alpine
    COPY requirements.txt /requirements.txt
    RUN apk add --no-cache --virtual .build-deps gcc musl-dev postgresql-dev \\
        && apk add --no-cache libpq \\
        && pip install -r /requirements.txt \\
        && apk del .build-deps
    ```

    ## Fix safety
    Unsafe: whether the program needs a package at run time is a judgement.
    A library the build linked against may be missing from the runtime
    mapping, and the fix then breaks the image at run time. Only the final
    image's stages (the last stage and those it is built `FROM`) are checked;
    `apk del .build-deps` removes only what no other installed package needs,
    so packages of the base image stay. The runtime names are those of
    Alpine 3.17 and later: on an older release named in the image
    (`alpine:3.12`, `python:3.8-alpine3.12`) no fix is offered when a
    runtime library is needed.

    No fix is offered (the diagnostic says why) when a `-dev` package has no
    known runtime library and is not a pure tool; when no build step follows
    the install in its stage; when packages or options come from variables;
    when a `RUN` cannot be read or extended (heredoc, unreadable shell, a
    trailing `;`, `&` or comment); when a later `RUN` of the stage (or of a
    stage built from it) builds again or removes the packages, or `CMD` or
    `ENTRYPOINT` runs a build tool; when several commands install build
    packages; and when an instruction between the install and the build
    cannot move above the install. `COPY`/`ADD` move only when they write
    outside the system directories (`/etc`, `/usr` but `/usr/local`, `/var`,
    `/lib`, ...), to paths the install does not use, with no `--chown` to a
    named user (the install may create it), and the install runs nothing but
    package commands; `WORKDIR` alike; `ENV` and `ARG` move when the install
    does not read the variable and it is none that package managers read
    (`PATH`, proxies, `DEBIAN_FRONTEND`, `LANG`, ...); `USER`, `SHELL`,
    `VOLUME` and other `RUN`s never move.

    ## Estimated savings
    Typical installed sizes on Alpine, not measured here (no Alpine mirror is
    reachable from the build tests; `slimfix/semantics/savings.toml`): `build-base` about
    230 MB, `gcc` 150 MB, `g++` 170 MB (compilers count once); `rust`/`cargo`
    400 MB, `go` 250 MB, `cmake` 40 MB, `python3-dev` 30 MB, `linux-headers`
    7 MB, `musl-dev` 5 MB, any other `-dev` package 5 MB.
    """

    def check(self, ctx: FileContext) -> Iterable[Diagnostic]:
        name = _virtual_name(ctx.text)
        for finding in findings(ctx, "apk", "alpine", _removes):
            yield self._diagnose(ctx, finding, name)

    def _diagnose(self, ctx: FileContext, f: KeptBuildDeps, name: str) -> Diagnostic:
        reason = f.reason
        if reason is None and f.runtime:
            base = ctx.root_image(ctx.stage(f.instruction))
            if _older_alpine(base):
                reason = (f"the runtime library names ({package_list(f.runtime)}) are Alpine 3.17's "
                          f"and the base image {base} is older")
        virtual = f.view.option("virtual")
        group = virtual.value if virtual is not None and virtual.value else name
        out = outcome(ctx, f, reason, lambda joiner: _rewrite(f, joiner, group), "remove",
                      f"install them as {group} and `apk del {group}` after the build")
        if out.edits is None:
            return self.diagnostic(f.instruction, out.message)
        fix = Fix(out.edits, Applicability.UNSAFE, out.description)
        return self.diagnostic(f.instruction, out.message, fix=fix, savings=f.savings)


def _rewrite(f: KeptBuildDeps, joiner: str, group: str) -> Rewrite:
    """Keep the longer package list in the install command; a new ``apk add`` gets the other."""
    command = f.view.command
    virtual = f.view.option("virtual")
    virtual_words = [w for w in (virtual.word, virtual.value_word) if w is not None] if virtual else []
    if f.keeps_build_in_place or virtual is not None:
        after = ""
        if f.kept or f.runtime:
            after = joiner + command_text(command, [p.word for p in f.build] + virtual_words, f.runtime)
        option = "" if virtual is not None else f"--virtual {group}"
        return Rewrite(tuple(p.word for p in f.kept), option, after=after, removal=f"apk del {group}")
    build = command_text(command, [p.word for p in f.kept], (), f"--virtual {group}", f.view.anchor)
    after = "".join(" " + name for name in f.runtime) + joiner + build
    return Rewrite(tuple(p.word for p in f.build), after=after, removal=f"apk del {group}")


def _removes(run: RunView, f: KeptBuildDeps) -> Optional[str]:
    """"all" when ``run`` deletes the finding's packages (or may: an expansion), "some", else None."""
    virtual = f.view.option("virtual")
    names = set(f.names)
    removed = set()
    for view in run.views("apk"):
        if view.action != "remove":
            continue
        for package in view.packages:
            if package.name is None:
                return "all"
            if virtual is not None and package.name == virtual.value:
                return "all"
            removed.add(package.name)
    return removal_extent(names, removed)


def _older_alpine(base: str) -> bool:
    """The image names an Alpine release before 3.17 (``alpine:3.12``, ``python:3.8-alpine3.12``)."""
    match = _ALPINE_RELEASE.search(base.lower())
    return match is not None and (int(match.group(1)), int(match.group(2))) < (3, 17)


def _virtual_name(text: str) -> str:
    name, n = VIRTUAL, 1
    while name in text:
        n += 1
        name = f"{VIRTUAL}-{n}"
    return name
