"""SF010: gem install generates documentation."""

from __future__ import annotations

import re
from typing import Iterable

from ..semantics.context import FileContext
from ..semantics.images import ImageRef, family_of
from ..semantics.run import RunView
from ..semantics.savings import typical
from ..shell.commands import CommandView
from ..syntax import Instruction
from .base import Applicability, Diagnostic, Rule
from .package_caches import abbreviates, commands, earlier_match, option_finding, plural

OPTION = "--no-document"
# `gem: --no-document` (or `install: ...`, or the old `--no-rdoc --no-ri`) in a script that names a gemrc
_GEMRC_LINE = re.compile(r"\b(?:gem|install):\s*[^\n'\"]*--no-(?:document|doc|rdoc|ri)\b")


def _documents(view: CommandView) -> bool:
    """``gem install`` that generates ri/rdoc documentation."""
    if view.subcommand != "install" or view.option("--document") is not None:
        return False
    if view.has("no_document") or (view.has("no_ri") and view.has("no_rdoc")):
        return False
    return not abbreviates(view, OPTION, len("--no-doc"))


def _savings(view: CommandView) -> int:
    return typical("gem_docs") * max(1, len(view.args))


class GemDocsInstalled(Rule, summary="gem install generates documentation", fix_applicability=Applicability.SAFE):
    """
    ## What it does
    Finds `gem install` commands without `--no-document`, and adds it after
    `install`.

    ## Why is this bad?
    By default RubyGems generates ri and RDoc documentation for every gem it
    installs, dependencies included. Nobody reads it in a container, it takes
    build time, and it stays in the layer.

    ## Example
    ```dockerfile
    RUN gem install bundler rails
    ```

    ## Use instead
    ```dockerfile
    RUN gem install --no-document bundler rails
    ```

    ## Fix safety
    Safe: only documentation is left out (RubyGems 2.0 and later know the
    option). Nothing is reported when the command already decides
    (`--no-document`, `-N`, an abbreviation such as `--no-doc`, both
    `--no-rdoc` and `--no-ri`, or `--document`), when an earlier `RUN` of the
    stage or of the stages it is built from writes `gem: --no-document` (or
    `install: --no-document`) to a gemrc file, when the stage is built from
    the official `ruby` image (it ships `/usr/local/etc/gemrc` with
    `install: --no-document`), or for commands inside `$(...)`. No fix is
    offered when part of the `RUN` cannot be read, or on Ubuntu 14.04,
    Debian 8, CentOS 6 and older, whose packaged RubyGems may predate the
    option.

    `RUN <<EOF` scripts (a `RUN` whose command is one heredoc, with no `#!`
    line or a POSIX shell's) and `ONBUILD RUN` are checked and fixed like any
    `RUN`: the option is a word inserted in the script's line.

    ## Estimated savings
    5 MB per gem named on the command line: the ri and RDoc files of a
    typical gem and its dependencies (from under 1 MB for small gems to tens
    of megabytes for `rails`).
    """

    def check(self, ctx: FileContext) -> Iterable[Diagnostic]:
        for run in ctx.runs():
            instruction = run.instruction
            found = [v for _, v in commands(run, ("gem",)) if _documents(v)]
            if not found or _documents_off(ctx, instruction, run, found[0]):
                continue
            message = f"gem install generates documentation ({plural(len(found), 'command')}); add `{OPTION}`"
            savings = sum(_savings(v) for v in found)
            yield option_finding(self, ctx, instruction, run, found, message, OPTION, "gem", savings)


def _documents_off(ctx: FileContext, instruction: Instruction, run: RunView, view: CommandView) -> bool:
    """A gemrc turns documentation off for ``view`` and the commands after it."""
    family = family_of(ImageRef.parse(ctx.root_image(ctx.stage(instruction))))
    if family is not None and family.name == "ruby":
        return True
    return earlier_match(ctx, instruction, run, view.command.start, _GEMRC_LINE, needle="gemrc")
