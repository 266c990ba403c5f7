"""The strict reading of a stage the plan relies on: the working directory and user of each
instruction, the role of each command of the RUNs up to the last build step, where pip, npm and
go work, and which packages each stage needs. Whatever the split cannot place raises Refused with
the reason."""

from __future__ import annotations

import posixpath
from typing import Callable, Dict, List, Optional, Sequence, Tuple

from ...shell.commands import CommandView
from ...shell.nodes import SimpleCommand
from ...syntax import Instruction
from ..context import FileContext
from ..images import ImageRef
from ..packages import BuildDeps, build_deps
from .commands import plain_list, role
from .model import BASE, BUILD, BUILDER, DEPS, Command, Refused, Survey
from .tables import ECOSYSTEM_BUILD_TOOLS, FETCH_TOOLS, MANAGERS, PIP_ENV_CONFLICTS, PIP_SYSTEM_BINS


class Analysis:
    """The facts of one single-stage file with dependency steps of one ecosystem."""

    def __init__(self, ctx: FileContext, stage, survey: Survey, ecosystem: str, ref: ImageRef, family, variant):
        self.ctx = ctx
        self.stage = stage
        self.instructions = stage.instructions
        self.survey = survey
        self.ecosystem = ecosystem
        self.ref = ref
        self.family = family
        self.variant = variant  # the runtime stage's image, when the base has a smaller variant
        self.last = survey.steps[-1][0]  # the index of the last build step
        self.newline = ctx.tree.newline
        self.workdirs = _tracked(self.instructions, "WORKDIR", _workdir)
        self.users = _tracked(self.instructions, "USER", _user)
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
        self._check_settings()
        for index, instruction in enumerate(self.instructions[: self.last + 1]):
            if instruction.keyword == "RUN":
                self.runs[index] = self._commands(index, instruction)
        self.builder_packages, self.final_packages = self._package_sets()

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
        if not plain_list(script, run.shell_text):
            raise Refused(f"the RUN on line {line} is more than a list of commands joined by && or ;")
        views = {id(context.command): view for context, view in run.commands}
        out = []
        workdir = self.workdirs[index]
        for position, node in enumerate(script.body.items):
            view = views.get(id(node))
            kind = role(node, view, line)
            if view is not None and view.tool == "cd":
                target = view.arg_values[0] if view.args else None
                workdir = None if target is None or workdir is None and not target.startswith("/") else (
                    posixpath.normpath(posixpath.join(workdir or "/", target)))
            if kind == DEPS and view is not None and view.tool == "pip":
                self._check_pip(view, line, workdir)
            if kind in (DEPS, BUILD) and view is not None and view.tool in ("npm", "yarn"):
                self._check_node(view, line, index, workdir)
            if kind == BUILD and view is None:
                self._check_go(node, line, workdir)
            out.append(Command(node, view, kind, position))
        return out

    def _check_pip(self, view: CommandView, line: int, workdir: Optional[str]) -> None:
        program = view.program_words[0].value or ""
        if "/" in program and not program.startswith(PIP_SYSTEM_BINS):
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

    def runtime_of(self, name: str, line: int) -> Tuple[str, ...]:
        """The runtime packages of a build-only package; Refused for a -dev package with none known."""
        runtime = self.deps.runtime_for(name)
        if runtime is None:
            if name.endswith(("-dev", "-devel")):
                raise Refused(f"the runtime package of {name} (line {line}) is not known")
            return ()
        return runtime

    def python_prefix(self) -> Optional[str]:
        return self.family.python_prefix if self.family is not None else None

    def builder_users(self) -> bool:
        """Whether the builder needs the users the file creates: it switches to one, or copies
        files owned by one."""
        return any(self.users[index] is not None or instruction.flag_values("chown")
                   for index, instruction in enumerate(self.instructions[: self.last + 1]))


def _tracked(instructions: Sequence[Instruction], keyword: str,
             apply: Callable[[Optional[str], str], Optional[str]]) -> List[Optional[str]]:
    """A setting (``WORKDIR``, ``USER``) as each instruction sees it, and after the last one;
    None where it is unset or unknown."""
    out, current = [], None
    for instruction in instructions:
        out.append(current)
        if instruction.keyword == keyword and instruction.value:
            current = apply(current, instruction.value[0])
    out.append(current)
    return out


def _workdir(current: Optional[str], path: str) -> Optional[str]:
    """The new working directory; None when unknown, or when a COPY could not name it as written
    (a blank or ``<<`` in it: ``WORKDIR /app <<EOF`` makes a directory of that name)."""
    if "$" in path or not (path.startswith("/") or current) or "<<" in path or len(path.split()) > 1:
        return None
    return posixpath.normpath(posixpath.join(current or "/", path))


def _user(current: Optional[str], user: str) -> Optional[str]:
    return None if user.split(":")[0] in ("root", "0") else user
