"""SF012: a downloaded archive stays in the layer after it is unpacked."""

from __future__ import annotations

import posixpath
import re
import shlex
from typing import Iterable, List, Optional, Tuple

from ..semantics.archives import NO, YES, PathRef, downloaded_path, same_file, unpacked_paths
from ..semantics.context import FileContext
from ..semantics.run import RunView
from ..semantics.savings import typical
from ..syntax import Instruction
from .base import Applicability, Diagnostic, Fix, Rule
from .package_caches import lineage_mentions
from .shell_paths import changes_directory, mention_in

# Programs that read the working directory when no path is given
_LISTERS = frozenset({"ls", "find", "du", "tree", "dir"})
_LISTER_WORD = re.compile(r"(^|[\s;&|(`\"'\[,])(" + "|".join(sorted(_LISTERS)) + r")(?=$|[\s;&|)`\"',\]])")


class DownloadedArchiveKept(Rule):
    """
    ## What it does
    Finds a `RUN` that downloads an archive or package with `curl -o`,
    `curl -O` or `wget`, unpacks or installs it (`tar -x`, `unzip`,
    `dpkg -i`, `apt-get install ./x.deb`, `pip install x.whl`) and leaves
    the downloaded file behind, and appends `rm -f` of that file.

    ## Why is this bad?
    Once unpacked, the archive is dead weight: the layer keeps both the
    archive and what came out of it. Removing it in a later `RUN` does not
    help, the earlier layer still holds it.

    ## Example
    ```dockerfile
    RUN curl -fsSL -o /tmp/node.tar.xz https://nodejs.org/dist/v20.11.0/node-v20.11.0-linux-x64.tar.xz \\
        && tar -xJf /tmp/node.tar.xz -C /usr/local --strip-components=1
    ```

    ## Use instead
    ```dockerfile
    RUN curl -fsSL -o /tmp/node.tar.xz https://nodejs.org/dist/v20.11.0/node-v20.11.0-linux-x64.tar.xz \\
        && tar -xJf /tmp/node.tar.xz -C /usr/local --strip-components=1 \\
        && rm -f /tmp/node.tar.xz
    ```

    ## Fix safety
    Safe only when the analysis is certain: the file is written by this `RUN`
    (one literal output path: `curl -o PATH`, `wget -O PATH`, or the name
    `curl -O`/`wget` take from a literal URL without query; not `wget -c`,
    `-N`, `-nc` or `--content-disposition`, which may write another name),
    the same literal path is unpacked or installed later in the `RUN`, no
    command after the last one that unpacks it names the file, a glob that
    may match it or one of its directories (`.`, `/tmp`, `tmp`), and no later
    instruction of the file does either. A relative path is removed as
    written when the working directory cannot change after the download
    (no `cd`, `pushd` or `popd` after it); otherwise it is removed by its
    absolute path, when `WORKDIR` and the `cd`s before the download make it
    known, and no fix is offered when they do not. Nothing is reported when
    the `RUN` already removes the file (or a glob or directory holding it).
    The fix is unsafe when `wget` names the file after the URL and an
    earlier instruction or command names it too (`wget` then writes
    `NAME.1`, and the file unpacked and removed is the earlier one), when
    the `RUN` could make `rm` mean something else (a
    shell function, `alias`, `source`, `.`, `eval`, a `PATH` set without
    `$PATH`), or when the file's directory is unknown and a later command
    names an absolute directory that might hold it, or a later `COPY --from`
    copies a path held in a variable. A command that lists the
    working directory without naming it (`ls`, `find`, `du`) counts as a use
    of a relative path, and in a later `RUN` (whose working directory may
    hold the file) as a use of any path. No fix is offered when
    the `RUN` cannot be extended safely (a trailing `&` or `;`, or
    shell text slimfix cannot read; a comment after the last command
    stays last). Names held in variables
    are not followed: `tar -xf "$ARCHIVE"` is not reported.

    Heredoc scripts (`RUN <<EOF` run by the shell) and `ONBUILD RUN` are read
    as well; the `rm -f` joins the script's last command with `&&`.

    ## Estimated savings
    20 MB per archive: the size of a download is not known before the build,
    and 20 MB is a typical release archive of a language runtime or tool.
    """

    code = "SF012"
    name = "downloaded-archive-kept"
    summary = "A downloaded archive stays in the layer after it is unpacked"
    fix_applicability = Applicability.SAFE

    def check(self, ctx: FileContext) -> Iterable[Diagnostic]:
        instructions = ctx.tree.instructions
        for index, instruction in enumerate(instructions):
            run = ctx.run(instruction)
            if run is None or not any(tool in run.shell_text for tool in ("curl", "wget")):
                continue
            kept = _kept_archives(ctx, instruction, run)
            if kept:
                yield self._diagnose(run, instruction, kept, instructions[index + 1:])

    def _diagnose(self, run: RunView, instruction: Instruction, kept, later: Tuple[Instruction, ...]) -> Diagnostic:
        names = ", ".join(f"`{ref.written}`" for ref, _, _, _ in kept)
        message = f"the downloaded {names} stays in the layer after it is unpacked; remove it in the same RUN"
        savings = typical("downloaded_archive") * len(kept)
        level = Applicability.SAFE
        paths = []
        for ref, remove_as, end, unsure in kept:
            reason, sure = _later_use(run, ref, end, later)
            sure = sure and not unsure
            if remove_as is None:
                reason = reason or "the working directory changes after the download and is not known"
            if reason is not None:
                return self.diagnostic(instruction, f"{message} (no automatic fix: {reason})")
            if not sure:
                level = Applicability.UNSAFE
            paths.append(shlex.quote(remove_as))
        command = "rm -f " + " ".join(paths)
        edit = run.append(command)
        if edit is None:
            return self.diagnostic(instruction, f"{message} (no automatic fix: {run.cannot_append()})")
        return self.diagnostic(instruction, message, fix=Fix((edit,), level, f"append `{command}`"), savings=savings)


def _kept_archives(ctx: FileContext, instruction: Instruction, run: RunView) -> List[tuple]:
    """(PathRef, path to remove it by or None, end of the last command that unpacks it, whether the
    file may not be the download) for each file this RUN downloads, unpacks and does not remove."""
    if run.script.has_opaque:
        return []
    commands = [(c, v) for c, v in run.commands if not c.in_substitution and not c.in_function]
    out = []
    for i, (c, v) in enumerate(commands):
        path = downloaded_path(v) if v is not None else None
        if path is None:
            continue
        later = commands[i + 1:]
        ends = [lc.command.end for lc, lv in later
                if any(same_file(path, p) for p in unpacked_paths(lc.command, lv))]
        if not ends:
            continue
        moves = any(changes_directory(lc) for lc, _ in later)
        cwd = _working_directory(ctx, instruction, run, c.command.start)
        absolute = path if path.startswith("/") else (posixpath.join(cwd, path) if cwd else None)
        ref = PathRef(path, posixpath.normpath(absolute) if absolute else None)
        if any(lv is not None and lv.tool == "rm" and any(ref.mention_by_word(w) == YES for w in lv.args)
               for lc, lv in later):
            continue  # already removed (by name, glob or directory)
        remove_as = path if not moves or path.startswith("/") else ref.absolute
        # wget without -O writes NAME.1 when NAME is already there: if an earlier instruction may
        # have put it there, the unpacked (and removed) file may not be the download
        unsure = v.tool == "wget" and not v.option_values("output") and (
            ref.name in run.shell_text[:c.command.start]
            or lineage_mentions(ctx, instruction, ref.name))
        if all(ref.written != seen.written for seen, _, _, _ in out):
            out.append((ref, remove_as, max(ends), unsure))
    return out


def _working_directory(ctx: FileContext, instruction: Instruction, run: RunView, position: int) -> Optional[str]:
    """The absolute working directory at ``position`` of ``run``, when ``WORKDIR`` and the ``cd``s
    before it make it certain; else None."""
    cwd: Optional[str] = ctx.lineage_fold(instruction, "sf012-workdir", _workdir_step, None)
    for c, _ in run.commands:
        if c.command.start >= position:
            break
        if not changes_directory(c) or c.in_substitution or c.in_function:
            continue
        words = c.command.words
        target = words[1].value if c.command.name == "cd" and len(words) == 2 else None
        if not c.top_level or target is None or target == "-":
            return None
        cwd = posixpath.normpath(target) if target.startswith("/") else (
            posixpath.normpath(posixpath.join(cwd, target)) if cwd else None)
    return cwd


def _workdir_step(cwd: Optional[str], earlier: Instruction) -> Optional[str]:
    """The absolute working directory after ``earlier``, None where unknown."""
    if earlier.keyword != "WORKDIR" or not earlier.value:
        return cwd
    target = earlier.value[0]
    if "$" in target:
        return None
    if target.startswith("/"):
        return posixpath.normpath(target)
    return posixpath.normpath(posixpath.join(cwd, target)) if cwd is not None else None


def _later_use(run: RunView, ref: PathRef, end: int, later: Tuple[Instruction, ...]) -> Tuple[Optional[str], bool]:
    """(why the file must stay, or None; whether that is certain): a command after ``end`` in the
    RUN or a later instruction may use the file."""
    sure = True
    for c, v in run.commands:
        if c.command.start < end:
            continue
        words = [*c.command.words, *(a.value for a in c.command.assignments), *(r.target for r in c.command.redirects)]
        if c.command.name in _LISTERS and not any((w.value or "-").startswith("/") for w in c.command.words[1:]):
            if not ref.written.startswith("/"):
                return f"`{c.command.code}` after it in the RUN reads the working directory", False
        for word in words:
            seen = ref.mention_by_word(word)
            if seen == YES:
                return f"`{word.text}` after it in the RUN may use it", False
            sure = sure and seen == NO
    for instruction in later:
        lister = _LISTER_WORD.search(instruction.code) if instruction.effective_keyword == "RUN" else None
        if lister is not None:  # its working directory, or any folder it names, may hold the file
            return f"line {instruction.start_line} lists a folder that may hold it (`{lister.group(2)}`)", False
        seen, text = mention_in(ref, instruction)
        if seen == YES:
            return f"line {instruction.start_line} may use it (`{text}`)", False
        sure = sure and seen == NO
    return None, sure


