"""Run-time checks: what loads and imports in the original image must in the rewrite too.

One probe (``probes/probe.sh`` with its Python and Node parts) runs inside each image: the
loader's view of the shared libraries of every ELF file under the shipped paths (``/usr/local``,
the working directory, what ``COPY``/``ADD`` brought), the import of every top-level module of
the installed Python distributions, the resolution of a Node app's production dependencies (and
of the dev dependencies its start script runs), and the entry point's program and interpreter.
The rewrite is probed for what the original had; whatever worked before and fails after is a
problem, named.
"""

from __future__ import annotations

import json
import posixpath
import shlex
from dataclasses import dataclass, field
from importlib import resources
from typing import Iterable

from .builders import Builder
from .instructions import Instruction

_SHELLS = ("sh", "bash", "ash", "dash", "zsh")


@dataclass(frozen=True)
class Problem:
    kind: str  # "library", "python", "node", "program", "interpreter"
    subject: str  # the library, module, dependency or program
    detail: str  # who needs it, or the error

    def explain(self) -> str:
        what = {
            "library": "shared library {s} is missing ({d})",
            "python": "Python module {s} no longer imports ({d})",
            "node": "Node dependency {s} no longer resolves ({d})",
            "program": "the entry point's program {s} is missing{d}",
            "interpreter": "the interpreter {s} is missing ({d})",
        }[self.kind]
        return what.format(s=self.subject, d=self.detail)


@dataclass(frozen=True)
class ProbeFacts:
    """What one probe run saw; keys are what can be compared across images."""

    libraries: dict[tuple[str, str], bool] = field(default_factory=dict)  # (file, soname) -> found
    python: dict[str, tuple[str, bool, str]] = field(default_factory=dict)  # module -> (dist, ok, error)
    node: dict[tuple[str, str], tuple[bool, str]] = field(default_factory=dict)  # (dir, dep) -> (ok, how)
    programs: dict[str, str] = field(default_factory=dict)  # name -> path ("" when missing)
    interpreters: dict[str, tuple[str, bool]] = field(default_factory=dict)  # program -> (interp, found)
    tools: dict[str, str] = field(default_factory=dict)  # ldd/python/node -> "missing"/"failed"
    ran: bool = False
    library_paths: dict[str, str] = field(default_factory=dict)  # soname -> where it was found


@dataclass(frozen=True)
class CheckResult:
    problems: list[Problem]
    counts: dict[str, int]  # what the original had that was compared: libraries, python, node, programs
    notes: list[str] = field(default_factory=list)
    library_paths: dict[str, str] = field(default_factory=dict)  # missing soname -> its path in the original

    @property
    def passed(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        checked = ", ".join(f"{n} {k}" for k, n in self.counts.items() if n) or "nothing to compare"
        if self.passed:
            return f"passed ({checked})"
        return f"{len(self.problems)} problem(s) ({checked})"


def shipped_paths(final: list[Instruction], working_dir: str = "") -> list[str]:
    """Where the final image's own files are: /usr/local, the working directory, and the
    absolute destinations of its COPY/ADD (the whole file system is never scanned)."""
    found = ["/usr/local"]
    workdir = "/"
    for instruction in final:
        words = [w for w in _words(instruction.arguments) if not w.startswith("--")]
        if instruction.keyword == "WORKDIR" and words:
            workdir = posixpath.normpath(posixpath.join(workdir, words[0]))
            found.append(workdir)
        elif instruction.keyword in ("COPY", "ADD") and len(words) >= 2 and not instruction.heredoc:
            found.append(posixpath.normpath(posixpath.join(workdir, words[-1])))
    if working_dir:
        found.append(posixpath.normpath(working_dir))
    return [p for p in dict.fromkeys(found) if p != "/" and "$" not in p]


def _words(arguments: str) -> list[str]:
    """An instruction's arguments as words: its JSON form, else split like a shell would."""
    flags = []
    rest = arguments.strip()
    while rest.startswith("--"):
        flag, _, rest = rest.partition(" ")
        flags.append(flag)
        rest = rest.lstrip()
    if rest.startswith("["):
        try:
            value = json.loads(rest)
            if isinstance(value, list) and all(isinstance(v, str) for v in value):
                return flags + value
        except ValueError:
            pass
    try:
        return flags + shlex.split(rest)
    except ValueError:
        return flags + rest.split()


def entry_programs(config: dict) -> list[str]:
    """The programs the image starts: ENTRYPOINT's (else CMD's) first word, and the first word
    of a ``sh -c`` command."""
    argv = list(config.get("Entrypoint") or []) or list(config.get("Cmd") or [])
    if not argv:
        return []
    programs = [argv[0]]
    if posixpath.basename(argv[0]) in _SHELLS and len(argv) >= 3 and argv[1] == "-c":
        words = _command_words(argv[2])
        if words:
            programs.append(words[0])
    return programs


def _command_words(command: str) -> list[str]:
    try:
        words = shlex.split(command)
    except ValueError:
        return []
    while words and ("=" in words[0].split("/")[0] or words[0] == "exec"):
        words = words[1:]
    return words if words and not any(c in words[0] for c in "$`;&|<>(") else []


def probe(builder: Builder, tag: str, paths: list[str], programs: list[str],
          targets: ProbeFacts | None = None, timeout: float | None = 900) -> tuple[ProbeFacts, str]:
    """Run the probe in ``tag``; ``targets`` (the original's facts) says what to try."""
    py_targets = node_targets = ""
    if targets is not None:
        py_targets = "".join(f"{m}\t{d}\n" for m, (d, ok, _) in targets.python.items() if ok)
        node_targets = "".join(f"{a}\t{b}\t{how}\n" for (a, b), (ok, how) in targets.node.items() if ok)
    argv = ["sh", "-c", _probe_text("probe.sh"), "slimfix-probe", "\n".join(paths),
            "\n".join(programs), py_targets, node_targets, _probe_text("probe.py"), _probe_text("probe.js")]
    result = builder.run(tag, argv, timeout=timeout)
    return parse(result.output.splitlines()), result.output


def parse(lines: Iterable[str]) -> ProbeFacts:
    facts = ProbeFacts()
    ran = False
    for line in lines:
        cells = line.rstrip("\r").split("\t")
        kind = cells[0]
        if kind == "probe":
            ran = True
        elif kind == "lib" and len(cells) in (4, 5):
            facts.libraries[(cells[1], cells[2])] = cells[3] == "found"
            if len(cells) == 5:
                facts.library_paths.setdefault(cells[2], cells[4])
        elif kind == "py" and len(cells) >= 4:
            facts.python[cells[1]] = (cells[2], cells[3] == "ok", cells[4] if len(cells) > 4 else "")
        elif kind == "node" and len(cells) == 5:
            facts.node[(cells[1], cells[2])] = (cells[3] == "ok", cells[4])
        elif kind == "program" and len(cells) == 3:
            facts.programs[cells[1]] = "" if cells[2] == "-" else cells[2]
        elif kind == "interpreter" and len(cells) == 4:
            facts.interpreters[cells[1]] = (cells[2], cells[3] == "found")
        elif kind == "tool" and len(cells) == 3:
            facts.tools[cells[1]] = cells[2]
    return ProbeFacts(facts.libraries, facts.python, facts.node, facts.programs, facts.interpreters,
                      facts.tools, ran, facts.library_paths)


def compare(before: ProbeFacts, after: ProbeFacts) -> CheckResult:
    """Problems: whatever worked in the original and does not in the rewrite."""
    notes = []
    if not before.ran or not after.ran:
        which = "original" if not before.ran else "rewritten"
        return CheckResult([], {}, [f"the run-time checks could not run in the {which} image (no sh?)"])
    problems: list[Problem] = []
    lost: dict[str, list[str]] = {}
    for (file, soname), found in before.libraries.items():
        if found and after.libraries.get((file, soname)) is False:
            lost.setdefault(soname, []).append(file)
    for soname, files in sorted(lost.items()):
        shown = ", ".join(sorted(files)[:3]) + (f" and {len(files) - 3} more" if len(files) > 3 else "")
        problems.append(Problem("library", soname, f"needed by {shown}"))
    for module, (dist, ok, _) in sorted(before.python.items()):
        if ok:
            entry = after.python.get(module)
            if entry is None or not entry[1]:
                reason = entry[2] if entry is not None and entry[2] else "not found"
                problems.append(Problem("python", module, f"{dist}: {reason}"))
    for (folder, dep), (ok, how) in sorted(before.node.items()):
        if ok and not after.node.get((folder, dep), (False, how))[0]:
            needed = "run by the start script" if how == "start" else "required"
            problems.append(Problem("node", dep, f"{needed}, from {folder}"))
    for program, path in before.programs.items():
        if path and not after.programs.get(program):
            problems.append(Problem("program", program, ""))
    for program, (interpreter, found) in before.interpreters.items():
        later = after.interpreters.get(program)
        if found and later is not None and not later[1]:
            problems.append(Problem("interpreter", later[0], f"the first line of {program}"))
    for tool in ("ldd", "python", "node"):
        if before.tools.get(tool) is None and after.tools.get(tool) is not None:
            notes.append(f"{tool} is {after.tools[tool]} in the rewritten image")
    counts = {
        "libraries": sum(before.libraries.values()),
        "python modules": sum(1 for _, ok, _ in before.python.values() if ok),
        "node dependencies": sum(ok for ok, _ in before.node.values()),
        "programs": sum(1 for path in before.programs.values() if path),
    }
    missing = {p.subject: before.library_paths[p.subject] for p in problems
               if p.kind == "library" and p.subject in before.library_paths}
    return CheckResult(problems, counts, notes, missing)


def run_checks(builder: Builder, original_tag: str, rewritten_tag: str, paths: list[str],
               programs: list[str]) -> CheckResult:
    before, _ = probe(builder, original_tag, paths, programs)
    after, _ = probe(builder, rewritten_tag, paths, programs, targets=before)
    return compare(before, after)


def _probe_text(name: str) -> str:
    return resources.files(__package__).joinpath("probes", name).read_text(encoding="utf-8")
