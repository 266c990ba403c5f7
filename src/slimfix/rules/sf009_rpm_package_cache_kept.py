"""SF009: yum, dnf, microdnf or zypper keep their cache in the layer."""

from __future__ import annotations

from typing import FrozenSet, Iterable, List, Optional, Tuple

from ..record import record
from ..semantics.context import FileContext
from ..semantics.run import RunView
from ..semantics.savings import typical
from ..shell.commands import CommandView
from ..syntax import Instruction
from .base import Applicability, Diagnostic, Rule
from .package_caches import (
    after,
    append_fix,
    cache_mounted,
    commands,
    plural,
    removes_any,
    user_prefix,
)


@record
class _Family:
    tools: FrozenSet[str]  # tools that share one cache
    caches: Tuple[str, ...]  # cache directories
    clean_all: bool  # only `clean all` empties the cache (yum, dnf); any `zypper clean` counts
    cleanup: str  # appended, after the program name
    size: str  # savings.toml's [typical] entry of its metadata


YUM_DNF = _Family(frozenset({"yum", "dnf"}), ("/var/cache/yum", "/var/cache/dnf", "/var/cache/libdnf5"), True,
                  "clean all", "yum_dnf_metadata")
MICRODNF = _Family(frozenset({"microdnf"}), ("/var/cache/yum", "/var/cache/dnf"), True, "clean all", "microdnf_metadata")
ZYPPER = _Family(frozenset({"zypper"}), ("/var/cache/zypp",), False, "clean --all", "zypper_metadata")
FAMILIES = (YUM_DNF, MICRODNF, ZYPPER)

_FILLS_CACHE = frozenset({"install", "upgrade"})
_ROOT_OPTIONS = ("--installroot", "--root")


def _root(view: CommandView) -> Optional[str]:
    """The root the command installs into: "" for the image's own, None when not literal."""
    for name in _ROOT_OPTIONS:
        values = view.option_values(name)
        if values:
            return values[-1]
    return ""


def _fills_cache(view: CommandView) -> bool:
    if view.action not in _FILLS_CACHE or view.has("download_only") or view.has("simulate"):
        return False
    if view.has("cache_dir") or view.option("--cacheonly") is not None:
        return False
    return not any("cachedir" in (value or "") for value in view.option_values("setopt"))


def _cleans(family: _Family, view: CommandView, root: Optional[str]) -> bool:
    if view.tool not in family.tools or view.action != "cache_clean" or _root(view) != root:
        return False
    return not family.clean_all or "all" in view.arg_values


def _cleaned(family: _Family, run: RunView, view: CommandView) -> bool:
    root = _root(view)
    position = view.command.start
    if any(_cleans(family, v, root) for _, v in after(run, position)):
        return True
    if root is None:
        return False
    return removes_any(run, position, tuple(f"{root.rstrip('/')}{cache}/*" for cache in family.caches))


class RpmPackageCacheKept(Rule, summary="yum, dnf, microdnf or zypper keep their cache in the layer",
                                hadolint=("DL3032", "DL3036", "DL3040"), fix_applicability=Applicability.SAFE):
    """
    ## What it does
    Finds a `RUN` that installs or upgrades packages with yum, dnf, microdnf
    or zypper and does not empty the cache afterwards, and appends
    `yum clean all`, `dnf clean all`, `microdnf clean all` or
    `zypper clean --all`.

    ## Why is this bad?
    These package managers download repository metadata (and with some
    settings the packages themselves) into `/var/cache/yum`,
    `/var/cache/dnf` or `/var/cache/zypp`. The metadata of a distribution's
    repositories runs to tens or hundreds of megabytes, and it stays in the
    layer unless the same `RUN` removes it.

    ## Example
    ```dockerfile
    RUN dnf install -y httpd
    ```

    ## Use instead
    ```dockerfile
    RUN dnf install -y httpd && dnf clean all
    ```

    ## Fix safety
    Safe: the next command that needs the metadata downloads it again. The
    cache counts as emptied by a later `clean all` of the same tool family
    (yum and dnf stand for each other, as `yum` is dnf on current releases),
    any `zypper clean`/`zypper cc`, or an `rm -r` of the cache directory
    (`/var/cache/yum`, `/var/cache/dnf`, `/var/cache/libdnf5`,
    `/var/cache/zypp`, or their contents). Nothing is reported when a cache
    or tmpfs mount covers the cache directory, for `--downloadonly`,
    `--cacheonly`, a moved cache (`--setopt=cachedir=...`, zypper's
    `--cache-dir`), or commands inside `$(...)`. Installs into another root
    (`--installroot`, zypper's `--root`) must be cleaned in that root: they
    are reported without a fix, as are installs run as another user and
    `RUN`s that cannot be extended safely (a trailing `&` or `;`,
    unreadable shell text; a comment after the last command stays last). A bare `sudo` is repeated before the
    cleanup.

    `RUN <<EOF` scripts run by a POSIX shell, and `ONBUILD RUN`, count as well:
    the `clean all` goes after the script's last command, joined by `&&` so the
    script's status is kept; none after a final comment or `exit`.

    ## Estimated savings
    Per `RUN`: 100 MB for yum and dnf (the metadata of a CentOS, RHEL or
    Fedora release with its updates), 30 MB for microdnf (UBI's smaller
    repositories), 60 MB for zypper (openSUSE Leap's repositories).
    """

    def check(self, ctx: FileContext) -> Iterable[Diagnostic]:
        for run in ctx.runs():
            instruction = run.instruction
            for family in FAMILIES:
                if cache_mounted(run, family.caches):
                    continue
                found = [v for _, v in commands(run, family.tools) if _fills_cache(v) and not _cleaned(family, run, v)]
                if found:
                    yield self._diagnose(instruction, run, family, found)

    def _diagnose(self, instruction: Instruction, run: RunView, family: _Family,
                  found: List[CommandView]) -> Diagnostic:
        first = found[0]
        program = (first.program_words[0].value or first.tool).rsplit("/", 1)[-1]
        message = f"{program} keeps its cache in the layer ({plural(len(found), 'command')})"
        if any(_root(v) != "" for v in found):
            return self.diagnostic(instruction, message + " (no automatic fix: it installs into another root)")
        prefixes = {user_prefix(v) for v in found}
        if None in prefixes or len(prefixes) > 1:
            return self.diagnostic(instruction, message + " (no automatic fix: it runs as another user)")
        command = f"{prefixes.pop()}{program} {family.cleanup}"
        fix = append_fix(run, command, Applicability.SAFE)
        if fix is None:
            reason = run.cannot_append() or "the RUN cannot be extended safely"
            return self.diagnostic(instruction, f"{message} (no automatic fix: {reason})")
        return self.diagnostic(instruction, f"{message}; append `{command}`", fix=fix, savings=typical(family.size))
