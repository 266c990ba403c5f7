"""SF015: a build tool's download or build cache stays in an image that ships."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Dict, Iterable, List, Optional, Tuple

from ..record import record
from ..semantics.context import FileContext
from ..datafiles import load_table
from ..semantics.run import RunView
from ..semantics.stages import parent_stage
from ..shell.walk import CommandContext
from ..syntax import Instruction
from .base import Applicability, Diagnostic, Fix, Rule
from .package_caches import cache_mounted, plural, variable
from .shell_paths import changes_directory


@record
class Cache:
    name: str
    programs: Tuple[str, ...]
    subcommands: Tuple[str, ...]
    clean: str
    cleaned_by: Tuple[str, ...]
    skip_options: Tuple[str, ...]
    skip_option_prefixes: Tuple[str, ...]
    skip_env: Tuple[str, ...]
    mounts: Tuple[str, ...]
    mount_suffixes: Tuple[str, ...]
    downloads_again: bool  # a later use of the tool would download what the clean removes
    savings: int
    later_pattern: str = ""  # the later commands that count as a use (default: any naming the program)


@lru_cache(maxsize=None)
def caches() -> Tuple[Cache, ...]:
    out = []
    for entry in load_table("semantics/caches.toml")["cache"]:
        out.append(Cache(
            entry["name"], tuple(entry["programs"]), tuple(entry["subcommands"]), entry["clean"],
            tuple(entry.get("cleaned_by", ())), tuple(entry.get("skip_options", ())),
            tuple(entry.get("skip_option_prefixes", ())), tuple(entry.get("skip_env", ())),
            tuple(entry.get("mounts", ())), tuple(entry.get("mount_suffixes", ())),
            entry["later_use"] == "downloads", int(entry["savings"]), entry.get("later_pattern", ""),
        ))
    return tuple(out)


@lru_cache(maxsize=None)
def _caches_by_program() -> Dict[str, Tuple[Cache, ...]]:
    """Program basename -> the caches it may fill, in table order (most commands fill none)."""
    out: Dict[str, List[Cache]] = {}
    for cache in caches():
        for program in dict.fromkeys(cache.programs):
            out.setdefault(program, []).append(cache)
    return {program: tuple(found) for program, found in out.items()}


def _invocation(c: CommandContext) -> Optional[Tuple[str, str, Tuple[str, ...]]]:
    """(program word as written, its basename, the other literal words) of a direct call, with
    no wrapper, no expansion and no inline variable slimfix cannot see through."""
    words = c.command.words
    if not words or any(w.value is None for w in words):
        return None
    program = words[0].value
    return program, program.rsplit("/", 1)[-1], tuple(w.value for w in words[1:])


def _fills(cache: Cache, base: str, args: Tuple[str, ...]) -> bool:
    if base not in cache.programs:
        return False
    if any(a in cache.skip_options or a.startswith(cache.skip_option_prefixes or ("\0",)) for a in args):
        return False
    if "*" in cache.subcommands:
        return any(not a.startswith("-") for a in args)  # a goal or task (`mvn package`), not `gradle --version`
    positional = " ".join(a for a in args if not a.startswith("-"))
    return any(positional == sub or positional.startswith(sub + " ") for sub in cache.subcommands)


class BuildToolCacheKept(Rule, summary="A build tool's cache stays in an image that ships",
                               fix_applicability=Applicability.SAFE):
    """
    ## What it does
    Finds a `RUN` in a stage whose layers make up the final image (the last
    stage and the stages it is built `FROM`) where a build tool
    fills a cache it keeps in the image, and appends the command that empties
    it: `go clean -cache` and `go clean -modcache` after `go build`,
    `rm -rf "${CARGO_HOME:-$HOME/.cargo}/registry"` after `cargo build`, the
    Maven local repository and Gradle caches after `mvn`/`gradle`,
    `conda clean -a -y` after `conda install`, `composer clear-cache` after
    `composer install`, and the `.gem` files RubyGems and Bundler keep after
    `gem install` and `bundle install`. The tools, commands and cache locations are data
    (`slimfix/semantics/caches.toml`).

    ## Why is this bad?
    These caches are only useful to the next build on the same machine. In an
    image they ship to every user: hundreds of megabytes of downloaded
    sources, packages and compiled objects nothing at run time reads.
    Stages that only build (copied from with `COPY --from`, whose caches are
    not copied) are not reported.

    ## Example
    ```dockerfile
    FROM golang:1.22
    WORKDIR /src
    COPY . .
    RUN go build -o /usr/local/bin/app ./cmd/app
    CMD ["app"]
    ```

    ## Use instead
    ```dockerfile
    FROM golang:1.22
    WORKDIR /src
    COPY . .
    RUN go build -o /usr/local/bin/app ./cmd/app \\
        && go clean -cache \\
        && go clean -modcache
    CMD ["app"]
    ```

    ## Fix safety
    Safe for the caches whose loss only slows a later build down (Go build
    cache, conda, Composer, RubyGems), and for download caches (Go modules,
    Cargo registry, Maven, Gradle, Bundler) when the image says what it runs
    (a `CMD` or `ENTRYPOINT` in the file; without one it may be a build
    environment whose users rely on the caches) and no later instruction of
    the file names the tool (for Bundler: runs `bundle install`, `update`,
    `package`, `cache` or `add`; `bundle exec` reads installed gems only).
    Otherwise a later use (`RUN go test`, `CMD ["mvn", "spring-boot:run"]`)
    would download everything again, and fail offline: the fix is unsafe. A
    build tool run without a goal or task (`gradle --version`) is not
    reported. Nothing is reported when the cache is
    already emptied or moved after the command (a `cleaned_by` pattern of
    the table), lives on a cache or tmpfs mount, is put elsewhere or turned
    off by an option (`composer --no-cache`, `mvn -Dmaven.repo.local=...`,
    `--offline`) or by a variable the table names (`COMPOSER_CACHE_DIR`,
    `MAVEN_OPTS`), or when the tool runs through a wrapper (`sudo`, `env`)
    or with words slimfix cannot read. The fix is unsafe when the `RUN` could
    make the appended command mean something else (a shell function,
    `alias`, `source`, `eval`, a `PATH` set without `$PATH`, a change of
    `HOME`) or when the program is a relative path (`./mvnw`) and the
    working directory changes after it. No fix is offered when the `RUN`
    cannot be extended safely (trailing `&` or `;`; a comment after the
    last command stays last, after the cleanup).

    Also in `RUN <<EOF` scripts of a POSIX shell and in `ONBUILD RUN`: the
    cleanup commands join the script's last command with `&&`, keeping its
    exit status.

    ## Estimated savings
    Typical sizes per cache (not measured per file): Go build cache 150 MB,
    Go modules 100 MB, Cargo registry 200 MB, Maven repository 150 MB,
    Gradle caches 200 MB, conda packages 300 MB, Composer 30 MB, RubyGems
    10 MB, Bundler 20 MB.
    """

    def check(self, ctx: FileContext) -> Iterable[Diagnostic]:
        instructions = ctx.tree.instructions
        shipped = _shipped_stages(ctx)
        application = _runs_an_application(ctx, shipped)
        for index, instruction in enumerate(instructions):
            run = ctx.run(instruction)
            if run is None or ctx.stage(instruction).index not in shipped:
                continue
            found = self._kept(ctx, instruction, run)
            later = instructions[index + 1:]
            # caches whose loss a later use would notice get their own, unsafe, finding
            risky = [f for f in found if f[0].downloads_again and (_named_later(f[0], later) or not application)]
            for group, unsure in (([f for f in found if f not in risky], False), (risky, True)):
                if group:
                    yield self._diagnose(run, instruction, group, unsure)

    @staticmethod
    def _kept(ctx: FileContext, instruction: Instruction, run: RunView) -> List[Tuple[Cache, str, CommandContext]]:
        if run.script.has_opaque:
            return []
        out: List[Tuple[Cache, str, CommandContext]] = []
        by_program = _caches_by_program()
        for c, view in run.commands:
            if c.in_substitution or c.in_function:
                continue
            words = c.command.words
            if not words or (words[0].value or "").rsplit("/", 1)[-1] not in by_program:
                continue  # fills no cache (the cheap test before reading every word)
            call = _invocation(c)
            if call is None:
                continue
            program, base, args = call
            for cache in by_program[base]:
                if any(cache is seen for seen, _, _ in out) or not _fills(cache, base, args):
                    continue
                if cache_mounted(run, cache.mounts, cache.mount_suffixes):
                    continue
                if view is not None and variable(ctx, instruction, run, view, cache.skip_env) is not None:
                    continue
                if cache.skip_env and _set_for(ctx, instruction, run, c, cache.skip_env):
                    continue
                rest = run.shell_text[c.command.end:]
                if any(re.search(pattern, rest) for pattern in cache.cleaned_by):
                    continue
                out.append((cache, program, c))
        return out

    def _diagnose(self, run: RunView, instruction: Instruction, found, unsure: bool) -> Diagnostic:
        names = ", ".join(cache.name for cache, _, _ in found)
        message = f"{names} stay{'s' if len(found) == 1 else ''} in the image; empty {'it' if len(found) == 1 else 'them'} in the same RUN"
        savings = sum(cache.savings for cache, _, _ in found)
        level = Applicability.UNSAFE if unsure else Applicability.SAFE
        commands = []
        for cache, program, c in found:
            if "/" in program and not program.startswith("/") and _moves_after(run, c):
                level = Applicability.UNSAFE
            command = cache.clean.replace("{program}", program)
            if command not in commands:
                commands.append(command)
        if _changes_variables(run):
            level = Applicability.UNSAFE
        edit = run.append(" && ".join(commands)) if len(commands) == 1 else _append_all(run, commands)
        if edit is None:
            return self.diagnostic(instruction, f"{message} (no automatic fix: {run.cannot_append()})")
        fix = Fix((edit,), level, f"append {plural(len(commands), 'cleanup')}: " + ", ".join(f"`{c}`" for c in commands))
        return self.diagnostic(instruction, message, fix=fix, savings=savings)


def _shipped_stages(ctx: FileContext) -> set:
    """Indexes of the stages whose layers make up the final image: the last stage and the stages
    it is built FROM (a stage that is only copied from ships just the copied paths)."""
    stages = ctx.tree.stages
    out: set = set()
    stage = stages[-1] if stages else None
    while stage is not None and stage.index not in out:
        out.add(stage.index)
        stage = parent_stage(ctx.tree, stage)
    return out


def _runs_an_application(ctx: FileContext, shipped: set) -> bool:
    """The image says what it runs (a CMD or ENTRYPOINT in a shipped stage): an application image,
    not a build environment other Dockerfiles build FROM, whose users rely on its caches."""
    return any(instruction.keyword in ("CMD", "ENTRYPOINT")
               for stage in ctx.tree.stages if stage.index in shipped for instruction in stage.instructions)


def _append_all(run: RunView, commands: List[str]):
    """One edit appending every command, each joined in the author's layout."""
    first = run.append(commands[0])
    if first is None:
        return None
    joiner = first.content[: len(first.content) - len(commands[0])]
    return first.__class__(first.start, first.end, first.content + "".join(joiner + c for c in commands[1:]))


def _named_later(cache: Cache, later: Tuple[Instruction, ...]) -> bool:
    pattern = re.compile(cache.later_pattern) if cache.later_pattern else re.compile(r"(^|[\s\"'/=;&|(])(" + "|".join(re.escape(p) for p in cache.programs) + r")([\s\"',;&|)]|$)")
    return any(pattern.search(instruction.code) or any(pattern.search(h.content) for h in instruction.heredocs)
               for instruction in later)


def _set_for(ctx: FileContext, instruction: Instruction, run: RunView, c: CommandContext, names) -> bool:
    """One of ``names`` is set inline on the command (``NAME=x cmd``)."""
    return any(a.name in names for a in c.command.assignments)


def _moves_after(run: RunView, c: CommandContext) -> bool:
    return any(changes_directory(other) for other, _ in run.commands if other.command.start > c.command.start)


def _changes_variables(run: RunView) -> bool:
    """The RUN may leave a variable changed for the appended cleanup, which reads HOME and the
    tools' own variables (`$HOME/.m2`, `$(go env GOCACHE)`): any variable the shell-state
    allow-list sees set or unset, or HOME set on a command."""
    if any(effect.kind == "variable" for effect in run.state.effects):
        return True
    for c, view in run.commands:
        if any(a.name == "HOME" for a in c.command.assignments):
            return True
        if view is not None and view.tool == "export" and any((w.value or "").startswith("HOME=") for w in view.args):
            return True
    return False
