"""Split a single-stage build into a builder stage and a runtime stage.

``analyse(ctx)`` looks for a file with one stage that installs build tooling (compilers, headers,
or simply a full base image that has a slim variant) and then installs the application's
dependencies with pip, npm or yarn, or builds a Go binary. It returns None when there is nothing
to split, else a ``Finding`` that carries either a ``Plan`` (the new text of the file from its
``FROM`` on) or the reason no plan could be made with confidence.

The plan projects the original instructions onto two stages, each in its original order:

- the builder gets the settings (``ENV``, ``ARG``, ``WORKDIR``, ``USER``, ``SHELL``) and files the
  build needs, the package installs minus the runtime-only packages, and the dependency steps:
  pip installs into an isolated prefix, a Node build ends by pruning its dev dependencies;
- the runtime stage gets everything else: package installs minus the build-only packages (a
  ``-dev`` package gives way to its runtime libraries), runtime setup (``useradd``, ``mkdir``...),
  the application files and every image-metadata instruction, and copies the build's result
  (``COPY --from=builder``: the pip prefix, the Node app's directory, the Go binary) where the
  last dependency step was.

A ``RUN`` is split command by command; a command the analysis cannot place makes it give up.
"""

from __future__ import annotations

import fnmatch
import posixpath
import re
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

from ..shell.commands import CommandView
from ..shell.edit import Edit as ShellEdit, insert_option, remove_words, replace_word
from ..shell.nodes import SimpleCommand, Word
from ..shell.rm import removed_paths
from ..syntax import BlankLine, Comment, Instruction
from .context import FileContext
from .images import ImageRef, family_of, load_images, runtime_variant
from .packages import BuildDeps, build_deps
from .run import MAX_LINE, RunView

BASE, BUILDER = "base", "builder"
INSTALL_DIR = "/install"

# Roles of the commands of a RUN.
UPDATE, INSTALL, UPGRADE, REMOVE, CLEANUP = "update", "install", "upgrade", "remove", "cleanup"
DEPS, BUILD, TOOLING, SETUP, PRELUDE = "deps", "build", "tooling", "setup", "prelude"
STEPS = (DEPS, BUILD, TOOLING)

MANAGERS = {"apt": "debian", "apk": "alpine"}
# Files that describe an ecosystem's dependencies: a copy of nothing else is needed only by the
# builder (when that ecosystem is built).
MANIFESTS = {
    "python": re.compile(r"(requirements|constraints)[\w.-]*\.(txt|in)|setup\.(py|cfg)|pyproject\.toml|Pipfile"
                         r"(\.lock)?|poetry\.lock"),
    "node": re.compile(r"package(-lock)?\.json|npm-shrinkwrap\.json|yarn\.lock|\.npmrc|\.yarnrc(\.yml)?"),
    "go": re.compile(r"go\.(mod|sum|work|work\.sum)"),
}
USUAL_MANIFESTS = {
    "python": ("requirements.txt", "setup.py", "setup.cfg", "pyproject.toml", "Pipfile.lock", "poetry.lock"),
    "node": ("package.json", "package-lock.json", "npm-shrinkwrap.json", "yarn.lock"),
    "go": ("go.mod", "go.sum"),
}
# What cleanup commands may remove: caches, nothing the image uses.
CACHE_DIRS = ("/var/lib/apt/lists", "/var/cache/apt", "/var/cache/apk", "/tmp", "/root/.cache", "/root/.npm")
USER_PROGRAMS = frozenset({"useradd", "adduser", "groupadd", "addgroup", "usermod"})
SETUP_PROGRAMS = USER_PROGRAMS | {"mkdir", "chmod", "chown", "ln", "touch", "update-ca-certificates", "locale-gen"}
# Packages a dependency install may need besides the build-only ones: to fetch sources.
FETCH_TOOLS = frozenset({"ca-certificates", "curl", "openssh-client"})
# Build-only for an ecosystem though not in general (node-gyp needs Python).
ECOSYSTEM_BUILD_TOOLS = {"node": frozenset({"python3", "python", "python-is-python3"})}
# Programs that run in the runtime stage after the build as they did before: they need no
# build tooling (others, such as an install script, might).
RUNTIME_PROGRAMS = frozenset({
    "echo", "printf", "true", "test", "[", "cat", "tee", "cp", "mv", "sed", "find", "tar", "gzip", "unzip",
    "curl", "wget", "git", "chgrp", "python", "python3", "node",
})
# Programs that need a toolchain: left in the runtime stage, they would fail there.
TOOLCHAIN_PROGRAMS = frozenset({"gcc", "g++", "cc", "c++", "clang", "make", "cmake", "cargo", "rustc", "go", "mvn", "gradle"})
PIP_ENV_CONFLICTS = frozenset({"PIP_USER", "PIP_TARGET", "PIP_PREFIX", "PIP_ROOT", "PYTHONUSERBASE", "VIRTUAL_ENV"})
PIP_TOOLING = frozenset({"pip", "setuptools", "wheel"})
SETTINGS = frozenset({"ENV", "ARG", "WORKDIR", "USER", "SHELL"})
NODE_BUILD_SUBCOMMANDS = frozenset({"run", "run-script", "rebuild", "test", "exec"})
GO_BUILD_SUBCOMMANDS = frozenset({"build", "mod", "get", "generate", "test", "vet", "install"})
CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"


class Refused(Exception):
    """No plan; the message says why (it ends up in the diagnostic)."""


@dataclass(frozen=True)
class Plan:
    start: int  # the replaced region of the file's text
    end: int
    text: str
    runtime_image: Optional[str]  # the slim variant the runtime stage uses, if any
    savings: int


@dataclass(frozen=True)
class Finding:
    instruction: Instruction  # where to report
    tooling: str  # what ships in the final image, for the message
    plan: Optional[Plan] = None
    reason: Optional[str] = None


@dataclass(eq=False)
class Command:
    node: SimpleCommand
    view: Optional[CommandView]
    role: str
    index: int  # in the RUN's top-level list


@dataclass(eq=False)
class Survey:
    """What a tolerant first look at the stage finds."""

    steps: List[Tuple[int, str]] = field(default_factory=list)  # (instruction index, ecosystem)
    installs: List[Tuple[int, CommandView]] = field(default_factory=list)
    removed: set = field(default_factory=set)  # packages and virtual names removed after install
    toolchain_runs: List[int] = field(default_factory=list)


def analyse(ctx: FileContext) -> Optional[Finding]:
    stages = ctx.tree.stages
    if len(stages) != 1:
        return None
    stage = stages[0]
    if ctx.run(stage.from_instruction) is None and _windows(stage.base_image):
        return None
    survey = _survey(ctx, stage.instructions)
    ecosystems = sorted({eco for _, eco in survey.steps})
    ref, tag = _base_ref(ctx, stage.base_image)
    family = family_of(ref)
    variant = None
    if len(ecosystems) == 1 and family is not None and family.ecosystem == ecosystems[0]:
        variant = _variant(ref, tag, stage.base_image)
    last = survey.steps[-1][0] if survey.steps else len(stage.instructions) - 1
    tooling = _build_tooling(survey, last, ecosystems)
    if not tooling and variant is None:
        return None
    described = _describe(tooling, stage.base_image, variant)
    if not survey.steps:
        if survey.toolchain_runs:
            return Finding(stage.from_instruction, described, reason="the build's outputs cannot be located")
        return None
    try:
        if len(ecosystems) > 1:
            raise Refused(f"both {' and '.join(ecosystems)} dependencies are installed")
        planner = _Planner(ctx, stage, survey, ecosystems[0], ref, family, variant)
        plan = planner.plan(tooling)
    except Refused as refusal:
        return Finding(stage.from_instruction, described, reason=str(refusal))
    return Finding(stage.from_instruction, described, plan=plan)


# --- the first look ---------------------------------------------------------------------------


def _windows(image: str) -> bool:
    return any(hint in image.lower() for hint in ("windows", "nanoserver", "servercore"))


def _ecosystem(view: Optional[CommandView]) -> Optional[str]:
    if view is None:
        return None
    if view.tool == "pip" and view.action == "install" and not _pip_tooling(view):
        return "python"
    if view.tool in ("npm", "yarn") and (view.action == "install" or _node_build(view)):
        return "node"
    return None


def _pip_tooling(view: CommandView) -> bool:
    """``pip install --upgrade pip setuptools wheel``: tools for the build, not dependencies."""
    names = {p.name.lower() for p in view.packages if p.name}
    return bool(names) and names <= PIP_TOOLING and view.option("requirement") is None


def _node_build(view: CommandView) -> bool:
    if view.tool == "npm":
        return view.subcommand in NODE_BUILD_SUBCOMMANDS
    return view.tool == "yarn" and view.action is None and view.subcommand not in ("cache clean", "config set")


def _go_subcommand(command: SimpleCommand) -> Optional[str]:
    argv = command.argv
    return argv[1] if len(argv) > 1 and argv[0] == "go" else None


def _survey(ctx: FileContext, instructions: Sequence[Instruction]) -> Survey:
    survey = Survey()
    for index, instruction in enumerate(instructions):
        if instruction.keyword != "RUN":
            continue
        run = ctx.run(instruction)
        if run is None:
            words = " ".join(instruction.value).split()
            if any(tool in words for tool in ("pip", "pip3", "npm", "yarn")) and "install" in words:
                survey.steps.append((index, "python" if "pip" in " ".join(words) else "node"))
            continue
        for context, view in run.commands:
            eco = "go" if _go_subcommand(context.command) in GO_BUILD_SUBCOMMANDS else _ecosystem(view)
            if eco is not None:
                survey.steps.append((index, eco))
            if view is not None and view.tool in MANAGERS:
                if view.action == "install":
                    survey.installs.append((index, view))
                    survey.removed.update(value for value in view.option_values("virtual") if value)
                elif view.action == "remove":
                    survey.removed.update(p.name for p in view.packages if p.name)
            if context.command.name in TOOLCHAIN_PROGRAMS and eco is None:
                survey.toolchain_runs.append(index)
    return survey


def _build_tooling(survey: Survey, last: int, ecosystems: List[str]) -> List[str]:
    """Build-only packages installed up to the last dependency step."""
    out: List[str] = []
    for index, view in survey.installs:
        if index > last:
            continue
        deps = build_deps(MANAGERS[view.tool])
        extra = ECOSYSTEM_BUILD_TOOLS.get(ecosystems[0], frozenset()) if len(ecosystems) == 1 else frozenset()
        virtual = any(v in survey.removed for v in view.option_values("virtual"))
        for package in view.packages:
            name = package.name
            if name and (virtual or name in survey.removed or deps.is_build_only(name) or name in extra):
                if name not in out:
                    out.append(name)
    return out


def _describe(tooling: List[str], image: str, variant: Optional[str]) -> str:
    parts = []
    if tooling:
        shown = ", ".join(tooling[:3])
        parts.append(shown + (f" and {len(tooling) - 3} more" if len(tooling) > 3 else ""))
    if variant is not None:
        parts.append(f"the full {image} image")
    return "; ".join(parts)


def _base_ref(ctx: FileContext, image: str) -> Tuple[ImageRef, Optional[str]]:
    """The base image with global ARG defaults expanded, and its expanded tag."""
    defaults: Dict[str, str] = {}
    for arg in ctx.tree.global_args:
        for word in arg.value:
            name, eq, value = word.partition("=")
            if eq:
                defaults[name] = value.strip("\"'")
    expanded = re.sub(r"\$\{?(\w+)\}?", lambda m: defaults.get(m.group(1), m.group(0)), image)
    ref = ImageRef.parse(expanded)
    return ref, ref.tag


def _variant(ref: ImageRef, tag: Optional[str], written: str) -> Optional[str]:
    """The runtime variant, written with the original's ARG references where it can be."""
    variant = runtime_variant(ref, tag)
    if variant is None or "$" not in written:
        return variant
    expanded = ref.text.partition("@")[0]
    if variant.startswith(expanded):  # only a suffix was added: keep the ARG reference
        return written + variant[len(expanded):]
    return None


# --- the plan ---------------------------------------------------------------------------------


@dataclass(eq=False)
class Emission:
    source: Instruction
    text: str


class _Planner:
    def __init__(self, ctx: FileContext, stage, survey: Survey, ecosystem: str, ref: ImageRef, family, variant):
        self.ctx = ctx
        self.stage = stage
        self.instructions = stage.instructions
        self.survey = survey
        self.ecosystem = ecosystem
        self.ref = ref
        self.family = family
        self.variant = variant
        self.last = survey.steps[-1][0]
        self.newline = ctx.tree.newline
        self.builder: List[Emission] = []
        self.final: List[Emission] = []
        self.workdirs = self._workdirs()
        self.users = self._users()
        managers = {view.tool for index, view in survey.installs if index <= self.last}
        if len(managers) > 1:
            raise Refused("packages are installed with both apt and apk")
        self.manager = managers.pop() if managers else None
        self.deps: Optional[BuildDeps] = build_deps(MANAGERS[self.manager]) if self.manager else None
        self.runs: Dict[int, List[Command]] = {}
        self.pip_paths: List[str] = []  # local directories pip installs from
        self.app_dir: Optional[str] = None  # where npm, yarn or go run
        self.go_outputs: List[str] = []  # what go build writes
        # package managers the runtime stage installs with after the build: they may rely on
        # package lists fetched before it
        self.later_installs = {view.tool for index, view in survey.installs if index > self.last}
        self.runtime_added: set = set()  # runtime libraries of -dev packages, once

    # settings tracked through the stage -----------------------------------------------------

    def _workdirs(self) -> List[Optional[str]]:
        """The working directory each instruction runs in (None: unknown), and the last one."""
        out, current = [], None
        for instruction in self.instructions:
            out.append(current)
            if instruction.keyword == "WORKDIR" and instruction.value:
                path = instruction.value[0]
                if "$" in path or not (path.startswith("/") or current):
                    current = None
                else:
                    current = posixpath.normpath(posixpath.join(current or "/", path))
        out.append(current)
        return out

    def _users(self) -> List[Optional[str]]:
        out, current = [], None
        for instruction in self.instructions:
            out.append(current)
            if instruction.keyword == "USER" and instruction.value:
                user = instruction.value[0]
                current = None if user.split(":")[0] in ("root", "0") else user
        return out

    # entry point ----------------------------------------------------------------------------

    def plan(self, tooling: List[str]) -> Plan:
        self._check_settings()
        for index, instruction in enumerate(self.instructions[: self.last + 1]):
            if instruction.keyword == "RUN":
                self.runs[index] = self._commands(index, instruction)
        self.builder_packages, self.final_packages = self._package_sets()
        for index, instruction in enumerate(self.instructions):
            self._place(index, instruction)
        text = self._render()
        start = self.ctx.offset(self.stage.from_instruction)
        return Plan(start, len(self.ctx.text), text, self.variant, self._savings(tooling))

    def _savings(self, tooling: List[str]) -> int:
        table = load_images()
        megabytes = self.family.saving_mb if self.variant and self.family else 0
        if tooling and self.manager:
            megabytes += table.toolchain_mb.get(MANAGERS[self.manager], 0)
        return megabytes * 1_000_000

    def _check_settings(self) -> None:
        stage = self.stage
        alias = (stage.alias or "").lower()
        if alias in (BASE, BUILDER):
            raise Refused(f"the stage is already named {stage.alias!r}")
        for index, instruction in enumerate(self.instructions[: self.last + 1]):
            if instruction.keyword == "ENV" and self.ecosystem == "python":
                names = instruction.value[0::2]
                conflict = sorted(set(names) & PIP_ENV_CONFLICTS)
                if conflict:
                    raise Refused(f"ENV {conflict[0]} on line {instruction.start_line} changes where pip installs")
            if instruction.keyword == "ONBUILD":
                raise Refused(f"ONBUILD on line {instruction.start_line} runs in images built from this one")
        for index, eco in self.survey.steps:
            if self.users[index] is not None and self.ecosystem == "python":
                raise Refused(f"pip runs as USER {self.users[index]} (line {self.instructions[index].start_line})")

    # the commands of a RUN ------------------------------------------------------------------

    def _commands(self, index: int, instruction: Instruction) -> List[Command]:
        line = instruction.start_line
        run = self.ctx.run(instruction)
        if run is None:
            raise Refused(f"the RUN on line {line} is in exec form")
        if run.has_heredoc:
            raise Refused(f"the RUN on line {line} uses a heredoc")
        script = run.script
        if not _plain_list(script, run.shell_text):
            raise Refused(f"the RUN on line {line} is more than a list of commands joined by && or ;")
        views = {id(context.command): view for context, view in run.commands}
        out = []
        workdir = self.workdirs[index]
        for position, node in enumerate(script.body.items):
            view = views.get(id(node))
            role = self._role(node, view, line)
            if view is not None and view.tool == "cd":
                target = view.arg_values[0] if view.args else None
                workdir = None if target is None or workdir is None and not target.startswith("/") else (
                    posixpath.normpath(posixpath.join(workdir or "/", target)))
            if role == DEPS and view is not None and view.tool == "pip":
                self._check_pip(view, line, workdir)
            if role in (DEPS, BUILD) and view is not None and view.tool in ("npm", "yarn"):
                self._check_node(view, line, index, workdir)
            if role == BUILD and view is None:
                self._check_go(node, line, workdir)
            out.append(Command(node, view, role, position))
        return out

    def _role(self, node: SimpleCommand, view: Optional[CommandView], line: int) -> str:
        name = node.name or ""
        if view is None:
            if name in SETUP_PROGRAMS and not node.assignments:
                return SETUP
            if not node.words and not node.redirects:  # VAR=value: for the commands after it
                return PRELUDE
            if _go_subcommand(node) in GO_BUILD_SUBCOMMANDS:
                return BUILD
            if name == "virtualenv" or (name.startswith("python") and "venv" in node.code.split()):
                raise Refused(f"a virtualenv is made on line {line}; the rule installs into a prefix")
            raise Refused(f"cannot tell whether `{_shown(node)}` on line {line} builds or sets up the runtime")
        tool, action = view.tool, view.action
        if tool in MANAGERS:
            roles = {"update_index": UPDATE, "install": INSTALL, "upgrade": UPGRADE, "remove": REMOVE,
                     "autoremove": CLEANUP, "cache_clean": CLEANUP}
            if action in roles:
                return roles[action]
        elif tool == "pip":
            if action == "install":
                return TOOLING if _pip_tooling(view) else DEPS
            if view.subcommand == "cache purge":
                return CLEANUP
        elif tool in ("npm", "yarn"):
            if action == "install":
                if view.has("global"):
                    raise Refused(f"`{view.command.code}` on line {line} installs a global package")
                return DEPS
            if action == "cache_clean":
                return CLEANUP
            if _node_build(view):
                return BUILD
        elif tool == "rm":
            paths = removed_paths(view)
            if paths and len(paths) == len(view.args) and all(_is_cache(p.path) for p in paths):
                return CLEANUP
        elif tool in ("cd", "set", "export"):
            return PRELUDE
        raise Refused(f"cannot tell whether `{_shown(node)}` on line {line} builds or sets up the runtime")

    def _check_pip(self, view: CommandView, line: int, workdir: Optional[str]) -> None:
        program = view.program_words[0].value or ""
        if "/" in program and not program.startswith(("/usr/local/bin/", "/usr/bin/", "/bin/")):
            raise Refused(f"pip on line {line} belongs to a virtualenv")
        for key, what in (("editable", "an editable install (-e) keeps its build in the source tree"),
                          ("user", "pip --user installs into the home directory"),
                          ("target", "pip --target chooses its own directory"),
                          ("prefix", "pip --prefix chooses its own directory"),
                          ("root", "pip --root chooses its own directory")):
            if view.option(key) is not None or view.option("--" + key) is not None:
                raise Refused(f"{what} (line {line})")
        for word in view.args:
            value = word.value
            if value is None:
                continue
            local = value.split("[", 1)[0]
            if local.startswith((".", "/")) and "://" not in local:
                base = workdir if workdir else ("/" if local.startswith("/") else None)
                if base is not None:
                    self.pip_paths.append(posixpath.normpath(posixpath.join(base, local)))

    def _check_node(self, view: CommandView, line: int, index: int, workdir: Optional[str]) -> None:
        if workdir is None or workdir == "/":
            raise Refused(f"{view.tool} on line {line} runs outside a WORKDIR: the app's directory is unknown")
        if self.app_dir is not None and self.app_dir != workdir:
            raise Refused(f"{view.tool} runs in both {self.app_dir} and {workdir}")
        self.app_dir = workdir

    def _check_go(self, node: SimpleCommand, line: int, workdir: Optional[str]) -> None:
        argv = node.argv
        if argv[1] == "install":
            raise Refused(f"go install on line {line} leaves its output in GOPATH: it cannot be located")
        if workdir not in (None, "/"):
            self.app_dir = self.app_dir or workdir
        if argv[1] != "build":
            return
        output = None
        for k, word in enumerate(argv):
            if word == "-o" and k + 1 < len(argv):
                output = argv[k + 1]
            elif word is not None and word.startswith("-o="):
                output = word[3:]
        if output is None or "$" in output:
            raise Refused(f"go build on line {line} has no literal -o: its output cannot be located")
        if not output.startswith("/") and workdir is None:
            raise Refused(f"go build on line {line} writes to {output} in an unknown directory")
        self.go_outputs.append(posixpath.normpath(posixpath.join(workdir or "/", output)))

    # packages -------------------------------------------------------------------------------

    def _is_build(self, name: str, view: CommandView) -> bool:
        removed = self.survey.removed
        if any(v in removed for v in view.option_values("virtual")) or name in removed:
            return True
        return self.deps.is_build_only(name) or name in ECOSYSTEM_BUILD_TOOLS.get(self.ecosystem, ())

    def _package_sets(self):
        """Packages for the builder (build-only and fetch tools), for the runtime stage (all but
        the build-only), and all installed (with the virtual group names)."""
        builder: set = set()
        final: set = set()
        self.installed = set(v for _, view in self.survey.installs for v in view.option_values("virtual"))
        for index, view in self.survey.installs:
            if index > self.last:
                continue
            for package in view.packages:
                name = package.name
                if name is None:
                    raise Refused(f"a package name on line {self.instructions[index].start_line} is computed")
                self.installed.add(name)
                build = self._is_build(name, view)
                fetch = name in FETCH_TOOLS or name in self.deps.often_build_only
                if build or fetch:
                    builder.add(name)
                if not build:
                    final.add(name)
        return builder, final

    def _runtime_of(self, name: str, line: int) -> Tuple[str, ...]:
        runtime = self.deps.runtime_for(name)
        if runtime is None:
            if name.endswith(("-dev", "-devel")):
                raise Refused(f"the runtime package of {name} (line {line}) is not known")
            return ()
        return runtime

    # placing instructions -------------------------------------------------------------------

    def _place(self, index: int, instruction: Instruction) -> None:
        keyword = instruction.keyword
        verbatim = self._verbatim(instruction)
        before = index < self.last
        if keyword == "RUN" and index <= self.last:
            self._split_run(index, instruction)
        elif keyword == "RUN":
            self._check_runtime_run(instruction)
            self.final.append(Emission(instruction, verbatim))
        elif keyword in SETTINGS:
            if before:
                self.builder.append(Emission(instruction, verbatim))
            self.final.append(Emission(instruction, verbatim))
        elif keyword in ("COPY", "ADD") and before:
            if self._builder_only_copy(index, instruction):
                self.builder.append(Emission(instruction, verbatim))
            else:
                self.builder.append(Emission(instruction, verbatim))
                self.final.append(Emission(instruction, verbatim))
        else:
            self.final.append(Emission(instruction, verbatim))

    def _verbatim(self, instruction: Instruction) -> str:
        code = instruction.code
        return code if code.endswith(("\n", "\r")) else code + self.newline

    def _check_runtime_run(self, instruction: Instruction) -> None:
        run = self.ctx.run(instruction)
        if run is None:
            return
        line = instruction.start_line
        for context, view in run.commands:
            name = context.command.name
            if view is not None and view.tool in MANAGERS and view.action == "remove":
                raise Refused(f"packages are removed after the build (line {line})")
            if view is not None or name in SETUP_PROGRAMS or (not context.command.words):
                continue
            if name in TOOLCHAIN_PROGRAMS or "setup.py" in context.command.argv:
                raise Refused(f"`{_shown(context.command)}` on line {line} needs the build tooling")
            if name not in RUNTIME_PROGRAMS:
                raise Refused(f"cannot tell whether `{_shown(context.command)}` on line {line} needs the build tooling")

    def _builder_only_copy(self, index: int, instruction: Instruction) -> bool:
        if instruction.flag_values("from") or instruction.heredocs or len(instruction.value) < 2:
            return False
        sources, dest = instruction.value[:-1], instruction.value[-1]
        if all(self._manifest(source) for source in sources):
            return True
        workdir = self.workdirs[index]
        target = dest if dest.startswith("/") else (posixpath.join(workdir, dest) if workdir else None)
        if target is None or "$" in target:
            return False
        target = posixpath.normpath(target)
        if self.ecosystem == "node":  # the runtime stage gets the app's directory from the builder
            return _within(target, self.app_dir)
        if self.ecosystem == "go":  # the program may read files next to its source
            return False
        consumed = [path for path in self.pip_paths if _within(target, path)]
        return bool(consumed) and not any(self._referenced(path, instruction) for path in consumed)

    def _manifest(self, source: str) -> bool:
        """Whether ``source`` names only files that describe the dependencies being built: a
        manifest, or a pattern such as ``package*.json`` (literal text on both sides of the
        wildcards) that matches a manifest's usual name."""
        name = posixpath.basename(source.rstrip("/"))
        pattern = MANIFESTS[self.ecosystem]
        if not any(c in name for c in "*?["):
            return bool(pattern.fullmatch(name))
        pieces = re.split(r"[*?\[]", name)
        return len(pieces[0]) >= 3 and bool(pieces[-1].strip("]")) and any(
            fnmatch.fnmatchcase(usual, name) for usual in USUAL_MANIFESTS[self.ecosystem])

    def _referenced(self, path: str, copy: Instruction) -> bool:
        """Whether anything the runtime stage keeps mentions ``path``."""
        pattern = re.compile(re.escape(path) + r"(?![\w.-])")
        for index, instruction in enumerate(self.instructions):
            if instruction is copy:
                continue
            if instruction.keyword == "WORKDIR" and _within(self.workdirs[index + 1] or "", path):
                return True
            texts = [instruction.original]
            if index in self.runs:
                texts = [c.node.code for c in self.runs[index] if c.role not in STEPS]
            elif instruction.keyword in ("COPY", "ADD") and all(self._manifest(v) for v in instruction.value[:-1]):
                continue
            if any(pattern.search(text) for text in texts):
                return True
        return False

    # splitting a RUN --------------------------------------------------------------------------

    def _split_run(self, index: int, instruction: Instruction) -> None:
        commands = self.runs[index]
        run: RunView = self.ctx.run(instruction)  # type: ignore[assignment]
        is_last = index == self.last
        steps = [k for k, c in enumerate(commands) if c.role in STEPS]
        last_step = steps[-1] if steps else len(commands)
        builder, pre, post = [], [], []
        for k, command in enumerate(commands):
            before_step = k < last_step or not is_last
            text = self._builder_text(command, run, before_step)
            if text is not None:
                builder.append((command, text))
            text = self._final_text(command, run, instruction.start_line)
            if text is not None:  # setup after the build may act on its result: after the copy
                (post if is_last and k > last_step and command.role == SETUP else pre).append((command, text))
        if is_last and self.ecosystem == "node":
            prune = self._prune()
            if prune:
                builder.append((None, prune))
        self._emit(self.builder, instruction, run, self._tidy(builder, final=False))
        self._emit(self.final, instruction, run, self._tidy(pre, final=True))
        if is_last:
            self.final.append(Emission(instruction, self._copy_result(instruction)))
            self._emit(self.final, instruction, run, self._tidy(post, final=True))

    def _builder_text(self, command: Command, run: RunView, before_step: bool) -> Optional[str]:
        role, view = command.role, command.view
        if role in (REMOVE, CLEANUP):
            return None
        if role == SETUP and not (before_step and (command.node.name not in USER_PROGRAMS or self._builder_users())):
            return None
        if role == INSTALL:
            return self._filtered_install(command, run, keep=self.builder_packages, final=False)
        if role == DEPS and view.tool == "pip":
            option = f"--prefix={INSTALL_DIR}" if self._python_prefix() else f"--root={INSTALL_DIR}"
            return self._command_text(run, command.node, [insert_option(view, option)])
        return self._command_text(run, command.node, [])

    def _final_text(self, command: Command, run: RunView, line: int) -> Optional[str]:
        role, view = command.role, command.view
        if role in STEPS:
            return None
        if role == INSTALL:
            return self._filtered_install(command, run, keep=self.final_packages, final=True, line=line)
        if role == REMOVE and all(p.name in self.installed for p in view.packages):
            return None  # what it removes is not installed in the runtime stage
        return self._command_text(run, command.node, [])

    def _filtered_install(self, command: Command, run: RunView, keep: set, final: bool, line: int = 0) -> Optional[str]:
        view = command.view
        edits: List[ShellEdit] = []
        dropped: List[Word] = []
        kept: List[str] = []
        for package in view.packages:
            if package.name in keep:
                kept.append(package.name)
            else:
                dropped.append(package.word)
        virtual = view.option("virtual")
        if virtual is not None:
            words = [virtual.word] + ([virtual.value_word] if virtual.value_word not in (None, virtual.word) else [])
            edits.extend(remove_words(command.node, words))
        # In the runtime stage a -dev package gives way to its runtime libraries, in its place,
        # unless the original removed it after the build (and so had no use for them).
        replaced: List[Word] = []
        removed = any(v in self.survey.removed for v in view.option_values("virtual"))
        for package in view.packages if final and not removed else ():
            if package.name in keep or package.name in self.survey.removed:
                continue
            added = [r for r in self._runtime_of(package.name, line)
                     if r not in self.final_packages and r not in self.runtime_added]
            if added:
                self.runtime_added.update(added)
                edits.append(replace_word(package.word, " ".join(added)))
                replaced.append(package.word)
        if not kept and not replaced:
            return None
        edits.extend(remove_words(command.node, [w for w in dropped if w not in replaced]))
        return self._command_text(run, command.node, edits)

    def _builder_users(self) -> bool:
        """Whether the builder needs the users the file creates: it switches to one, or copies
        files owned by one."""
        return any(self.users[index] is not None or instruction.flag_values("chown")
                   for index, instruction in enumerate(self.instructions[: self.last + 1]))

    def _python_prefix(self) -> Optional[str]:
        return self.family.python_prefix if self.family is not None else None

    def _copy_result(self, instruction: Instruction) -> str:
        keyword = self._keyword("COPY")
        indent = instruction.indent
        if self.ecosystem == "node":
            chown = self._chown()
            flags = f"--from={BUILDER}" + (f" --chown={chown}" if chown else "")
            return f"{indent}{keyword} {flags} {self.app_dir} {self.app_dir}{self.newline}"
        if self.ecosystem == "go":
            copies = [(path, path) for path in dict.fromkeys(self.go_outputs)]
            if self.variant is not None:  # a plain base image may lack the CA certificates
                copies.append((CA_BUNDLE, CA_BUNDLE))
            return "".join(f"{indent}{keyword} --from={BUILDER} {a} {b}{self.newline}" for a, b in copies)
        target = self._python_prefix() or "/"
        return f"{indent}{keyword} --from={BUILDER} {INSTALL_DIR} {target}{self.newline}"

    def _chown(self) -> Optional[str]:
        owners = set()
        for index, instruction in enumerate(self.instructions[: self.last]):
            if instruction.keyword in ("COPY", "ADD") and self._builder_only_copy(index, instruction):
                owners.update(instruction.flag_values("chown") or ("",))
        owners.discard("")
        if len(owners) > 1:
            raise Refused("the app's files are copied with different owners")
        if owners:
            return owners.pop()
        return self.users[self.last]

    def _prune(self) -> Optional[str]:
        """The command that leaves only production dependencies, unless the install did already."""
        views = [c.view for k in sorted(self.runs) for c in self.runs[k] if c.role in (DEPS, BUILD)]
        installs = [v for v in views if v.action == "install"]
        if all(v.has("production") or "dev" in v.option_values("omit") or "production" in v.option_values("only")
               for v in installs):
            return None
        if any(v.tool == "yarn" for v in installs):
            frozen = any(v.has("frozen_lockfile") for v in installs)
            return "yarn install --production" + (" --frozen-lockfile" if frozen else "")
        major = re.match(r"(\d+)", self.ref.tag or "")
        legacy = major is not None and int(major.group(1)) < 16
        return "npm prune " + ("--production" if legacy else "--omit=dev")

    # composing RUN text -------------------------------------------------------------------

    def _tidy(self, entries: List[Tuple[Optional[Command], str]], final: bool) -> List[Tuple[Optional[Command], str]]:
        """Make one stage's part of a RUN complete: package lists fetched before installs (and
        removed after them in the runtime stage), no refresh or cleanup without an install."""
        entries = [e for k, e in enumerate(entries) if not _dangling_prelude(entries, k)]
        kept = (CLEANUP, PRELUDE) if final and self.later_installs else (UPDATE, CLEANUP, PRELUDE)
        if not any(c is None or c.role not in kept for c, _ in entries):
            return []
        installs = [c for c, _ in entries if c is not None and c.role in (INSTALL, UPGRADE)]
        out = []
        updated = False
        for command, text in entries:
            if command is not None and command.role == UPDATE:
                later = final and command.view.tool in self.later_installs
                if not later and (not installs or (command.view.tool == "apk" and final and all(
                        c.view.has("no_cache") for c in installs))):
                    continue
                updated = True
            if command is not None and command.role == CLEANUP and not installs and command.view.tool != "rm":
                continue
            if command is not None and command.role in (INSTALL, UPGRADE) and not updated:
                view = command.view
                if not (view.has("no_cache") or view.has("update_index")):
                    out.append((None, f"{view.program_words[0].code} update"))
                updated = True
            out.append((command, text))
        if final and any(c.view.tool == "apt" for c in installs):
            run_views = [c.view for c, _ in out if c is not None and c.view is not None and c.view.tool == "rm"]
            from ..shell.rm import removes

            if not any(removes(v, "/var/lib/apt/lists/*") for v in run_views):
                out.append((None, "rm -rf /var/lib/apt/lists/*"))
        return out

    def _emit(self, target: List[Emission], instruction: Instruction, run: RunView,
              entries: List[Tuple[Optional[Command], str]]) -> None:
        if not entries:
            return
        ctx = self.ctx
        items = run.script.body.items
        style = run.style
        prefix = ctx.text[ctx.offset(instruction): run.file_offset(0, after_break=True)]
        pieces = [prefix]
        generated = style.joiner
        if not style.multiline:
            length = len(prefix) + sum(len(text) + len(style.joiner) for _, text in entries)
            if length > MAX_LINE and any(c is None for c, _ in entries):
                generated = f" {style.escape}{instruction.newline or self.newline}{style.indent}&& "
        for k, (command, text) in enumerate(entries):
            if k:
                if command is not None and command.index > 0:
                    end = run.file_offset(items[command.index - 1].end)
                    pieces.append(ctx.text[end: run.file_offset(items[command.index].start, after_break=True)])
                else:
                    pieces.append(generated)
            pieces.append(text)
        pieces.append(instruction.newline or self.newline)
        # comment lines between commands left out go below the instruction
        joined = {command.index for k, (command, _) in enumerate(entries) if k and command is not None}
        for index in range(1, len(items)):
            if index not in joined:
                start = run.file_offset(items[index - 1].end)
                between = ctx.text[start: run.file_offset(items[index].start, after_break=True)]
                pieces.extend(line.lstrip(" \t") + self.newline for line in between.splitlines()
                              if line.lstrip(" \t").startswith("#"))
        target.append(Emission(instruction, "".join(pieces)))

    def _command_text(self, run: RunView, node, edits: Sequence[ShellEdit]) -> str:
        """The command as written in the file (continuations and all), with ``edits`` applied."""
        text = self.ctx.text
        start = run.file_offset(node.start, after_break=True)
        end = run.file_offset(node.end)
        out, position = [], start
        for edit in sorted(edits, key=lambda e: (e.start, e.end)):
            if edit.start == edit.end or edit.replacement == "":
                a = run.file_offset(edit.start)
            else:
                a = run.file_offset(edit.start, after_break=True)
            b = run.file_offset(edit.end) if edit.end != edit.start else a
            out.append(text[position:a])
            out.append(edit.replacement)
            position = b
        out.append(text[position:end])
        return "".join(out)

    # rendering ----------------------------------------------------------------------------

    def _keyword(self, keyword: str) -> str:
        written = self.stage.from_instruction.arguments.command
        return keyword.lower() if written.islower() else keyword

    def _from_line(self, image: str, name: Optional[str], platform: bool) -> str:
        source = self.stage.from_instruction
        written = source.arguments.command
        flags = " ".join(source.flags) + " " if platform and source.flags else ""
        words = source.value
        as_word = words[1] if len(words) >= 3 else ("as" if written.islower() else "AS")
        alias = f" {as_word} {name}" if name else ""
        return f"{source.indent}{written} {flags}{image}{alias}{self.newline}"

    def _render(self) -> str:
        stage = self.stage
        trivia = _Trivia(self.ctx, stage.from_instruction)
        written = stage.base_image
        out = []
        if self.variant is not None:
            out.append(self._from_line(written, BUILDER, True))
            final_from = self._from_line(self.variant, stage.alias, True)
        else:
            out.append(self._from_line(written, BASE, True))
            out.append(self.newline)
            out.append(self._from_line(BASE, BUILDER, False))
            final_from = self._from_line(BASE, stage.alias, False)
        in_builder = {id(e.source) for e in self.builder}
        out.append(trivia.write_stage(self.builder, self.instructions, self.newline, False, set()))
        out.append(self.newline)
        out.append(final_from)
        out.append(trivia.write_stage(self.final, self.instructions, self.newline, True, in_builder))
        out.append("".join(line.code for line in trivia.end))
        text = "".join(out)
        if not self.ctx.text.endswith(("\n", "\r")):
            text = text.rstrip("\r\n")
        return text


def _plain_list(script, text: str) -> bool:
    """Simple commands joined by ``&&`` or ``;`` (a final ``;`` allowed): each command and the
    joiner before it can be kept or left out without changing how the others run."""
    body = script.body
    if script.has_opaque or not body.items or not all(isinstance(i, SimpleCommand) for i in body.items):
        return False
    if any(op.op not in ("&&", ";") for op in body.operators):
        return False
    return text[body.items[-1].end:].strip() in ("", ";")


def _shown(node: SimpleCommand, limit: int = 40) -> str:
    text = " ".join(node.code.split())
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


def _dangling_prelude(entries, k: int) -> bool:
    command = entries[k][0]
    return command is not None and command.role == PRELUDE and all(
        c is not None and c.role == PRELUDE for c, _ in entries[k + 1:])


def _is_cache(path: str) -> bool:
    return any(_within(path, cache) for cache in CACHE_DIRS)


def _within(path: str, parent: Optional[str]) -> bool:
    if parent is None:
        return False
    return path == parent or path.startswith(parent.rstrip("/") + "/")


class _Trivia:
    """The comment and blank lines of a stage, each owned by an instruction.

    Lines before an instruction are its own, except comments right below the previous instruction
    that a blank line separates from it: those close the previous one (``# [END ...]``)."""

    def __init__(self, ctx: FileContext, start: Instruction) -> None:
        self.leading: Dict[int, list] = {}
        self.closing: Dict[int, list] = {}
        pending: list = []
        previous = None
        for line in ctx.tree.body[ctx.tree.body.index(start) + 1:]:
            if not isinstance(line, Instruction):
                pending.append(line)
                continue
            blank = next((k for k, item in enumerate(pending) if isinstance(item, BlankLine)), 0)
            if previous is not None and blank:
                self.closing[id(previous)], pending = pending[:blank], pending[blank:]
            self.leading[id(line)] = pending
            previous, pending = line, []
        self.end = pending  # after the last instruction

    def write_stage(self, emissions: List[Emission], instructions, newline: str, carry: bool,
                    elsewhere: set) -> str:
        """A stage's instructions, the first one from each source with the lines that source owns.

        Where a source has nothing in this stage, a blank line before it still separates what
        follows; with ``carry``, its comments move to the next instruction written, unless the
        source is written in the other stage (``elsewhere``)."""
        by_source: Dict[int, List[Emission]] = {}
        for emission in emissions:
            by_source.setdefault(id(emission.source), []).append(emission)
        out: List[str] = []
        blank = False
        carried: List[str] = []
        for instruction in instructions:
            lines = self.leading.get(id(instruction), [])
            closing = self.closing.get(id(instruction), [])
            own = by_source.get(id(instruction))
            if not own:
                blank = blank or any(isinstance(line, BlankLine) for line in lines)
                if carry and id(instruction) not in elsewhere:
                    carried.extend(line.code for line in lines + closing if isinstance(line, Comment))
                continue
            head = 0
            while head < len(lines) and isinstance(lines[head], BlankLine):
                head += 1
            blanks = "".join(line.code for line in lines[:head]) or (newline if blank else "")
            out.append(blanks + "".join(carried) + "".join(line.code for line in lines[head:]))
            out.extend(emission.text for emission in own)
            out.extend(line.code for line in closing)
            blank, carried = False, []
        out.extend(carried)
        return "".join(out)
