"""SF003: apt installs recommended packages."""

from __future__ import annotations

import re
from typing import Iterable

from ..semantics.context import FileContext
from ..semantics.savings import recommends_size
from ..shell.commands import CommandView
from .base import Applicability, Diagnostic, Fix, Rule
from .package_caches import commands, earlier_match, insertions, plural

OPTION = "--no-install-recommends"
# -o APT::Install-Recommends=VALUE on the command line
_RECOMMENDS_OPTION = re.compile(r"APT::Install-Recommends=(\S*)", re.I)
# APT::Install-Recommends "false"; written to an apt.conf file
_RECOMMENDS_CONFIG = re.compile(r"APT::Install-Recommends\s+\\?[\"']?\\?[\"']?(false|0|no|off)\b", re.I)
_OFF = frozenset({"false", "0", "no", "off"})


def _savings(found) -> int:
    """What the recommended packages of the installs' packages add (``name=version``, ``name:arch``
    and ``name/release`` are the package ``name``; a word known only at build time counts one)."""
    return recommends_size({re.split(r"[=:/]", w.value, 1)[0] if w.value else None for v in found for w in v.args}
                           or {None})


def _decides_recommends(view: CommandView) -> bool:
    """The command says whether recommends are installed (either way: the author chose)."""
    if view.has("no_install_recommends") or view.has("install_recommends"):
        return True
    return any(_RECOMMENDS_OPTION.search(value or "") for value in view.option_values("config"))


class AptInstallRecommends(Rule, summary="apt installs recommended packages",
                                 hadolint=("DL3015",), fix_applicability=Applicability.UNSAFE):
    """
    ## What it does
    Finds `apt-get install` and `apt install` commands that do not say
    `--no-install-recommends`, and adds it after `install`.

    ## Why is this bad?
    By default apt also installs the packages each requested package
    *recommends*: documentation tools, optional back ends, desktop helpers.
    Images rarely need them, and they often make up a large share of an
    install (`apt-get install python3` pulls in a compiler toolchain's worth
    of recommendations on some releases).

    ## Example
    ```dockerfile
    RUN apt-get update && apt-get install -y curl
    ```

    ## Use instead
    ```dockerfile
    RUN apt-get update && apt-get install -y --no-install-recommends curl
    ```

    ## Fix safety
    Unsafe: the image may rely on a recommended package (for example
    `ca-certificates`, which `wget` and curl's library only recommend), and
    only running the image tells. Nothing is reported
    when the command already decides (`--no-install-recommends`,
    `--install-recommends`, `-o APT::Install-Recommends=...`), when an earlier
    `RUN` of the stage (or of the stages it is built from) writes
    `APT::Install-Recommends "false";` to an apt configuration file, for
    simulated installs, or for commands inside `$(...)`. No fix is offered
    when part of the `RUN` cannot be read by slimfix's shell parser.

    `RUN <<EOF` scripts (a `RUN` whose command is one heredoc, with no `#!`
    line or a POSIX shell's) and `ONBUILD RUN` are checked and fixed like any
    `RUN`: the option is a word inserted in the script's line.

    ## Estimated savings
    What the recommended packages add to the named packages, each package once,
    measured on Debian 12 for typical installs (`apt_sizes.toml`, by
    `scripts/measure-packages.sh`: 9.3 MB for `wget`, 15.1 MB for `git`, 88 MB
    for `gcc`); a package not measured counts the median of the measured ones.
    """

    def check(self, ctx: FileContext) -> Iterable[Diagnostic]:
        for run in ctx.runs():
            instruction = run.instruction
            found = []
            for c, view in commands(run, ("apt",)):
                if view.subcommand != "install" or view.has("simulate") or _decides_recommends(view):
                    continue
                if earlier_match(ctx, instruction, run, c.command.start, _RECOMMENDS_CONFIG):
                    continue
                found.append(view)
            if not found:
                continue
            message = f"apt installs recommended packages ({plural(len(found), 'command')}); add `{OPTION}`"
            edits = insertions(run, found, OPTION)
            if edits is None:
                yield self.diagnostic(instruction, message + " (no automatic fix: part of the RUN cannot be read)")
                continue
            fix = Fix(edits, Applicability.UNSAFE, f"add `{OPTION}`")
            yield self.diagnostic(instruction, message, fix=fix, savings=_savings(found))
