"""Files between the stages: which ``COPY``/``ADD`` only the builder needs (manifests and the
sources pip installs), and the ``COPY --from=builder`` that brings the build's result into the
runtime stage."""

from __future__ import annotations

import fnmatch
import os
import posixpath
import re
from typing import Optional

from ...syntax import Instruction
from .analysis import Analysis
from .commands import within
from .model import (BUILDER, CLEANUP, DEPS, INSTALL, INSTALL_DIR, PRELUDE, REMOVE, STEPS, TOOLING, UPDATE,
                    UPGRADE, Refused)
from .render import keyword_case
from .tables import CA_BUNDLE, MANIFESTS, USUAL_MANIFESTS


def builder_only_copy(analysis: Analysis, index: int, instruction: Instruction) -> bool:
    if instruction.flag_values("from") or instruction.heredocs or len(instruction.value) < 2:
        return False
    sources, dest = instruction.value[:-1], instruction.value[-1]
    if all(manifest(analysis.ecosystem, source) for source in sources):
        return True
    workdir = analysis.workdirs[index]
    target = dest if dest.startswith("/") else (posixpath.join(workdir, dest) if workdir else None)
    if target is None or "$" in target:
        return False
    target = posixpath.normpath(target)
    if analysis.ecosystem == "node":  # the runtime stage gets the app's directory from the builder
        return within(target, analysis.app_dir)
    if analysis.ecosystem == "go":  # the program may read files next to its source
        return False
    consumed = [path for path in analysis.pip_paths if within(target, path)]
    return bool(consumed) and not any(_referenced(analysis, path, instruction) for path in consumed)


def manifest(ecosystem: str, source: str) -> bool:
    """Whether ``source`` names only files that describe the dependencies being built: a
    manifest, or a pattern such as ``package*.json`` (literal text on both sides of the
    wildcards) that matches a manifest's usual name."""
    name = posixpath.basename(source.rstrip("/"))
    pattern = MANIFESTS[ecosystem]
    if not any(c in name for c in "*?["):
        return bool(pattern.fullmatch(name))
    pieces = re.split(r"[*?\[]", name)
    return len(pieces[0]) >= 3 and bool(pieces[-1].strip("]")) and any(
        fnmatch.fnmatchcase(usual, name) for usual in USUAL_MANIFESTS[ecosystem])


def _referenced(analysis: Analysis, path: str, copy: Instruction) -> bool:
    """Whether anything the runtime stage keeps mentions ``path``."""
    pattern = re.compile(re.escape(path) + r"(?![\w.-])")
    for index, instruction in enumerate(analysis.instructions):
        if instruction is copy:
            continue
        if instruction.keyword == "WORKDIR" and within(analysis.workdirs[index + 1] or "", path):
            return True
        texts = [instruction.original]
        if index in analysis.runs:
            texts = [c.node.code for c in analysis.runs[index] if c.role not in STEPS]
        elif instruction.keyword in ("COPY", "ADD") and all(
                manifest(analysis.ecosystem, v) for v in instruction.value[:-1]):
            continue
        if any(pattern.search(text) for text in texts):
            return True
    return False


def copy_result(analysis: Analysis, instruction: Instruction) -> str:
    """The runtime stage's copy of what the build made, in place of the last build step."""
    keyword = keyword_case(analysis.stage, "COPY")
    indent = instruction.indent
    newline = analysis.newline
    if analysis.ecosystem == "node":
        owner = _chown(analysis)
        flags = f"--from={BUILDER}" + (f" --chown={owner}" if owner else "")
        return f"{indent}{keyword} {flags} {analysis.app_dir} {analysis.app_dir}{newline}"
    if analysis.ecosystem == "go":
        copies = [(path, path) for path in dict.fromkeys(analysis.go_outputs)]
        if analysis.variant is not None:  # a plain base image may lack the CA certificates
            copies.append((CA_BUNDLE, CA_BUNDLE))
        return "".join(f"{indent}{keyword} --from={BUILDER} {a} {b}{newline}" for a, b in copies)
    target = analysis.python_prefix() or "/"
    return f"{indent}{keyword} --from={BUILDER} {INSTALL_DIR} {target}{newline}"


def _chown(analysis: Analysis) -> Optional[str]:
    owners = set()
    for index, instruction in enumerate(analysis.instructions[: analysis.last]):
        if instruction.keyword in ("COPY", "ADD") and builder_only_copy(analysis, index, instruction):
            owners.update(instruction.flag_values("chown") or ("",))
    owners.discard("")
    if len(owners) > 1:
        raise Refused("the app's files are copied with different owners")
    if owners:
        return owners.pop()
    return analysis.users[analysis.last]


def manifest_only_copy(analysis: Analysis, index: int, instruction: Instruction) -> Optional[str]:
    """The builder's narrower form of a ``COPY . <dir>`` that a Python build reads only requirement
    files from: ``COPY requirements.txt <dir>/``, so a change elsewhere in the context does not
    rebuild the dependencies. Only when pip installs nothing but ``-r`` files (and named packages),
    the files are next to the Dockerfile and refer to nothing else in the context, and no other
    builder command after the copy may read the context; else None (the whole copy is kept)."""
    if (analysis.ecosystem != "python" or analysis.pip_paths or instruction.keyword != "COPY"
            or instruction.flag_values("from") or instruction.heredocs or len(instruction.value) != 2
            or instruction.value[0] not in (".", "./") or not analysis.ctx.path):
        return None
    workdir = analysis.workdirs[index]
    dest = instruction.value[1]
    target = dest if dest.startswith("/") else (posixpath.join(workdir, dest) if workdir else None)
    if target is None or "$" in target:
        return None
    target = posixpath.normpath(target)
    files = []
    for run_index, commands in analysis.runs.items():
        if run_index <= index:
            continue
        for command in commands:
            if command.role not in (UPDATE, INSTALL, UPGRADE, REMOVE, CLEANUP, PRELUDE, DEPS, TOOLING):
                return None
            if command.role == DEPS:
                for value in command.view.option_values("requirement"):
                    path = _requirement_source(analysis, run_index, value, target)
                    if path is None:
                        return None
                    files.append(path)
    if not files:
        return None
    keyword = keyword_case(analysis.stage, "COPY")
    flags = "".join(f"{flag} " for flag in instruction.flags)
    directory = dest if dest.endswith("/") else dest + "/"
    return f"{instruction.indent}{keyword} {flags}{' '.join(dict.fromkeys(files))} {directory}{analysis.newline}"


def _requirement_source(analysis: Analysis, run_index: int, value: Optional[str], target: str) -> Optional[str]:
    """The requirement file's path in the context, when it is plain (no -e, -r, paths or URLs)."""
    workdir = analysis.workdirs[run_index]
    if value is None or "$" in value or (not value.startswith("/") and workdir is None):
        return None
    path = posixpath.normpath(posixpath.join(workdir or "/", value))
    if not within(path, target) or path == target:
        return None
    relative = posixpath.relpath(path, target)
    local = os.path.join(os.path.dirname(os.path.abspath(analysis.ctx.path)), relative)
    try:
        with open(local, encoding="utf-8") as handle:
            lines = [line.strip() for line in handle]
    except (OSError, UnicodeDecodeError):
        return None
    for line in lines:
        if line.startswith(("-", ".", "/")) or "file:" in line or " @ " in line or "://" in line:
            return None
    return relative
