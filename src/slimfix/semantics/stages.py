"""Build stages and which of them end up in the final image."""

from __future__ import annotations

from typing import Dict, Optional, Set

from ..syntax import Dockerfile, Stage


def stage_by_reference(tree: Dockerfile, reference: str, before: int) -> Optional[Stage]:
    """The stage named by ``reference`` (alias or index) among the first ``before`` stages."""
    reference = reference.lower()
    for stage in tree.stages[:before]:
        if (stage.alias or "").lower() == reference or str(stage.index) == reference:
            return stage
    return None


def parent_stage(tree: Dockerfile, stage: Stage) -> Optional[Stage]:
    """The earlier stage this one is built FROM, if any."""
    return stage_by_reference(tree, stage.base_image, stage.index)


def reaching_stages(tree: Dockerfile) -> Set[int]:
    """Indexes of the stages whose files can reach the final image.

    The final (last) stage; every stage it is built FROM, transitively; and
    every stage one of those copies from with ``COPY --from`` (with its own
    ancestors). As hadolint does for DL3009, other stages are build-only.
    """
    stages = tree.stages
    if not stages:
        return set()
    seen: Set[int] = set()
    todo = [stages[-1]]
    while todo:
        stage = todo.pop()
        if stage.index in seen:
            continue
        seen.add(stage.index)
        parent = parent_stage(tree, stage)
        if parent is not None:
            todo.append(parent)
        for instruction in stage.instructions:
            if instruction.keyword in ("COPY", "ADD"):
                for ref in instruction.flag_values("from"):
                    source = stage_by_reference(tree, ref, stage.index)
                    if source is not None:
                        todo.append(source)
    return seen


def stage_of(tree: Dockerfile) -> Dict[int, Stage]:
    """Map id(instruction) to its stage."""
    out: Dict[int, Stage] = {}
    for stage in tree.stages:
        out[id(stage.from_instruction)] = stage
        for instruction in stage.instructions:
            out[id(instruction)] = stage
    return out
