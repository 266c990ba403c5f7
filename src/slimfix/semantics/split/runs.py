"""A RUN up to the last build step, split command by command: the builder gets the package
installs minus the runtime-only packages and the build steps (pip into an isolated prefix, a Node
build pruned of its dev dependencies); the runtime stage gets the installs minus the build-only
packages, runtime setup and cleanup, and the copy of the build's result after the last step."""

from __future__ import annotations

import re
from typing import List, Optional, Tuple

from ...shell.edit import Edit as ShellEdit, insert_option, remove_words, replace_word
from ...shell.nodes import Word
from ...shell.rm import removes
from ...syntax import Instruction
from ..run import RunView
from .analysis import Analysis
from .copies import copy_result
from .libraries import applies as needs_library_list, install_instruction, scan_command
from .node import start_dev_dependency
from .model import (BUILD, CLEANUP, DEPS, INSTALL, INSTALL_DIR, PRELUDE, REMOVE, SETUP, STEPS, UPDATE, UPGRADE,
                    Command, Emission)
from .render import command_text, run_text
from .tables import USER_PROGRAMS

Entries = List[Tuple[Optional[Command], str]]  # a stage's commands of a RUN (None: generated)


class RunSplitter:
    def __init__(self, analysis: Analysis, builder: List[Emission], final: List[Emission]) -> None:
        self.analysis = analysis
        self.builder = builder
        self.final = final
        self.runtime_added: set = set()  # runtime libraries of -dev packages, once

    def split(self, index: int, instruction: Instruction) -> None:
        analysis = self.analysis
        commands = analysis.runs[index]
        run: RunView = analysis.ctx.run(instruction)  # type: ignore[assignment]
        is_last = index == analysis.last
        steps = [k for k, c in enumerate(commands) if c.role in STEPS]
        last_step = steps[-1] if steps else len(commands)
        builder: Entries = []
        pre: Entries = []
        post: Entries = []
        for k, command in enumerate(commands):
            before_step = k < last_step or not is_last
            text = self._builder_text(command, run, before_step)
            if text is not None:
                builder.append((command, text))
            text = self._final_text(command, run, instruction.start_line)
            if text is not None:  # setup after the build may act on its result: after the copy
                (post if is_last and k > last_step and command.role == SETUP else pre).append((command, text))
        if is_last and analysis.ecosystem == "node":
            prune = self._prune()
            if prune:
                builder.append((None, prune))
        libraries = is_last and needs_library_list(analysis) and scan_command(analysis, run.style)
        if libraries:
            builder.append((None, libraries))
        self._emit(self.builder, instruction, run, self._tidy(builder, final=False))
        self._emit(self.final, instruction, run, self._tidy(pre, final=True))
        if is_last:
            self.final.append(Emission(instruction, copy_result(analysis, instruction)))
            if libraries:
                self.final.append(Emission(instruction, install_instruction(analysis, instruction.indent, run.style)))
            self._emit(self.final, instruction, run, self._tidy(post, final=True))

    def _builder_text(self, command: Command, run: RunView, before_step: bool) -> Optional[str]:
        role, view = command.role, command.view
        if role in (REMOVE, CLEANUP):
            return None
        if role == SETUP and not (before_step and (command.node.name not in USER_PROGRAMS
                                                   or self.analysis.builder_users())):
            return None
        if role == INSTALL:
            return self._filtered_install(command, run, keep=self.analysis.builder_packages, final=False)
        if role == DEPS and view.tool == "pip":
            option = f"--prefix={INSTALL_DIR}" if self.analysis.python_prefix() else f"--root={INSTALL_DIR}"
            return command_text(self.analysis.ctx, run, command.node, [insert_option(view, option)])
        return command_text(self.analysis.ctx, run, command.node, [])

    def _final_text(self, command: Command, run: RunView, line: int) -> Optional[str]:
        role, view = command.role, command.view
        if role in STEPS:
            return None
        if role == INSTALL:
            return self._filtered_install(command, run, keep=self.analysis.final_packages, final=True, line=line)
        if role == REMOVE and all(p.name in self.analysis.installed for p in view.packages):
            return None  # what it removes is not installed in the runtime stage
        return command_text(self.analysis.ctx, run, command.node, [])

    def _filtered_install(self, command: Command, run: RunView, keep: set, final: bool, line: int = 0) -> Optional[str]:
        analysis = self.analysis
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
        removed = any(v in analysis.survey.removed for v in view.option_values("virtual"))
        for package in view.packages if final and not removed else ():
            if package.name in keep or package.name in analysis.survey.removed:
                continue
            added = [r for r in analysis.runtime_of(package.name, line)
                     if r not in analysis.final_packages and r not in self.runtime_added]
            if added:
                self.runtime_added.update(added)
                edits.append(replace_word(package.word, " ".join(added)))
                replaced.append(package.word)
        if not kept and not replaced:
            return None
        edits.extend(remove_words(command.node, [w for w in dropped if w not in replaced]))
        return command_text(analysis.ctx, run, command.node, edits)

    def _prune(self) -> Optional[str]:
        """The command that leaves only production dependencies, unless the install did already
        or the app starts with a dev dependency."""
        if start_dev_dependency(self.analysis) is not None:
            return None
        runs = self.analysis.runs
        views = [c.view for k in sorted(runs) for c in runs[k] if c.role in (DEPS, BUILD)]
        installs = [v for v in views if v.action == "install"]
        if all(v.has("production") or "dev" in v.option_values("omit") or "production" in v.option_values("only")
               for v in installs):
            return None
        if any(v.tool == "yarn" for v in installs):
            frozen = any(v.has("frozen_lockfile") for v in installs)
            return "yarn install --production" + (" --frozen-lockfile" if frozen else "")
        major = re.match(r"(\d+)", self.analysis.ref.tag or "")
        legacy = major is not None and int(major.group(1)) < 16
        return "npm prune " + ("--production" if legacy else "--omit=dev")

    def _tidy(self, entries: Entries, final: bool) -> Entries:
        """Make one stage's part of a RUN complete: package lists fetched before installs (and
        removed after them in the runtime stage), no refresh or cleanup without an install."""
        later_installs = self.analysis.later_installs
        entries = [e for k, e in enumerate(entries) if not _dangling_prelude(entries, k)]
        kept = (CLEANUP, PRELUDE) if final and later_installs else (UPDATE, CLEANUP, PRELUDE)
        if not any(c is None or c.role not in kept for c, _ in entries):
            return []
        installs = [c for c, _ in entries if c is not None and c.role in (INSTALL, UPGRADE)]
        out = []
        updated = False
        for command, text in entries:
            if command is not None and command.role == UPDATE:
                later = final and command.view.tool in later_installs
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
            if not any(removes(v, "/var/lib/apt/lists/*") for v in run_views):
                out.append((None, "rm -rf /var/lib/apt/lists/*"))
        return out

    def _emit(self, target: List[Emission], instruction: Instruction, run: RunView, entries: Entries) -> None:
        if entries:
            target.append(Emission(instruction, run_text(self.analysis.ctx, instruction, run, entries,
                                                         self.analysis.newline)))


def _dangling_prelude(entries: Entries, k: int) -> bool:
    command = entries[k][0]
    return command is not None and command.role == PRELUDE and all(
        c is not None and c.role == PRELUDE for c, _ in entries[k + 1:])
