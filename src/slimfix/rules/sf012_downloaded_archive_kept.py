"""SF012: a downloaded archive stays in the layer after it is unpacked."""

from __future__ import annotations

import posixpath
import re
import shlex
from bisect import bisect_right
from fnmatch import fnmatchcase
from typing import Dict, Iterable, List, Optional, Tuple

from ..semantics.archives import NO, YES, PathRef, downloaded_path, same_file, unpacked_paths
from ..semantics.context import FileContext
from ..semantics.run import RunView
from ..semantics.savings import typical
from ..shell.rm import normalise_path
from ..syntax import Instruction
from .base import Applicability, Diagnostic, Fix, Rule
from .package_caches import lineage_mentions
from .shell_paths import changes_directory, mention_in, mention_words

# Programs that read the working directory when no path is given
_LISTERS = frozenset({"ls", "find", "du", "tree", "dir"})
_LISTER_WORD = re.compile(r"(^|[\s;&|(`\"'\[,])(" + "|".join(sorted(_LISTERS)) + r")(?=$|[\s;&|)`\"',\]])")


class DownloadedArchiveKept(Rule, summary="A downloaded archive stays in the layer after it is unpacked",
                                  fix_applicability=Applicability.SAFE):
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

    def check(self, ctx: FileContext) -> Iterable[Diagnostic]:
        instructions = ctx.tree.instructions
        uses: Optional[_LaterUses] = None
        for index, instruction in enumerate(instructions):
            run = ctx.run(instruction)
            if run is None or not any(tool in run.shell_text for tool in ("curl", "wget")):
                continue
            kept = _kept_archives(ctx, instruction, run)
            if kept:
                uses = uses or _LaterUses(instructions)
                yield self._diagnose(run, instruction, kept, uses, index)

    def _diagnose(self, run: RunView, instruction: Instruction, kept, uses: "_LaterUses", index: int) -> Diagnostic:
        names = ", ".join(f"`{ref.written}`" for ref, _, _, _ in kept)
        message = f"the downloaded {names} stays in the layer after it is unpacked; remove it in the same RUN"
        savings = typical("downloaded_archive") * len(kept)
        level = Applicability.SAFE
        paths = []
        for ref, remove_as, end, unsure in kept:
            reason, sure = _later_use(run, ref, end, uses, index)
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
    cwd = ctx.workdir(instruction)
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


def _later_use(run: RunView, ref: PathRef, end: int, uses: "_LaterUses", index: int) -> Tuple[Optional[str], bool]:
    """(why the file must stay, or None; whether that is certain): a command after ``end`` in the
    RUN or an instruction after the ``index``-th may use the file."""
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
    reason, later_sure = uses.after(ref, index)
    return reason, sure and later_sure


class _LaterUses:
    """The file's instructions read once, so that asking whether any instruction after one uses a
    file costs lookups, not a walk over the rest of the file: the answer is the first later
    instruction that lists a folder or that ``mention_in`` calls a sure use, and otherwise
    whether every later one surely does not use it."""

    def __init__(self, instructions: Tuple[Instruction, ...]) -> None:
        self.instructions = instructions
        count = len(instructions)
        self.listers: List[int] = []  # RUNs that may list a folder holding the file
        self.parents: List[int] = []  # a word naming the working directory's parents (``..``)
        self.literal: Dict[str, List[int]] = {}  # a word's normal path -> the instructions naming it
        self.globs: Dict[str, Dict[str, List[int]]] = {}  # text before the wildcard -> glob -> instructions
        # whether an instruction at or after i may use any file (a variable in COPY --from), or any
        # file whose absolute path is unknown (an absolute path)
        self.variable = [False] * (count + 1)
        self.absolute = [False] * (count + 1)
        texts: List[str] = []
        for i, instruction in enumerate(instructions):
            words = mention_words(instruction)
            texts.append("/".join((instruction.code, *(h.content for h in instruction.heredocs),
                                   *(raw for raw, _, _, variable in words if not variable))))
            if instruction.effective_keyword == "RUN" and _LISTER_WORD.search(instruction.code):
                self.listers.append(i)
            for _, value, glob, variable in words:
                self.variable[i] = self.variable[i] or variable
                if variable or not value:
                    continue
                normal = normalise_path(value) or "/" if value.startswith("/") else posixpath.normpath(value)
                if not value.startswith("/") and all(part == ".." for part in normal.split("/")):
                    self.parents.append(i)
                elif glob:
                    head = re.match(r"[^*?\[]*", normal).group()  # what any match starts with
                    self.globs.setdefault(head, {}).setdefault(normal, []).append(i)
                else:
                    self.literal.setdefault(normal, []).append(i)
                self.absolute[i] = self.absolute[i] or normal.startswith("/")
        for i in range(count - 1, -1, -1):
            self.variable[i] = self.variable[i] or self.variable[i + 1]
            self.absolute[i] = self.absolute[i] or self.absolute[i + 1]
        # "/" is in no file's name, so a name found in the text lies within one instruction's piece
        self.text = "/".join(texts)
        self.starts = [0]  # where each instruction's piece starts, and one past the end
        for text in texts:
            self.starts.append(self.starts[-1] + len(text) + 1)

    def after(self, ref: PathRef, index: int) -> Tuple[Optional[str], bool]:
        """(why an instruction after the ``index``-th may use the file, or None; whether none does
        for certain), as asking ``mention_in`` of each in turn, and listers first, would answer."""
        end = len(self.instructions)
        lister = _first_after(self.listers, index, end)
        use = min(self._first_use(ref, index, min(lister, end)), lister)
        if use < end:
            instruction = self.instructions[use]
            if use == lister:
                word = _LISTER_WORD.search(instruction.code).group(2)
                return f"line {instruction.start_line} lists a folder that may hold it (`{word}`)", False
            _, text = mention_in(ref, instruction)
            return f"line {instruction.start_line} may use it (`{text}`)", False
        maybe = self.variable[index + 1] or (ref.absolute is None and self.absolute[index + 1])
        return None, not maybe

    def _first_use(self, ref: PathRef, index: int, bound: int) -> int:
        """The first instruction after the ``index``-th (and before ``bound``) that surely uses the
        file, or ``bound``."""
        if index + 1 >= bound:
            return bound
        found = self.text.find(ref.name, self.starts[index + 1], self.starts[bound] - 1)
        first = bisect_right(self.starts, found) - 1 if found >= 0 else bound
        first = min(first, _first_after(self.parents, index, bound))
        for candidate in ref.candidates():
            first = min(first, _first_after(self.literal.get(candidate, ()), index, bound))
            for length in range(len(candidate) + 1):
                for glob, places in self.globs.get(candidate[:length], {}).items():
                    if fnmatchcase(candidate, glob):
                        first = min(first, _first_after(places, index, bound))
        return first


def _first_after(places, index: int, bound: int) -> int:
    """The first of the sorted ``places`` after ``index``, or ``bound``."""
    at = bisect_right(places, index)
    return places[at] if at < len(places) and places[at] < bound else bound
