"""Everything a rule may ask about one file, computed once and shared."""

from __future__ import annotations

import posixpath
from typing import Any, Callable, Dict, List, Optional, Set

from ..record import cached_property
from ..syntax import Dockerfile, Instruction, Stage
from .run import RunView, shell_of_stages
from .stages import parent_stage, reaching_stages, stage_of


class FileContext:
    def __init__(self, tree: Dockerfile, path: str = "") -> None:
        self.tree = tree
        self.path = path
        self.text = tree.code
        self._offsets: Dict[int, int] = {id(line): start for line, start in zip(tree.body, tree.line_starts)}
        self._runs: Dict[int, Optional[RunView]] = {}
        self.memo: Dict[str, dict] = {}  # per-file facts a rule builds up as it goes, by the rule's key

    def offset(self, node) -> int:
        """Offset of a line-level node in the file's text."""
        return self._offsets[id(node)]

    def end_offset(self, node) -> int:
        return self._offsets[id(node)] + len(node.code)

    @property
    def newline(self) -> str:
        return self.tree.newline

    @cached_property
    def reaching(self) -> Set[int]:
        return reaching_stages(self.tree)

    @cached_property
    def _stage_of(self) -> Dict[int, Stage]:
        return stage_of(self.tree)

    def stage(self, instruction: Instruction) -> Optional[Stage]:
        return self._stage_of.get(id(instruction))

    def reaches_final_image(self, instruction: Instruction) -> bool:
        stage = self.stage(instruction)
        return stage is not None and stage.index in self.reaching

    # --- stage ancestry: a stage is built FROM an earlier one or from an image ---

    def parent(self, stage: Stage) -> Optional[Stage]:
        """The earlier stage ``stage`` is built FROM, if any."""
        return parent_stage(self.tree, stage)

    def ancestry(self, stage: Stage) -> List[Stage]:
        """``stage`` and the stages it is built FROM, nearest first."""
        chain = [stage]
        parent = self.parent(stage)
        while parent is not None:  # always an earlier stage: no loop
            chain.append(parent)
            parent = self.parent(parent)
        return chain

    def root_image(self, stage: Optional[Stage]) -> str:
        """The image at the root of ``stage``'s ancestry ("" for no stage)."""
        return self.ancestry(stage)[-1].base_image if stage is not None else ""

    def family(self, stage: Stage) -> List[Stage]:
        """``stage`` and every stage built FROM it, directly or not, in file order."""
        out = [stage]
        indexes = {stage.index}
        for later in self.tree.stages[stage.index + 1:]:
            parent = self.parent(later)
            if parent is not None and parent.index in indexes:
                out.append(later)
                indexes.add(later.index)
        return out

    def final_lineage(self) -> List[int]:
        """Indexes of the final stage and the stages it is built FROM: their files are in the image."""
        stages = self.tree.stages
        return sorted(stage.index for stage in self.ancestry(stages[-1])) if stages else []

    def lineage(self, instruction: Instruction) -> List[Instruction]:
        """Instructions whose effects ``instruction`` sees, in build order: every instruction of the
        stages its stage is built FROM, then those of its own stage before it."""
        stage = self.stage(instruction)
        if stage is None:
            return []
        out: List[Instruction] = []
        for ancestor in reversed(self.ancestry(stage)[1:]):
            out.extend(ancestor.instructions)
        for earlier in stage.instructions:
            if earlier is instruction:
                break
            out.append(earlier)
        return out

    def lineage_fold(self, instruction: Instruction, key: str, step: Callable[[Any, Instruction], Any],
                     start: Any) -> Any:
        """``step(state, earlier)`` folded from ``start`` over ``self.lineage(instruction)``; one pass
        over the file per ``key`` gives every instruction's, so asking for each stays linear."""
        memo = self.memo.get("fold:" + key)
        if memo is None:
            memo = self.memo["fold:" + key] = {}
            final: Dict[int, Any] = {}  # stage index -> the state after its last instruction
            for stage in self.tree.stages:
                parent = self.parent(stage)  # always an earlier stage
                state = final[parent.index] if parent is not None else start
                for earlier in stage.instructions:
                    memo[id(earlier)] = state
                    state = step(state, earlier)
                final[stage.index] = state
        return memo.get(id(instruction), start)

    def workdir(self, instruction: Instruction) -> Optional[str]:
        """The directory ``instruction`` runs in, when the file says it (a literal WORKDIR of its
        stage or of a stage it is built from); None when it comes from a base image or a variable."""
        return self.lineage_fold(instruction, "workdir", workdir_after, None)

    def workdir_from_root(self, instruction: Instruction) -> Optional[str]:
        """``workdir``, taking a base image's working directory for "/" (the usual one)."""
        return self.lineage_fold(instruction, "workdir-from-root", workdir_after, "/")

    @cached_property
    def _posix(self) -> Dict[int, bool]:
        return shell_of_stages(self.tree)

    def run(self, instruction: Instruction) -> Optional[RunView]:
        """The shell view of a shell-form RUN or ONBUILD RUN under a POSIX shell, else None; of a
        ``RUN <<EOF`` that runs its heredoc as a shell script, the view of that script (see
        ``RunView.of``). An ONBUILD trigger runs under the shell its stage ends with."""
        key = id(instruction)
        try:
            return self._runs[key]
        except KeyError:
            view = None
            if instruction.effective_keyword == "RUN":
                shell_at = instruction
                if instruction.keyword == "ONBUILD":
                    stage = self.stage(instruction)
                    shell_at = stage.instructions[-1] if stage is not None else instruction
                if self._posix.get(id(shell_at), False):
                    view = RunView.of(instruction, self.offset(instruction))
            self._runs[key] = view
            return view

    def runs(self) -> List[RunView]:
        return list(self._all_runs)

    @cached_property
    def _all_runs(self) -> List[RunView]:
        out = []
        for instruction in self.tree.instructions:
            view = self.run(instruction)
            if view is not None:
                out.append(view)
        return out

    def next_instruction(self, instruction: Instruction) -> Optional[Instruction]:
        instructions = self.tree.instructions
        for i, candidate in enumerate(instructions):
            if candidate is instruction:
                return instructions[i + 1] if i + 1 < len(instructions) else None
        return None


def workdir_after(cwd: Optional[str], instruction: Instruction) -> Optional[str]:
    """The working directory after ``instruction`` where it was ``cwd`` (None: unknown) before: a
    literal WORKDIR sets it, a relative one against ``cwd``; one with a variable, a quote or a
    backslash makes it unknown."""
    if instruction.keyword != "WORKDIR" or not instruction.value:
        return cwd
    path = instruction.value[0]
    if not path or any(c in path for c in "$\"'\\"):
        return None
    if not path.startswith("/"):
        if cwd is None:
            return None
        path = posixpath.join(cwd, path)
    path = posixpath.normpath(path)
    return path[1:] if path.startswith("//") else path  # normpath keeps a leading `//`
