"""Build-only packages kept in the final image: where they are installed, which step needs them,
and how one RUN can install, build and remove them. Shared by SF005 (apk) and SF006 (apt).

``findings(ctx, tool, distro)`` yields a ``KeptBuildDeps`` per install command that leaves build-only
packages in a stage of the final image. A finding names the RUN that builds with them (the same
RUN, or a later one of the stage) and the instructions between the two that must move above the
install so the build can join it; ``reason`` says why no fix is possible. ``fix_edits`` turns a
finding and the package manager's own text (how to split the install, how to remove) into file
edits.
"""

from __future__ import annotations

import posixpath
import re
from shlex import quote
from typing import Callable, Iterator, List, Optional, Sequence, Tuple

from ..edits import Edit
from ..packages import BuildDeps, build_deps, load_catalog
from ..record import record
from ..semantics.context import FileContext
from ..semantics.run import MAX_LINE, RunView
from ..semantics.savings import packages_size
from ..semantics.shellfacts import ends_cleanly, is_and_chain
from ..semantics.shellstate import join_blocker
from ..shell import parse_shell
from ..shell.commands import CommandView, Package, classify
from ..shell.edit import insert_option
from ..shell.nodes import SimpleCommand, Word
from ..shell.walk import CommandContext, walk_commands
from ..syntax import Comment, Instruction

# Programs that compile, or fetch and build, whatever their arguments.
_BUILD_PROGRAMS = frozenset({
    "make", "gmake", "cmake", "ninja", "meson", "scons", "gcc", "cc", "g++", "c++", "clang", "clang++",
    "rustc", "configure", "node-gyp", "docker-php-ext-install", "docker-php-ext-configure", "phpize",
    "cpanm", "cpan", "mix", "rebar3", "cabal", "stack", "luarocks",
})
# Programs that build only in some subcommands.
_BUILD_SUBCOMMANDS = {
    "go": {"build", "install", "get", "test", "run", "generate"},
    "cargo": {"build", "install", "test", "run", "b", "t", "r"},
    "pecl": {"install"},
    "poetry": {"install", "add", "build"},
    "pipenv": {"install", "sync"},
    "pdm": {"install", "sync", "add"},
    "uv": {"sync", "pip", "add"},
    "gem": {"install", "build"},
    "bundle": {"install"},
    "bundler": {"install"},
}
# Tools of the command model whose install or build actions compile native extensions.
_BUILD_ACTIONS = {
    "pip": {"install", "build"}, "npm": {"install"}, "yarn": {"install"}, "pnpm": {"install"},
    "gem": {"install", "build"}, "bundle": {"install"},
}
_NPM_BUILD_SUBCOMMANDS = {"rebuild", "rb"}
# pip upgrading itself or its own tooling builds nothing.
_PIP_TOOLING = frozenset({"pip", "setuptools", "wheel", "virtualenv", "pipenv", "poetry", "uv", "build"})
_PYTHON = re.compile(r"^python[0-9.]*$")
_SETUP_PY_BUILDS = frozenset({"build", "build_ext", "install", "bdist_wheel", "develop", "bdist_egg"})

# Instructions that never change what a RUN does, whatever their order around it.
_METADATA = frozenset({"LABEL", "EXPOSE", "MAINTAINER", "STOPSIGNAL", "HEALTHCHECK", "CMD", "ENTRYPOINT"})
# Package managers write here: a COPY or WORKDIR into these must not move above an install.
_SYSTEM_DIRS = ("/etc", "/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/var", "/run",
                "/boot", "/opt/conda", "/root")
_USER_DIRS = ("/usr/local", "/usr/src")
# Environment that package managers, their maintainer scripts or the shell read.
_SENSITIVE_ENV = re.compile(
    r"^(PATH|HOME|SHELL|USER|TMPDIR|TMP|TEMP|LANG|LANGUAGE|TZ|ENV|BASH_ENV|IFS|LC_\w*|DEBIAN_\w*|DEBCONF_\w*"
    r"|APT_\w*|DPKG_\w*|LD_\w*|SSL_\w*|PYTHON\w*|\w*_PROXY|\w*_proxy)$"
)
# Commands a RUN may hold for instructions to move above it: they read neither the working
# directory nor files the moved instructions write.
_MOVE_SAFE_TOOLS = frozenset({"apk", "apt", "apt-mark", "rm"})
_MOVE_SAFE_PROGRAMS = frozenset({"echo", "true", ":"})

_COMMENT_LINE = re.compile(r"\n[ \t]*#")


@record
class KeptBuildDeps:
    """Build-only packages one install command leaves in the image, and the plan to remove them."""

    instruction: Instruction
    run: RunView
    install: CommandContext
    view: CommandView
    build: Tuple[Package, ...]  # the build-only packages it names
    kept: Tuple[Package, ...]  # every other package it names
    runtime: Tuple[str, ...] = ()  # runtime libraries to install for the -dev packages
    build_instruction: Optional[Instruction] = None  # the RUN that builds with them
    build_run: Optional[RunView] = None
    moved: Tuple[Instruction, ...] = ()  # must move above ``instruction`` for the build to join it
    join_only: bool = False  # the build RUN removes the packages itself: joining it is the fix
    reason: Optional[str] = None  # why no fix is offered
    savings: int = 0

    @property
    def names(self) -> Tuple[str, ...]:
        return tuple(p.name for p in self.build if p.name)

    @property
    def keeps_build_in_place(self) -> bool:
        """The install command keeps the build packages (and a new command installs the others),
        or the other way round: the longer list stays where the author wrote it."""
        return len(self.build) >= len(self.kept)


@record
class Rewrite:
    """How a package manager splits the install and removes the build packages after the build."""

    remove: Tuple[Word, ...] = ()  # package words to take out of the install command
    option: str = ""  # inserted after the install's subcommand
    before: str = ""  # inserted before the install command
    after: str = ""  # inserted after what is left of it
    removal: str = ""  # runs after the build; empty when the build RUN already removes them


# --- build steps ------------------------------------------------------------------------------


def build_step(command: SimpleCommand, view: Optional[CommandView]) -> Optional[str]:
    """What ``command`` builds with (``"pip install"``, ``"make"``, ...), or None."""
    if view is not None and view.tool in _BUILD_ACTIONS:
        rebuild = view.tool == "npm" and view.subcommand in _NPM_BUILD_SUBCOMMANDS
        if view.action in _BUILD_ACTIONS[view.tool] or rebuild:
            if view.tool == "pip" and _only_pip_tooling(view):
                return None
            return f"{view.program} {view.subcommand or ''}".strip()
        return None
    words = _unwrapped(command)
    if not words or words[0] is None:
        return None
    program = words[0].rsplit("/", 1)[-1]
    if program in _BUILD_PROGRAMS:
        return program
    subcommand = next((w for w in words[1:] if w is None or not w.startswith("-")), None)
    if program in _BUILD_SUBCOMMANDS and subcommand in _BUILD_SUBCOMMANDS[program]:
        return f"{program} {subcommand}"
    if _PYTHON.match(program):
        args = [w for w in words[1:] if w is not None]
        if "setup.py" in [a.rsplit("/", 1)[-1] for a in args] and _SETUP_PY_BUILDS.intersection(args):
            return f"{program} setup.py"
        if args[:2] == ["-m", "build"]:
            return f"{program} -m build"
    if program == "Rscript" and any(w and "install" in w for w in words[1:]):
        return "Rscript"
    return None


def _only_pip_tooling(view: CommandView) -> bool:
    if any(o.name in ("--requirement", "--editable", "--constraint") or o.meaning in ("requirement", "editable")
           for o in view.options):
        return False
    names = [p.name for p in view.packages]
    return bool(names) and all(n is not None and n.lower() in _PIP_TOOLING for n in names)


def _unwrapped(command: SimpleCommand) -> List[Optional[str]]:
    """The command's words after wrappers such as ``sudo`` or ``env X=1``."""
    wrappers = load_catalog().wrappers
    words = [w.value for w in command.words]
    i = 0
    while i < len(words) and words[i] is not None and words[i].rsplit("/", 1)[-1] in wrappers:
        i += 1
        while i < len(words) and words[i] is not None and (words[i].startswith("-") or "=" in words[i]):
            i += 1
    return words[i:]


def build_steps(run: RunView, after: int = -1) -> List[Tuple[CommandContext, str]]:
    """The commands of ``run`` that build, starting after shell position ``after``."""
    out = []
    for ctx, view in run.commands:
        if ctx.command.start > after and not ctx.in_function:
            step = build_step(ctx.command, view)
            if step is not None:
                out.append((ctx, step))
    return out


def command_builds(instruction: Instruction) -> Optional[str]:
    """The build tool a CMD, ENTRYPOINT or exec-form RUN runs, if any."""
    words = list(instruction.value)
    if not words:
        return None
    if instruction.is_exec_form:
        if len(words) >= 3 and words[0].rsplit("/", 1)[-1] in ("sh", "bash", "ash", "dash") and words[1] == "-c":
            text = words[2]
        else:
            text = " ".join(quote(w) for w in words)
    else:
        text = words[0]
    for ctx in walk_commands(parse_shell(text)):
        step = build_step(ctx.command, classify(ctx.command))
        if step is not None:
            return step
    return None


# --- stages -----------------------------------------------------------------------------------


# --- findings ---------------------------------------------------------------------------------


def findings(ctx: FileContext, tool: str, distro: str, removes: Callable[[RunView, KeptBuildDeps], Optional[str]]
             ) -> Iterator[KeptBuildDeps]:
    """Install commands of ``tool`` in the final image's stages that keep build-only packages.

    ``removes(run, finding)`` tells whether a RUN removes the finding's packages: "all" when it
    surely does (or might: a removal with expansions), "some" when it removes some of them, else
    None."""
    deps = build_deps(distro)
    for index in ctx.final_lineage():
        stage = ctx.tree.stages[index]
        for position, instruction in enumerate(stage.instructions):
            run = ctx.run(instruction)
            if run is None or run.onbuild or tool not in run.shell_text:  # every program name contains its tool's
                continue
            installs = [(c, v) for c, v in run.commands
                        if v is not None and v.tool == tool and v.action == "install" and not c.in_function]
            found = [f for f in (_finding(instruction, run, c, v, deps) for c, v in installs) if f is not None]
            found = [f for f in found if removes(run, f) != "all"]
            if not found:
                continue
            first = found[0]
            if run.has_heredoc:
                yield _no_fix(first, "the RUN uses a heredoc")
                continue
            if len(found) > 1:
                yield _no_fix(first, "build packages are installed by more than one command")
                continue
            if removes(run, first) == "some":
                yield _no_fix(first, "the RUN already removes some of them")
                continue
            yield _plan(ctx, stage, position, first, deps, removes)


def _finding(instruction, run, ctx, view, deps: BuildDeps) -> Optional[KeptBuildDeps]:
    build, kept = [], []
    for package in view.packages:
        (build if package.name is not None and deps.is_build_only(package.name) else kept).append(package)
    if not build:
        return None
    return KeptBuildDeps(instruction, run, ctx, view, tuple(build), tuple(kept))


def _no_fix(finding: KeptBuildDeps, reason: str) -> KeptBuildDeps:
    return KeptBuildDeps(**{**finding.__dict__, "reason": reason})


def _plan(ctx: FileContext, stage, position: int, finding: KeptBuildDeps, deps: BuildDeps, removes) -> KeptBuildDeps:
    f = finding
    view, run = f.view, f.run
    savings = estimate_savings(view.tool, f.names)
    dynamic_option = any(o.value_word is not None and o.value is None for o in view.options)
    if view.hidden_arguments or any(p.name is None for p in view.packages) or view.unknown_options or dynamic_option:
        return _no_fix(f, "packages or options are given by variables or unknown flags")
    if run.script.has_opaque:
        return _no_fix(f, "part of the RUN cannot be read")
    runtime: List[str] = []
    unknown: List[str] = []
    for name in f.names:
        libraries = deps.runtime_for(name)
        if libraries is None:
            if name not in deps.build_only:
                unknown.append(name)
            continue
        runtime.extend(lib for lib in libraries if lib not in runtime)
    named = {p.name for p in f.kept}
    runtime = [lib for lib in runtime if lib not in named]
    f = KeptBuildDeps(**{**f.__dict__, "runtime": tuple(runtime), "savings": savings})
    if unknown:
        return _no_fix(f, f"no runtime library is known for {', '.join(unknown)}")
    install = f.install
    if not install.top_level or install.in_pipeline or install.in_condition:
        return _no_fix(f, "the install is nested in a compound command or pipeline")
    instructions = stage.instructions
    later: Sequence[Instruction] = instructions[position + 1:]
    build_instruction, build_run = None, None
    if build_steps(run, install.command.end):
        build_instruction, build_run = f.instruction, run
        rest = later
    else:
        for k, candidate in enumerate(later):
            candidate_run = ctx.run(candidate)
            if candidate_run is not None and candidate_run.onbuild:
                continue  # runs in images built from this one, not after the install
            if candidate_run is None and candidate.keyword == "RUN" and command_builds(candidate):
                return _no_fix(f, f"the build RUN on line {candidate.start_line} is in exec form")
            if candidate_run is not None and build_steps(candidate_run):
                build_instruction, build_run, rest = candidate, candidate_run, later[k + 1:]
                break
    if build_run is None:
        return _no_fix(f, "no build step (pip, npm, make, ...) follows in the stage")
    f = KeptBuildDeps(**{**f.__dict__, "build_instruction": build_instruction, "build_run": build_run})
    needs = _later_need(ctx, stage.index, rest, f, removes)
    if needs:
        return _no_fix(f, needs)
    if build_run is not run:
        moved = tuple(instructions[position + 1:instructions.index(build_instruction)])
        removed = removes(build_run, f)
        if removed == "some":
            return _no_fix(f, f"the build RUN on line {build_instruction.start_line} removes only some of them")
        f = KeptBuildDeps(**{**f.__dict__, "moved": moved, "join_only": removed == "all"})
        reason = _join_blocker(ctx, stage, f)
        if reason:
            return _no_fix(f, reason)
    elif not ends_cleanly(run.script, run.shell_text):
        return _no_fix(f, "the RUN ends with an operator or a comment")
    return f


def _later_need(ctx: FileContext, stage_index: int, rest: Sequence[Instruction], f: KeptBuildDeps,
                removes) -> Optional[str]:
    """Why a later instruction of the stage (or of a stage built from it) still needs the packages."""
    later: List[Instruction] = list(rest)
    lineage = ctx.final_lineage()
    for stage in ctx.family(ctx.tree.stages[stage_index])[1:]:
        index = stage.index
        if index not in lineage and any(i.keyword == "RUN" for i in stage.instructions):
            return f"stage {stage.name} is built from this one and may build with them"
        later.extend(stage.instructions)
    for instruction in later:
        if instruction.effective_keyword in ("CMD", "ENTRYPOINT") and not instruction.sub_keyword:
            step = command_builds(instruction)
            if step:
                return f"the {instruction.keyword} on line {instruction.start_line} runs {step}"
            continue
        run = ctx.run(instruction)
        if run is None:
            if instruction.keyword == "RUN":
                return f"the RUN on line {instruction.start_line} cannot be read"
            continue
        steps = build_steps(run)
        if steps:
            return f"the RUN on line {instruction.start_line} still builds ({steps[0][1]})"
        if removes(run, f):
            return f"the RUN on line {instruction.start_line} removes them, too late for the layer that installs them"
    return None


# --- joining a later build RUN ------------------------------------------------------------------


def _join_blocker(ctx: FileContext, stage, f: KeptBuildDeps) -> Optional[str]:
    run, build = f.run, f.build_run
    assert build is not None
    if build.has_heredoc or build.script.has_opaque:
        return f"the build RUN on line {f.build_instruction.start_line} cannot be read or extended"
    if not ends_cleanly(run.script, run.shell_text):
        return "the RUN ends with an operator or a comment"
    if not is_and_chain(build.script):
        return f"the build RUN on line {f.build_instruction.start_line} is not a single && chain"
    if not ends_cleanly(build.script, build.shell_text):
        return f"the build RUN on line {f.build_instruction.start_line} ends with an operator or a comment"
    blocker = join_blocker([run.state], build.state)
    if blocker:
        return f"joining the build RUN would change it: {blocker}"
    if _joined_flags(f) is None:
        return "the install and build RUNs have different flags"
    for instruction in f.moved:
        reason = _cannot_move(ctx, stage, instruction, run)
        if reason:
            return f"the {instruction.keyword} on line {instruction.start_line} cannot move above the install: {reason}"
    return None


def _joined_flags(f: KeptBuildDeps) -> Optional[Tuple[str, ...]]:
    """Flags the install RUN must gain so the build keeps its own; None when they conflict."""
    mine, theirs = f.instruction.flags, f.build_instruction.flags  # type: ignore[union-attr]
    missing = tuple(flag for flag in theirs if flag not in mine)
    if not missing:
        return () if all(flag in theirs or flag.startswith("--mount=") for flag in mine) else None
    if all(flag.startswith("--mount=") for flag in missing + mine):
        return missing
    return None


def _cannot_move(ctx: FileContext, stage, instruction: Instruction, run: RunView) -> Optional[str]:
    keyword = instruction.keyword
    if instruction.heredocs:
        return "it has a heredoc"
    if keyword in _METADATA:
        return None
    if keyword not in ("COPY", "ADD", "WORKDIR", "ENV", "ARG"):
        return "it changes how the install runs" if keyword in ("USER", "SHELL", "VOLUME") else "it runs a command"
    unsafe = _unsafe_commands(run)
    if unsafe:
        return f"the install RUN also runs {unsafe}"
    if keyword in ("ENV", "ARG"):
        names = _defined_names(instruction)
        for name in names:
            if _SENSITIVE_ENV.match(name) or re.search(r"\$\{?" + re.escape(name) + r"\b", run.shell_text):
                return f"the install may read {name}"
        return None
    if keyword == "WORKDIR":
        path = _resolve(ctx.workdir_from_root(instruction), instruction.value[0] if instruction.value else "")
        paths = [path] if path else None
    else:
        for flag in instruction.flags:
            if flag.startswith("--chown=") and not re.fullmatch(r"--chown=\d+(:\d+)?", flag):
                return "its owner may be created by the install"
            if flag.startswith("--parents"):
                return "it copies whole source trees"
        paths = _written_paths(instruction, ctx.workdir_from_root(instruction))
    if paths is None:
        return "where it writes is not known"
    for path in paths:
        if _is_system_path(path):
            return f"it writes {path}, where packages are installed"
        if _mentions(run, path):
            return f"the install RUN uses {path}"
    return None


def _unsafe_commands(run: RunView) -> Optional[str]:
    for ctx, view in run.commands:
        if view is not None and view.tool in _MOVE_SAFE_TOOLS:
            continue
        if ctx.command.name in _MOVE_SAFE_PROGRAMS:
            continue
        return ctx.command.name or "a computed command"
    return None


def _defined_names(instruction: Instruction) -> List[str]:
    if instruction.keyword == "ENV":
        return list(instruction.value[0::2])
    return [word.split("=", 1)[0] for word in instruction.value]


def _resolve(workdir: Optional[str], path: str) -> Optional[str]:
    if "$" in path or not path or any(q in path for q in "\"'"):
        return None
    if not path.startswith("/"):
        if workdir is None:
            return None
        path = posixpath.join(workdir, path)
    trailing = path.endswith("/") or path.endswith("/.") or path == "."
    normal = posixpath.normpath(path)
    if normal.startswith("//"):
        normal = normal[1:]
    return normal.rstrip("/") + "/" if trailing and normal != "/" else normal


def _written_paths(instruction: Instruction, workdir: Optional[str]) -> Optional[List[str]]:
    """Paths a COPY or ADD writes; a path ending in ``/`` stands for anything under it."""
    words = list(instruction.value)
    if len(words) < 2:
        return None
    sources, dest = words[:-1], _resolve(workdir, words[-1])
    if dest is None:
        return None
    archive = instruction.keyword == "ADD"
    if len(sources) == 1 and not dest.endswith("/") and dest != "/" and not _is_tree(sources[0], archive):
        return [dest]
    base = dest if dest.endswith("/") else dest + "/"
    out = []
    for source in sources:
        if _is_tree(source, archive):
            out.append(base)
        else:
            out.append(base + source.rstrip("/").rsplit("/", 1)[-1])
    return out


def _is_tree(source: str, archive: bool) -> bool:
    """Whether a COPY/ADD source may be a directory (its contents land in the destination)."""
    if "://" in source:
        return False
    name = source.rstrip("/").rsplit("/", 1)[-1]
    if any(c in source for c in "*?[$") or name in ("", ".", "..") or "." not in name.lstrip("."):
        return True
    return archive and re.search(r"\.(tar|tgz|tbz2?|txz|gz|bz2|xz|zst)$", name) is not None


def _is_system_path(path: str) -> bool:
    bare = path.rstrip("/") or "/"
    if bare == "/":
        return True
    if any(bare == d or bare.startswith(d + "/") for d in _USER_DIRS):
        return False
    return any(bare == d or bare.startswith(d + "/") for d in _SYSTEM_DIRS)


def _mentions(run: RunView, path: str) -> bool:
    bare = path.rstrip("/")
    for ctx, _ in run.commands:
        for word in ctx.command.words:
            value = word.value
            if value is None or not value.startswith("/"):
                continue
            value = value.rstrip("/") or "/"
            if value == bare or bare.startswith(value + "/") or value.startswith(bare + "/"):
                return True
    return False


# --- edits ------------------------------------------------------------------------------------


def fix_edits(ctx: FileContext, f: KeptBuildDeps, rewrite: Callable[[str], Rewrite]) -> Optional[List[Edit]]:
    """File edits that split the install (``rewrite(joiner)``), join the build RUN (moving the
    instructions between above the install) and remove the build packages after the build; None
    when that would lose a comment inside an instruction."""
    run, build = f.run, f.build_run
    assert build is not None
    draft = Rewrite() if f.join_only else rewrite(" && ")
    joiner = _joiner(ctx, f, draft)
    change = Rewrite() if f.join_only else rewrite(joiner)
    edits = _install_edits(ctx, f, change)
    if edits is None:
        return None
    if build is not run:
        joined = _move_and_join(ctx, f, joiner)
        if joined is None:
            return None
        edits.extend(joined)
        flags = _joined_flags(f)
        if flags:
            after_keyword = ctx.offset(f.instruction) + len(f.instruction.indent) + len(f.instruction.keyword)
            edits.append(Edit.insert(after_keyword, " " + " ".join(flags)))
    if change.removal:
        end = build.file_offset(build.script.body.items[-1].end)
        edits.append(Edit.insert(end, joiner + change.removal))
    return edits


@record
class Outcome:
    """What a rule reports for a finding: its message and, when there is one, the fix."""

    message: str
    edits: Optional[Tuple[Edit, ...]] = None
    description: str = ""


def outcome(ctx: FileContext, f: KeptBuildDeps, reason: Optional[str], rewrite: Callable[[str], Rewrite], verb: str,
            action: str) -> Outcome:
    """The message and fix for ``f``: ``verb`` is how the packages go ("remove", "purge"),
    ``action`` what the fix does to them (for its description)."""
    message = f"build-only packages {package_list(f.names)} stay in the image"
    edits = None if reason else fix_edits(ctx, f, rewrite)
    if reason is None and edits is None:
        reason = "a comment inside the RUN would be lost"
    if reason is not None:
        return Outcome(f"{message} (no automatic fix: {reason})")
    line = f.build_instruction.start_line  # type: ignore[union-attr]
    if f.join_only:
        return Outcome(f"{message}; join the RUN that {verb}s them", tuple(edits),  # type: ignore[arg-type]
                       f"join the RUN on line {line}, which {verb}s them")
    where = "in the same RUN" if f.build_run is f.run else f"joining the build RUN on line {line}"
    return Outcome(f"{message}; {verb} them after the build in the same RUN", tuple(edits),  # type: ignore[arg-type]
                   f"{action}, {where}")


def _install_edits(ctx: FileContext, f: KeptBuildDeps, change: Rewrite) -> Optional[List[Edit]]:
    run, command = f.run, f.view.command
    edits = remove_words_in_layout(ctx.text, run, change.remove)
    if edits is None:
        return None
    if change.option:
        edits.append(run.file_edit(insert_option(f.view, change.option)))
    if change.before:
        edits.append(Edit.insert(run.file_offset(command.start, after_break=True), change.before))
    if change.after:
        removed = {id(w) for w in change.remove}
        last = [p for p in command.parts if not isinstance(p, str) and id(p) not in removed][-1]
        edits.append(Edit.insert(run.file_offset(last.end), change.after))
    return edits


def remove_words_in_layout(text: str, run: RunView, words: Sequence[Word]) -> Optional[List[Edit]]:
    """File edits that delete ``words`` of a RUN and keep the author's layout: a word alone on its
    line goes with the line, others with the blank that separates them from what stays. None when
    that would delete a comment line of the instruction."""
    escape = run.instruction.escape
    spans = [(run.file_offset(w.start, after_break=True), run.file_offset(w.end)) for w in words]
    starts = {s: e for s, e in spans}
    ends = {e: s for s, e in spans}
    cuts: List[Tuple[int, int]] = []
    for start, end in spans:
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end)
        line_end = len(text) if line_end < 0 else line_end
        continued = text[end:line_end].strip(" \t\r").endswith(escape)
        before = _kept_before(text, line_start, start, ends)
        after = _kept_after(text, end, line_end, starts, escape)
        if before is None and after is None:  # nothing else on the line
            if continued:
                cuts.append((line_start, line_end + 1))
                continue
            previous = _previous_content_end(text, line_start, escape)
            if previous is None:
                return None
            cuts.append((previous, end))
        elif before is not None:
            cuts.append((before, end))
        else:
            cuts.append((start, after))  # type: ignore[arg-type]
    merged: List[List[int]] = []
    for start, end in sorted(cuts):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    for start, end in merged:
        if _COMMENT_LINE.search(text[start:end]):
            return None
    return [Edit(start, end, "") for start, end in merged]


def _kept_before(text: str, line_start: int, pos: int, removed_ends) -> Optional[int]:
    """End of the last text before ``pos`` on its line that stays, or None."""
    while True:
        k = pos
        while k > line_start and text[k - 1] in " \t":
            k -= 1
        if k == line_start:
            return None
        if k in removed_ends:
            pos = removed_ends[k]
            continue
        return k


def _kept_after(text: str, pos: int, line_end: int, removed_starts, escape: str) -> Optional[int]:
    """Start of the first text after ``pos`` on its line that stays (the escape of a continuation
    does not count), or None."""
    while True:
        k = pos
        while k < line_end and text[k] in " \t":
            k += 1
        if text[k:line_end].strip(" \t\r") in ("", escape):
            return None
        if k in removed_starts:
            pos = removed_starts[k]
            continue
        return k


def _previous_content_end(text: str, line_start: int, escape: str) -> Optional[int]:
    """Where the content of the physical line before ``line_start`` ends (before its escape)."""
    if line_start == 0:
        return None
    k = text.rfind("\n", 0, line_start - 1) + 1
    line = text[k:line_start - 1].rstrip("\r")
    body = line.rstrip(" \t")
    if not body.endswith(escape) or line.lstrip().startswith("#"):
        return None
    return k + len(body[:-len(escape)].rstrip(" \t"))


def _joiner(ctx: FileContext, f: KeptBuildDeps, draft: Rewrite) -> str:
    """``" && "`` while the joined RUN fits on one line, else the author's multi-line joiner."""
    run, build = f.run, f.build_run
    comments = _build_comments(ctx, f)
    if run.style.multiline:
        return run.style.joiner
    if build is not run and build.style.multiline:  # type: ignore[union-attr]
        return build.style.joiner  # type: ignore[union-attr]
    added = len(draft.option) + len(draft.before) + len(draft.after)
    length = len(f.instruction.code.rstrip("\r\n")) + added + len(draft.removal) + 4
    if build is not run:
        length += len(build.shell_text) + 4  # type: ignore[union-attr]
    if length <= MAX_LINE and not comments:
        return " && "
    style = run.style
    return f" {style.escape}{f.instruction.newline or style.newline}{style.indent}&& "


def _build_comments(ctx: FileContext, f: KeptBuildDeps) -> List[Comment]:
    """Comment lines right above the build RUN (after the last moved instruction)."""
    if f.build_run is f.run:
        return []
    lines = ctx.tree.body
    k = lines.index(f.build_instruction)
    out: List[Comment] = []
    k -= 1
    while k >= 0 and not isinstance(lines[k], Instruction):
        if isinstance(lines[k], Comment):
            out.insert(0, lines[k])
        k -= 1
    return out


def _move_and_join(ctx: FileContext, f: KeptBuildDeps, joiner: str) -> Optional[List[Edit]]:
    run, build = f.run, f.build_run
    lines = ctx.tree.body
    # the moved instructions, each with the comment lines above it, go above the install RUN and
    # its own comments
    moved_text = []
    for instruction in f.moved:
        k = lines.index(instruction) - 1
        block = [instruction.code]
        while k >= 0 and not isinstance(lines[k], Instruction):
            if isinstance(lines[k], Comment):
                block.insert(0, lines[k].code)
            k -= 1
        moved_text.append("".join(block))
    k = lines.index(f.instruction)
    while k > 0 and type(lines[k - 1]) is Comment:
        k -= 1
    top = ctx.offset(lines[k])
    edits = []
    if moved_text:
        edits.append(Edit.insert(top, "".join(moved_text)))
    comments = "".join(c.code for c in _build_comments(ctx, f))
    head, sep, tail = joiner.rpartition("\n")
    join_text = head + sep + comments + tail if sep else joiner
    start = run.file_offset(run.script.body.items[-1].end)
    end = build.file_offset(0, after_break=True)  # type: ignore[union-attr]
    tail = ctx.text[start:ctx.end_offset(f.instruction)]
    head = ctx.text[ctx.offset(f.build_instruction):end]
    if _COMMENT_LINE.search(tail) or _COMMENT_LINE.search(head):
        return None  # a comment inside one of the two RUNs would be lost
    edits.append(Edit(start, end, join_text))
    return edits


# --- packages ---------------------------------------------------------------------------------


def estimate_savings(tool: str, names: Sequence[str]) -> int:
    """What the build-only packages add to the image (``semantics/savings.py``)."""
    return packages_size(tool, names)


def command_text(command: SimpleCommand, drop: Sequence[object], add: Sequence[str] = (), option: str = "",
                 anchor: Optional[Word] = None) -> str:
    """``command`` on one line without the words in ``drop``, with ``add`` appended and ``option``
    after ``anchor``."""
    out = []
    for part in command.parts:
        if isinstance(part, str) or any(part is d for d in drop):
            continue
        out.append(part.code)
        if option and part is anchor:
            out.append(option)
    return " ".join(out + list(add))


def package_list(names: Sequence[str]) -> str:
    return ", ".join(names)


__all__ = [
    "KeptBuildDeps", "Outcome", "Rewrite", "build_step", "build_steps", "command_text",
    "estimate_savings", "findings", "fix_edits", "outcome", "package_list",
]


def removal_extent(names: set, removed: set) -> Optional[str]:
    """How much of ``names`` a RUN removes: "all", "some", or None."""
    if names <= removed:
        return "all"
    return "some" if names & removed else None
