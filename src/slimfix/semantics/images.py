"""Base images: references, the official families, and their runtime variants (``images.toml``).

``ImageRef.parse("python:3.11-bookworm")`` splits a reference; ``family_of(ref)`` names the
official family (``python``, ``node``, ...) it belongs to; ``runtime_variant(ref)`` gives the
smaller image a runtime stage can use instead (``python:3.11-slim-bookworm``), or None.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Dict, Optional, Pattern, Tuple

from ..record import cached_property, record
from ..datafiles import load_table

DOCKER_HUB = frozenset({"", "docker.io", "index.docker.io", "registry-1.docker.io"})


@record
class ImageRef:
    """``[registry/]path[:tag][@digest]`` as written in ``FROM``."""

    text: str
    registry: str  # "" when the reference names none (Docker Hub)
    path: str  # "python", "library/python", "team/python"
    tag: str  # "" when none is written
    digest: str

    @classmethod
    def parse(cls, text: str) -> "ImageRef":
        rest, _, digest = text.partition("@")
        registry = ""
        first, slash, remainder = rest.partition("/")
        if slash and ("." in first or ":" in first or first == "localhost"):
            registry, rest = first, remainder
        path, tag = rest, ""
        if ":" in rest.rsplit("/", 1)[-1]:
            path, _, tag = rest.rpartition(":")
        return cls(text, registry, path, tag, digest)

    @property
    def name(self) -> str:
        """The repository's last component: ``python`` for ``docker.io/library/python``."""
        return self.path.rsplit("/", 1)[-1]

    @property
    def is_official(self) -> bool:
        """An official Docker Hub image (``python``, ``library/python``, ``docker.io/python``)."""
        return self.registry.lower() in DOCKER_HUB and self.path in (self.name, "library/" + self.name)

    @property
    def is_mirror(self) -> bool:
        """On a registry other than Docker Hub: taken for a mirror of the official image."""
        return self.registry.lower() not in DOCKER_HUB

    def retagged(self, tag: str) -> str:
        """This image with another tag and no digest, written as the original was."""
        prefix = f"{self.registry}/" if self.registry else ""
        return f"{prefix}{self.path}:{tag}"

    def replaced(self, image: str) -> str:
        """Another official image, on the registry and under the namespace this one is written with."""
        prefix = f"{self.registry}/" if self.registry else ""
        namespace = "library/" if self.path.startswith("library/") else ""
        return f"{prefix}{namespace}{image}"


@record
class VariantRule:
    tag_pattern: str  # compiled on first use: most runs look at one or two families
    to: Optional[str]  # a tag of the same repository
    image: Optional[str]  # or another image

    @cached_property
    def tag(self) -> Pattern[str]:
        return re.compile(self.tag_pattern)


@record
class Family:
    name: str
    repositories: Tuple[str, ...]
    ecosystem: str
    python_prefix: Optional[str]
    saving_mb: int
    full_packages: Optional[str]  # apt_sizes.toml's install of what the full image has over the variant
    runtime: Tuple[VariantRule, ...]

    def runtime_image(self, ref: ImageRef, tag: Optional[str] = None) -> Optional[str]:
        """The runtime variant of ``ref`` (``tag`` overrides its tag, e.g. with ARG values expanded)."""
        tag = ref.tag if tag is None else tag
        for rule in self.runtime:
            match = rule.tag.fullmatch(tag or "latest")
            if match is None:
                continue
            if rule.to is not None:
                return ref.retagged(match.expand(rule.to))
            return ref.replaced(match.expand(rule.image or ""))
        return None


@record
class ImageTable:
    families: Tuple[Family, ...]


def _expand(pattern: str, named: Dict[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: f"(?:{named[m.group(1)]})", pattern)


@lru_cache(maxsize=None)
def load_images() -> ImageTable:
    data = load_table("semantics/images.toml")
    named = data.get("patterns", {})
    families = tuple(
        Family(
            name=entry["name"],
            repositories=tuple(entry["repositories"]),
            ecosystem=entry["ecosystem"],
            python_prefix=entry.get("python_prefix"),
            saving_mb=int(entry.get("saving_mb", 0)),
            full_packages=entry.get("full_packages"),
            runtime=tuple(
                VariantRule(_expand(rule["tag"], named), rule.get("to"), rule.get("image"))
                for rule in entry.get("runtime", ())
            ),
        )
        for entry in data.get("family", ())
    )
    return ImageTable(families)


def family_of(ref: ImageRef) -> Optional[Family]:
    """The official family of ``ref``: Docker Hub's own image, or the same name on another registry."""
    if not (ref.is_official or ref.is_mirror):
        return None
    for family in load_images().families:
        if ref.name in family.repositories:
            return family
    return None


def runtime_variant(ref: ImageRef, tag: Optional[str] = None) -> Optional[str]:
    """The smaller official image a runtime stage can use instead of ``ref``, if there is one.

    Only for official Docker Hub images without a digest: a pinned digest cannot be carried over
    to another tag, and mirrors may not carry the variant."""
    family = family_of(ref)
    if family is None or not ref.is_official or ref.digest:
        return None
    return family.runtime_image(ref, tag)
