"""Deciding the stages and what goes where: settings and the files the build reads go to the
builder too, each RUN up to the last build step is split between the stages, everything else goes
to the runtime stage in its original order; the result is the new text of the file and the
estimated saving."""

from __future__ import annotations

from typing import List, Optional

from ...record import record
from ...syntax import Instruction
from ...semantics.savings import apt_lists_size, full_image_packages, packages_size
from .analysis import Analysis
from .commands import shown
from .copies import builder_only_copy, manifest_only_copy
from .model import SETTINGS, Emission, Refused
from .render import render_stages
from .runs import RunSplitter
from .tables import MANAGERS, RUNTIME_PROGRAMS, SETUP_PROGRAMS, TOOLCHAIN_PROGRAMS


@record
class SplitRewrite:
    start: int  # the replaced region of the file's text
    end: int
    text: str
    runtime_image: Optional[str]  # the slim variant the runtime stage uses, if any
    savings: int


class Planner:
    def __init__(self, analysis: Analysis) -> None:
        self.analysis = analysis
        self.builder: List[Emission] = []
        self.final: List[Emission] = []
        self.runs = RunSplitter(analysis, self.builder, self.final)

    def plan(self) -> SplitRewrite:
        analysis = self.analysis
        for index, instruction in enumerate(analysis.instructions):
            self._place(index, instruction)
        text = render_stages(analysis, self.builder, self.final)
        start = analysis.ctx.offset(analysis.stage.from_instruction)
        return SplitRewrite(start, len(analysis.ctx.text), text, analysis.variant, self._savings())

    def _savings(self) -> int:
        """What the runtime stage drops: the build-only packages and, when it changes image, what
        the full image has over its runtime variant (each package once, less what the runtime
        stage installs), and the apt lists the stage left."""
        analysis = self.analysis
        family = analysis.family if analysis.variant else None
        dropped = analysis.builder_packages - analysis.final_packages if analysis.manager else frozenset()
        if family and family.full_packages:
            kept = analysis.final_packages.union(*(analysis.deps.runtime_for(n) or () for n in dropped))
            saved = packages_size("apt", dropped | {family.full_packages}, kept)
        elif family:  # a full image whose packages are not measured: the official images' difference
            saved = family.saving_mb * 1_000_000 + packages_size(analysis.manager or "apt", dropped,
                                                                 full_image_packages())
        else:
            saved = packages_size(analysis.manager, dropped) if analysis.manager else 0
        if self._leaves_apt_lists():
            saved += apt_lists_size(analysis.stage.base_image)
        return saved

    def _leaves_apt_lists(self) -> bool:
        """An ``apt-get update`` before the build and no RUN of the stage naming the lists (the
        runtime stage's installs remove them)."""
        ctx, updates = self.analysis.ctx, False
        for instruction in self.analysis.instructions:
            run = ctx.run(instruction) if instruction.keyword == "RUN" else None
            if run is None:
                continue
            if "/var/lib/apt/lists" in run.shell_text:
                return False
            updates = updates or any(v.action == "update_index" for v in run.views("apt"))
        return updates

    def _place(self, index: int, instruction: Instruction) -> None:
        keyword = instruction.keyword
        verbatim = self._verbatim(instruction)
        last = self.analysis.last
        before = index < last
        if keyword == "RUN" and index <= last:
            self.runs.split(index, instruction)
        elif keyword == "RUN":
            self._check_runtime_run(instruction)
            self.final.append(Emission(instruction, verbatim))
        elif keyword in SETTINGS:
            if before:
                self.builder.append(Emission(instruction, verbatim))
            self.final.append(Emission(instruction, verbatim))
        elif keyword in ("COPY", "ADD") and before:
            if builder_only_copy(self.analysis, index, instruction):
                self.builder.append(Emission(instruction, verbatim))
            else:
                narrowed = manifest_only_copy(self.analysis, index, instruction)
                self.builder.append(Emission(instruction, narrowed or verbatim))
                self.final.append(Emission(instruction, verbatim))
        else:
            self.final.append(Emission(instruction, verbatim))

    def _verbatim(self, instruction: Instruction) -> str:
        code = instruction.code
        return code if code.endswith(("\n", "\r")) else code + self.analysis.newline

    def _check_runtime_run(self, instruction: Instruction) -> None:
        """A RUN after the build stays in the runtime stage: it must not need the build tooling."""
        run = self.analysis.ctx.run(instruction)
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
                raise Refused(f"`{shown(context.command)}` on line {line} needs the build tooling")
            if name not in RUNTIME_PROGRAMS:
                raise Refused(f"cannot tell whether `{shown(context.command)}` on line {line} needs the build tooling")
