"""The tolerant first look at the stage: its dependency steps and their ecosystems, package
installs and removals, toolchain runs; the build tooling that ships; the base image and its
runtime variant."""

from __future__ import annotations

import re
from typing import Dict, List, Optional, Sequence, Tuple

from ...syntax import Instruction
from ...semantics.context import FileContext
from ...semantics.images import ImageRef, runtime_variant
from ...packages import build_deps
from .commands import ecosystem, go_subcommand
from .model import Survey
from .tables import (ECOSYSTEM_BUILD_TOOLS, GO_BUILD_SUBCOMMANDS, INSTALLERS, MANAGERS, TOOLCHAIN_PROGRAMS,
                     WINDOWS_IMAGES)


def windows(image: str) -> bool:
    return any(hint in image.lower() for hint in WINDOWS_IMAGES)


def survey(ctx: FileContext, instructions: Sequence[Instruction]) -> Survey:
    found = Survey()
    for index, instruction in enumerate(instructions):
        if instruction.keyword != "RUN":
            continue
        run = ctx.run(instruction)
        if run is None:
            eco = _exec_form_ecosystem(instruction)
            if eco is not None:
                found.steps.append((index, eco))
            continue
        for context, view in run.commands:
            eco = "go" if go_subcommand(context.command) in GO_BUILD_SUBCOMMANDS else ecosystem(view)
            if eco is not None:
                found.steps.append((index, eco))
            if view is not None and view.tool in MANAGERS:
                if view.action == "install":
                    found.installs.append((index, view))
                    found.removed.update(value for value in view.option_values("virtual") if value)
                elif view.action == "remove":
                    found.removed.update(p.name for p in view.packages if p.name)
            if context.command.name in TOOLCHAIN_PROGRAMS and eco is None:
                found.toolchain_runs.append(index)
    return found


def _exec_form_ecosystem(instruction: Instruction) -> Optional[str]:
    """An exec-form RUN with ``install`` and an installer: the first ecosystem it mentions."""
    words = " ".join(instruction.value).split()
    if "install" not in words or not any(tool in words for tools in INSTALLERS.values() for tool in tools):
        return None
    joined = " ".join(words)
    return next(eco for eco, tools in INSTALLERS.items() if any(tool in joined for tool in tools))


def build_tooling(found: Survey, last: int, ecosystems: List[str]) -> List[str]:
    """Build-only packages installed up to the last dependency step."""
    out: List[str] = []
    for index, view in found.installs:
        if index > last:
            continue
        deps = build_deps(MANAGERS[view.tool])
        extra = ECOSYSTEM_BUILD_TOOLS.get(ecosystems[0], frozenset()) if len(ecosystems) == 1 else frozenset()
        virtual = any(v in found.removed for v in view.option_values("virtual"))
        for package in view.packages:
            name = package.name
            if name and (virtual or name in found.removed or deps.is_build_only(name) or name in extra):
                if name not in out:
                    out.append(name)
    return out


def describe(tooling: List[str], image: str, variant: Optional[str]) -> str:
    parts = []
    if tooling:
        shown = ", ".join(tooling[:3])
        parts.append(shown + (f" and {len(tooling) - 3} more" if len(tooling) > 3 else ""))
    if variant is not None:
        parts.append(f"the full {image} image")
    return "; ".join(parts)


def base_ref(ctx: FileContext, image: str) -> Tuple[ImageRef, Optional[str]]:
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


def variant(ref: ImageRef, tag: Optional[str], written: str) -> Optional[str]:
    """The runtime variant, written with the original's ARG references where it can be."""
    found = runtime_variant(ref, tag)
    if found is None or "$" not in written:
        return found
    expanded = ref.text.partition("@")[0]
    if found.startswith(expanded):  # only a suffix was added: keep the ARG reference
        return written + found[len(expanded):]
    return None
