"""The entry point: ``analyse(ctx)`` returns None when a file has nothing to split, else a
``SplitProposal`` with either a ``SplitRewrite`` or the reason no plan could be made with confidence."""

from __future__ import annotations

from typing import Optional

from ...record import record
from ...syntax import Instruction
from ...semantics.context import FileContext
from ...semantics.images import family_of
from .analysis import Analysis
from .model import Refused
from .plan import SplitRewrite, Planner
from .survey import base_ref, build_tooling, describe, survey, variant, windows


@record
class SplitProposal:
    instruction: Instruction  # where to report
    tooling: str  # what ships in the final image, for the message
    plan: Optional[SplitRewrite] = None
    reason: Optional[str] = None


def analyse(ctx: FileContext) -> Optional[SplitProposal]:
    stages = ctx.tree.stages
    if len(stages) != 1:
        return None
    stage = stages[0]
    if ctx.run(stage.from_instruction) is None and windows(stage.base_image):
        return None
    found = survey(ctx, stage.instructions)
    ecosystems = sorted({eco for _, eco in found.steps})
    ref, tag = base_ref(ctx, stage.base_image)
    family = family_of(ref)
    runtime_image = None
    if len(ecosystems) == 1 and family is not None and family.ecosystem == ecosystems[0]:
        runtime_image = variant(ref, tag, stage.base_image)
    last = found.steps[-1][0] if found.steps else len(stage.instructions) - 1
    tooling = build_tooling(found, last, ecosystems)
    if not tooling and runtime_image is None:
        return None
    described = describe(tooling, stage.base_image, runtime_image)
    if not found.steps:
        if found.toolchain_runs:
            return SplitProposal(stage.from_instruction, described, reason="the build's outputs cannot be located")
        return None
    try:
        if len(ecosystems) > 1:
            raise Refused(f"both {' and '.join(ecosystems)} dependencies are installed")
        analysis = Analysis(ctx, stage, found, ecosystems[0], ref, family, runtime_image)
        plan = Planner(analysis).plan()
    except Refused as refusal:
        return SplitProposal(stage.from_instruction, described, reason=str(refusal))
    return SplitProposal(stage.from_instruction, described, plan=plan)
