"""SF014: an `rm` meant for apt's lists names the wrong path."""

from __future__ import annotations

from typing import Iterable

from ..semantics.context import FileContext
from ..edits import Edit
from .base import Applicability, Diagnostic, Fix, Rule
from .apt_lists import LISTS, lists_savings, mistyped_cleanups
from .sf002_apt_lists_not_removed import updates

TARGET = LISTS + "/*"


class AptListsCleanupMistyped(Rule, summary="An rm meant for apt's package lists names the wrong path",
                                    fix_applicability=Applicability.UNSAFE):
    """
    ## What it does
    Finds an `rm` argument that is meant to remove apt's package lists but
    names another path (`/var/apt/lists/*`, `/var/lib/apt/list/*`,
    `/var/lib/apt-get/lists`), and replaces it with `/var/lib/apt/lists/*`.

    ## Why is this bad?
    The `rm` silently removes nothing (`-f` hides the error), so the lists
    stay in the layer while the Dockerfile looks clean.

    ## Example
    ```dockerfile
    RUN apt-get update && apt-get install -y curl && rm -rf /var/apt/lists/*
    ```

    ## Use instead
    ```dockerfile
    RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*
    ```

    ## Fix safety
    Unsafe: the mistyped path might exist and be meant, and the right one
    removes files the build then no longer has. An argument is taken as
    meant for the lists when it is a literal path under `/var` with a folder
    whose name starts with `list` below one whose name contains `apt`, and
    neither covers `/var/lib/apt/lists` (`/var/lib/apt`,
    `/var/lib/apt/lists*`) nor lies inside it (`/var/lib/apt/lists/partial`);
    apt's sources (`/etc/apt/sources.list.d/x.list`) are not lists.
    No fix is offered in a `RUN` that does not update the lists (removing
    them there would not shrink the image), when the `rm` is not recursive (`rm -f` of the lists'
    entries fails on their `partial` folder) or when part of the `RUN`
    cannot be read. SF002 defers to this rule: it adds no second cleanup
    next to a mistyped one.

    `RUN <<EOF` scripts (a `RUN` whose command is one heredoc, with no `#!`
    line or a POSIX shell's) and `ONBUILD RUN` are checked and fixed like any
    `RUN`: the path is replaced in the script's line.

    ## Estimated savings
    The size of the package lists (see SF002).
    """

    def check(self, ctx: FileContext) -> Iterable[Diagnostic]:
        for run in ctx.runs():
            instruction = run.instruction
            if "apt" not in run.shell_text:
                continue
            found = mistyped_cleanups(run)
            if not found:
                continue
            words = ", ".join(f"`{word.text}`" for _, word in found)
            message = f"{words} is not where apt keeps its lists; remove `{TARGET}`"
            if not updates(run):
                yield self.diagnostic(instruction, message + " (no automatic fix: this RUN does not update the lists, "
                                      "removing them here would not shrink the image)")
                continue
            if run.script.has_opaque or not all(view.has("recursive") for view, _ in found):
                yield self.diagnostic(instruction, message + " (no automatic fix: the rm is not recursive or "
                                      "part of the RUN cannot be read)")
                continue
            edits = tuple(run.file_edit(Edit(word.start, word.end, TARGET)) for _, word in found)
            fix = Fix(edits, Applicability.UNSAFE, f"replace with `{TARGET}`")
            yield self.diagnostic(instruction, message, fix=fix, savings=lists_savings(ctx, instruction))
