"""SF017: a RUN deletes files an earlier RUN of the stage created."""

from __future__ import annotations

import posixpath
from typing import Iterable, List, Optional, Tuple

from ..semantics.archives import NO, PathRef
from ..semantics.context import FileContext
from ..semantics.run import RunView
from ..shell.rm import removed_paths
from ..syntax import Instruction
from .base import Applicability, Diagnostic, Edit, Fix, Rule
from .shell_paths import mention_in

# Paths other rules handle (package lists and caches are not named by the RUN that fills them)
_LEFT_TO_OTHERS = ("/var/lib/apt/lists", "/var/cache/apt", "/var/cache/apk", "/root/.cache", "/var/cache/yum",
                   "/var/cache/dnf")


def _removed(run: RunView) -> Tuple[List[Tuple[str, str]], bool]:
    """(path as written, normalised path) of the absolute literal paths the RUN's top-level
    ``rm`` commands remove, and whether the RUN is nothing but such ``rm`` commands joined by
    ``&&`` (so it can go as a whole)."""
    out: List[Tuple[str, str]] = []
    if run.has_heredoc or run.onbuild or run.script.has_opaque:
        return out, False
    only = all(op.op == "&&" for op in run.script.body.operators)
    for c, view in run.commands:
        if view is None or view.tool != "rm" or not c.top_level:
            only = False
            continue
        paths = removed_paths(view)
        if len(paths) != len(view.args) or any(p.contents_only for p in paths) or c.command.redirects:
            only = False
        out.extend((p.word.value, p.path) for p in paths if not p.contents_only)
    return out, only and bool(out)


def _creator(ctx: FileContext, earlier: Tuple[Instruction, ...], path: str) -> Optional[Instruction]:
    """The first earlier RUN of the stage whose commands name ``path`` or a file below it, as an
    argument or a redirection (later ones that name it read or change what it made)."""
    for instruction in earlier:
        if instruction.keyword in ("COPY", "ADD") and _writes(instruction, path):
            return None  # a COPY made it: not a RUN's leftover
        run = ctx.run(instruction)
        if run is None or run.onbuild:
            continue
        for c, _ in run.commands:
            for word in (*c.command.words[1:], *(r.target for r in c.command.redirects)):
                value = word.value
                if value and value.startswith("/") and (posixpath.normpath(value) + "/").startswith(path + "/"):
                    return instruction
    return None


def _writes(copy: Instruction, path: str) -> bool:
    """The COPY or ADD may have written ``path`` (its destination is the path or a folder above it,
    or cannot be read)."""
    values = copy.value
    if copy.is_exec_form or len(values) < 2:
        return True
    dest = values[-1]
    if "$" in dest or not dest.startswith("/"):
        return True
    dest = posixpath.normpath(dest)
    return path == dest or path.startswith(dest.rstrip("/") + "/")


class DeletedInLaterLayer(Rule, summary="A RUN deletes files an earlier RUN created; they stay in the earlier layer",
                                fix_applicability=Applicability.UNSAFE):
    """
    ## What it does
    Finds a `RUN` that only deletes files (`rm -rf /tmp/build`) an earlier
    `RUN` of the same stage created (the earlier `RUN` names the path or a
    file below it), and moves the deletion into that earlier `RUN`.

    ## Why is this bad?
    A layer cannot shrink the layers below it: a file deleted in a later
    layer is hidden, but still downloaded and stored with the image. This is
    the "wasted space" image analysers such as dive report.

    ## Example
    ```dockerfile
    RUN curl -fsSLo /tmp/src.tar.gz https://example.com/src.tar.gz \\
        && tar -xzf /tmp/src.tar.gz -C /tmp && make -C /tmp/src install
    RUN rm -rf /tmp/src.tar.gz /tmp/src
    ```

    ## Use instead
    ```dockerfile
    RUN curl -fsSLo /tmp/src.tar.gz https://example.com/src.tar.gz \\
        && tar -xzf /tmp/src.tar.gz -C /tmp && make -C /tmp/src install \\
        && rm -rf /tmp/src.tar.gz /tmp/src
    ```

    ## Fix safety
    Unsafe: which `RUN` created a file is inferred from the paths its shell
    text names. Offered only when the later `RUN` is nothing but `rm`
    commands over absolute literal paths (no `DIR/*`), every path was named
    by the same earlier `RUN`, and no instruction in between can read the
    paths (names them, a folder holding them, or a glob matching them; a
    `COPY --from` of another stage does not count); the `rm` then runs at the
    end of the earlier `RUN` (appended through the same path every fix
    uses), and the later `RUN` is removed. Files a `COPY` or `ADD` may have
    written before that `RUN` are not reported (leave them out of the build
    context instead). Package lists and caches are left
    to the rules that know them (SF002, SF004, SF007-SF009). Deletions that
    cannot be moved are reported without a fix.

    ## Estimated savings
    Not known before the build (the size of what the earlier `RUN` left
    there); reported as 0.
    """

    def check(self, ctx: FileContext) -> Iterable[Diagnostic]:
        for stage in ctx.tree.stages:
            instructions = stage.instructions
            for i, instruction in enumerate(instructions):
                run = ctx.run(instruction)
                if run is None or "rm" not in run.shell_text:
                    continue
                removed, only = _removed(run)
                paths = [(w, p) for w, p in removed if not p.startswith(_LEFT_TO_OTHERS) and p != "/"]
                creators = {p: _creator(ctx, instructions[:i], p) for _, p in paths}
                found = [(w, p) for w, p in paths if creators[p] is not None]
                if found:
                    yield self._diagnose(ctx, instruction, run, found, creators, instructions[:i],
                                         only and len(found) == len(removed))

    def _diagnose(self, ctx: FileContext, instruction: Instruction, run: RunView, found, creators, earlier,
                  all_found: bool) -> Diagnostic:
        first = creators[found[0][1]]
        names = ", ".join(f"`{w}`" for w, _ in found)
        message = (f"{names} deleted here stay{'s' if len(found) == 1 else ''} in the layer of the RUN on line "
                   f"{first.start_line}; delete in that RUN")
        reason = None
        if instruction.flags or any(type(part).__name__ == "ContinuationComment" for part in instruction.parts):
            reason = "the deleting RUN has flags or comments inside"
        elif not all_found:
            reason = "the RUN does more than delete these paths"
        elif any(creators[p] is not first for _, p in found):
            reason = "the paths come from different RUNs"
        else:
            between = earlier[earlier.index(first) + 1:]
            for other in between:
                for _, path in found:
                    ref = PathRef(path, path)
                    seen, text = mention_in(ref, other)
                    if seen != NO:
                        reason = f"line {other.start_line} may read it (`{text}`)"
                        break
                if reason:
                    break
        target = ctx.run(first)
        if reason is None and (target is None or target.cannot_append() is not None):
            why = target.cannot_append() if target is not None else "it cannot be read"
            reason = f"the RUN on line {first.start_line} cannot take the `rm`: {why}"
        edit = None
        if reason is None:
            edit = target.append(run.shell_text.strip())
            reason = None if edit is not None else f"the RUN on line {first.start_line} cannot be extended safely"
        if reason is not None:
            return self.diagnostic(instruction, f"{message} (no automatic fix: {reason})")
        start = ctx.offset(instruction)
        fix = Fix((edit, Edit.delete(start, start + len(instruction.code))), Applicability.UNSAFE,
                  f"move the deletion to line {first.start_line}")
        return self.diagnostic(instruction, message, fix=fix)
