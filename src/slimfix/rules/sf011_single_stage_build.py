"""SF011: build tooling shipped in a single-stage image."""

from __future__ import annotations

from typing import Iterable

from ..edits import Edit
from ..semantics.context import FileContext
from ..semantics.split import analyse
from .base import Applicability, Diagnostic, Fix, Rule


class SingleStageBuild(Rule):
    """
    ## What it does
    Finds a single-stage Dockerfile that installs build tooling (compilers,
    headers, or a full base image such as `python:3.11` that has a slim
    variant) and then installs the application's dependencies with pip, npm
    or yarn, and rewrites it into stages: a `builder` stage that has the
    tooling and installs the dependencies into an isolated prefix, and a
    runtime stage that copies the result and installs only what runs.

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
    FROM python:3.8-alpine AS base

    FROM base AS builder
    RUN apk update && apk --no-cache add gcc python3-dev musl-dev postgresql-dev
    COPY requirements.txt /requirements.txt
    RUN pip install --prefix=/install -r /requirements.txt

    FROM base
    RUN apk --no-cache add libpq
    COPY --from=builder /install /usr/local
    COPY src /app
    WORKDIR /app
    ```

    ## Fix safety
    Unsafe: it only runs when selected by its code, and its fix applies then
    (or with `--unsafe-fixes`). The builder keeps the original base image (and
    its settings, the files the build reads, the build packages) and pip
    installs with `--prefix=/install` (the official `python` images) or
    `--root=/install` (a Python elsewhere); a Node build prunes its dev
    dependencies (`npm prune --omit=dev`, `yarn install --production`) and the
    runtime stage copies the app's `WORKDIR`. The runtime stage gets every
    other instruction in its original order, the packages minus the
    build-only ones (build-only and `-dev` -> runtime mapping from the package
    data), with the apt lists fetched and removed in the same `RUN`. Where the
    base is a full official image with a slim variant, the runtime stage uses
    that variant (`python:3.11` -> `python:3.11-slim`); a library the full
    image provided and a compiled extension links against must then be
    installed in the runtime stage, which the rule cannot see: check the image
    (`slimfix verify`). No fix is offered, and the diagnostic says why, when a
    `RUN` mixes steps the rule cannot place (an unknown command, `cd` into
    what only one stage has), for editable or `--user` installs, for pip in a
    virtualenv or as a non-root `USER`, for builds whose output cannot be
    located, and for files that are already multi-stage (those are not
    reported).

    ## Estimated savings
    The size difference of the full and slim base images, from the image table
    (about 850 MB for `python`), plus about 200 MB for a compiler toolchain.
    """

    code = "SF011"
    name = "single-stage-build"
    summary = "Build tooling ships in a single-stage image"
    fix_applicability = Applicability.UNSAFE
    explicit_only = True

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
