"""Tie layers to the Dockerfile instructions that made them and compare images."""

from __future__ import annotations

import json
import re

from ..record import record
from .image import HistoryEntry, ImageLayers
from .instructions import BuildStep

_NOP = re.compile(r"^/bin/sh -c #\(nop\)\s*")
_SHELL = re.compile(r"^(?:\|\d+ (?:\S+=\S* )*)?/bin/sh -c ")
_BUILDKIT_SUFFIX = " # buildkit"
_KEYWORD = re.compile(r"^([A-Z]+)\b")


@record
class AttributedLayer:
    size: int
    instruction: str
    line: int | None  # Dockerfile line; None for layers of the base image
    digest: str = ""

    @property
    def from_base(self) -> bool:
        return self.line is None


@record
class ImageSummary:
    total_size: int
    layers: list[AttributedLayer]

    @property
    def base_size(self) -> int:
        return sum(layer.size for layer in self.layers if layer.from_base)

    @property
    def own_size(self) -> int:
        return self.total_size - self.base_size


@record
class Difference:
    total: int  # rewritten minus original, in bytes
    base: int
    own: int
    percent: float  # of the original total

    @property
    def smaller(self) -> bool:
        return self.total < 0


def describe(created_by: str) -> str:
    """Turn a history ``created_by`` into the instruction it records.

    Handles the forms written by buildah and the classic docker builder
    (``/bin/sh -c #(nop) COPY ...``, ``/bin/sh -c cmd``) and by BuildKit
    (``RUN /bin/sh -c cmd # buildkit``).
    """
    text = created_by.strip()
    if text.endswith(_BUILDKIT_SUFFIX.strip()):
        text = text[: -len(_BUILDKIT_SUFFIX.strip())].rstrip()
    if _NOP.match(text):
        return _NOP.sub("", text).strip()
    if text.startswith("RUN "):
        return "RUN " + _SHELL.sub("", text[4:]).strip()
    if _SHELL.match(text):
        return "RUN " + _SHELL.sub("", text).strip()
    return text


def attribute(image: ImageLayers, stage: list[BuildStep]) -> ImageSummary:
    """Name each layer after the final-stage instruction that made it.

    History entries are aligned with the stage's instructions from the end;
    the first entry that no remaining instruction can explain, and all before
    it, belong to the base image, and are named after the stage's FROM.
    """
    base = next((i.text for i in stage if i.keyword == "FROM"), "base image")
    owners = _align(image.history, [i for i in stage if i.keyword != "FROM"])
    layer_owners = [owner for entry, owner in zip(image.history, owners) if not entry.empty_layer]
    if len(layer_owners) != len(image.layers):
        layer_owners = [None] * len(image.layers)
    layers = []
    for layer, owner in zip(image.layers, layer_owners):
        if owner is None:
            layers.append(AttributedLayer(layer.size, base, None, layer.digest))
        else:
            layers.append(AttributedLayer(layer.size, owner.text, owner.line, layer.digest))
    return ImageSummary(image.total_size, layers)


def difference(original: ImageSummary, rewritten: ImageSummary) -> Difference:
    total = rewritten.total_size - original.total_size
    percent = 100.0 * total / original.total_size if original.total_size else 0.0
    return Difference(
        total=total,
        base=rewritten.base_size - original.base_size,
        own=rewritten.own_size - original.own_size,
        percent=percent,
    )


def _align(history: list[HistoryEntry], stage: list[BuildStep]) -> list[BuildStep | None]:
    owners: list[BuildStep | None] = [None] * len(history)
    remaining = len(stage)
    for position in range(len(history) - 1, -1, -1):
        recorded = describe(history[position].created_by)
        match = _find_backwards(recorded, stage, remaining)
        if match is None:
            break
        owners[position] = stage[match]
        remaining = match
    return owners


def _find_backwards(recorded: str, stage: list[BuildStep], end: int) -> int | None:
    keyword_match = _KEYWORD.match(recorded)
    if not keyword_match:
        # Exec-form RUNs are recorded as their bare argv by the classic builders.
        recorded = "RUN " + recorded
    keyword = keyword_match.group(1) if keyword_match else "RUN"
    for index in range(end - 1, -1, -1):
        instruction = stage[index]
        if instruction.keyword == keyword and _same_command(recorded, instruction):
            return index
    return None


def _same_command(recorded: str, instruction: BuildStep) -> bool:
    """RUN commands must agree; other keywords match by keyword alone."""
    if instruction.keyword != "RUN":
        return True
    arguments = instruction.arguments
    while arguments.startswith("--"):  # RUN --mount=... flags are not recorded
        _, _, arguments = arguments.partition(" ")
    forms = {_squeeze(arguments)}
    if arguments.lstrip().startswith("["):
        # Exec form: buildah records the JSON text, docker the joined argv.
        try:
            forms.add(_squeeze(" ".join(json.loads(arguments))))
        except (ValueError, TypeError):
            return True
    return _squeeze(recorded[4:]) in forms


def _squeeze(text: str) -> str:
    return " ".join(text.split())
