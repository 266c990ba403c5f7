"""SF011: build tooling shipped in a single-stage image."""

from __future__ import annotations

from typing import Iterable

from ..edits import Edit
from ..semantics.context import FileContext
from .base import Applicability, Diagnostic, Fix, Rule
from .stage_split import analyse


class SingleStageBuild(Rule, summary="Build tooling ships in a single-stage image",
                             fix_applicability=Applicability.UNSAFE, explicit_only=True):
    """
    ## What it does
    Finds a single-stage Dockerfile that installs build tooling (compilers,
    headers, or a full base image such as `python:3.11` that has a slim
    variant) and then installs the application's dependencies with pip, npm
    or yarn (or builds a Go binary), and rewrites it into stages: a `builder`
    stage that has the tooling and installs the dependencies into an isolated
    prefix, and a runtime stage that copies the result and installs only what
    runs.

    ## Why is this bad?
    Compilers, headers and package-manager leftovers are needed for a few
    minutes while dependencies build and are shipped with every copy of the
    image afterwards. Removing them in the same `RUN` (`apk del .build-deps`)
    helps, but a multi-stage build also drops the full base image: a Python
    app measured 771 MB on `python:3` and 183 MB split onto its slim variant.

    ## Example
    ```dockerfile
    FROM python:3.8-alpine
    RUN apk update && apk --no-cache add libpq gcc python3-dev musl-dev postgresql-dev
    COPY requirements.txt /requirements.txt
    RUN pip install -r /requirements.txt
    COPY src /app
    WORKDIR /app
    ```

    ## Use instead
    ```dockerfile
    FROM python:3.8-alpine AS builder
    RUN apk update && apk --no-cache add gcc python3-dev musl-dev postgresql-dev
    COPY requirements.txt /requirements.txt
    RUN pip install --prefix=/install -r /requirements.txt

    FROM python:3.8-alpine
    RUN apk --no-cache add libpq
    COPY --from=builder /install /usr/local
    COPY src /app
    WORKDIR /app
    ```

    ## Fix safety
    Unsafe: the rule runs only when selected by its code, and its fix applies
    then (or with `--unsafe-fixes`). The builder keeps the original base image,
    the settings and files the build reads and the build packages (a
    `COPY . <dir>` before `pip install -r requirements.txt` becomes a copy of
    the requirement file alone when that file, next to the Dockerfile, refers
    to nothing else); build-only Python tools (Cython, pybind11) stay out of
    the prefix; pip
    installs with `--prefix=/install` (official `python` images) or
    `--root=/install` (any other Python); a Node build prunes its dev
    dependencies (`npm prune --omit=dev`, `yarn install --production`) and the
    runtime stage copies the app's `WORKDIR`; a Go binary (`go build -o`) is
    copied with the CA certificates. The runtime stage gets every other
    instruction in its original order and the packages minus the build-only
    ones, a `-dev` package giving way to its runtime libraries (both from the
    package data), with apt's lists fetched and removed in the same `RUN`.
    Where the base is a full official image with a smaller variant
    (`python:3.11` -> `python:3.11-slim`, `golang:1.22-bookworm` ->
    `debian:bookworm-slim`; the table is `semantics/images.toml`), the runtime
    stage uses it. A library the full image had and a compiled extension links
    against would then be missing: as the official images do, the builder
    lists the Debian packages that own the libraries of what it built (`ldd`
    piped to `dpkg-query --search`) in `.runtime-packages` next to it, and
    the runtime stage installs that list after copying the result (as root,
    the stage's `USER` restored after it). A Node app whose
    start command needs a dev dependency (`npx`, or a `package.json` script
    next to the Dockerfile that runs one) keeps its dev dependencies. Go tags
    whose Debian or Alpine release moves (`golang:latest`, `golang:1.22`) get
    no fixed runtime image, so no split: a cgo binary could meet an older C
    library. `slimfix verify` builds both images and checks that every shared
    library, Python module, Node dependency and entry point that worked in the
    original still does.
    Nothing is changed, and the diagnostic says why, when a `RUN` up to the
    last build step holds a command the rule cannot place (neither a package,
    dependency or build step nor runtime setup such as `useradd` or `mkdir`),
    for editable, `--user` or virtualenv installs, pip run by a non-root
    `USER`, Node outside a `WORKDIR`, builds whose output cannot be located
    (`make`, `go build` without `-o`), and `-dev` packages with no known
    runtime package. Files that are already multi-stage are not reported.

    ## Estimated savings
    What the runtime stage drops: when the split changes the image, the
    packages the full image has over its runtime variant (for `python`,
    `node` and `ruby`: buildpack-deps' package list, with the python image's
    own, measured as one install on Debian 12 in `apt_sizes.toml`: 832 MB for
    `python`, 815 MB for the others), counted together with the packages
    installed only for the build (sized as SF006 and SF005 size them), each
    package once, less what the runtime stage installs; for `golang` and the
    JDK images, whose packages are not measured, the official images' size
    difference (`images.toml`). Then apt's package lists when the original
    stage leaves them (see SF002).
    """

    def check(self, ctx: FileContext) -> Iterable[Diagnostic]:
        finding = analyse(ctx)
        if finding is None:
            return
        message = f"build tooling ({finding.tooling}) ships in the final image; build in a separate stage"
        plan = finding.plan
        if plan is None:
            yield self.diagnostic(finding.instruction, f"{message} (no automatic fix: {finding.reason})")
            return
        if plan.runtime_image:
            message += f" and run on {plan.runtime_image}"
        fix = Fix((Edit(plan.start, plan.end, plan.text),), Applicability.UNSAFE, "split into builder and runtime stages")
        yield self.diagnostic(finding.instruction, message, fix=fix, savings=plan.savings)
