"""What a RUN's script leaves behind for later commands of the same shell.

The safe edits that run more commands in a RUN's shell (joining the next RUN onto it, appending
a cleanup to it) are proven by an allow-list, never by a list of known-bad cases: every command
that runs in the script's own shell must be known to leave nothing behind (the tables in
``packages/shell_state.toml``), or be an external program, which runs in a child process.
Anything else is an ``Effect``: a directory change, a variable, an option, or ``other`` for all
that cannot be named (an unlisted builtin, a computed command name, unreadable text).
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from itertools import takewhile
from typing import Dict, FrozenSet, Iterable, Iterator, List, Optional, Sequence, Set, Tuple

from ..record import record
from ..shell.nodes import (
    AnsiCQuoted,
    ArithmeticCommand,
    ArithmeticExpansion,
    ArrayLiteral,
    BraceGroup,
    Case,
    CommandList,
    Compound,
    DoubleBracket,
    DoubleQuoted,
    Escape,
    For,
    FunctionDef,
    HereDoc,
    If,
    Literal,
    Node,
    ParamExpansion,
    Pipeline,
    Redirect,
    Script,
    SimpleCommand,
    SingleQuoted,
    Subshell,
    While,
    Word,
    iter_nodes,
)
from ..datafiles import load_table


@record
class Effect:
    """One piece of state a script leaves for later commands of its shell."""

    kind: str  # "cwd", "umask", "variable", "option", "positional", "exit", "hash" or "other"
    detail: str  # the variable or option, else ""
    reason: str  # for messages: "'cd' changes the working directory"


@record(eq=False)
class Tables:
    harmless: FrozenSet[str]
    stateful: FrozenSet[str]
    runs_argument: FrozenSet[str]
    reads_history: FrozenSet[str]
    lists_without_arguments: FrozenSet[str]
    history_parameters: FrozenSet[str]
    append_ignores: FrozenSet[str]
    append_options: FrozenSet[str]
    sensitive_variables: FrozenSet[str]
    path_folders: Tuple[str, ...]
    base_programs: FrozenSet[str]
    readers: FrozenSet[str]
    system_package_managers: FrozenSet[str]
    path_writers: FrozenSet[str]
    downloaders: Dict[str, Dict[str, object]]
    unpack_folder_options: Dict[str, List[str]]
    plain_sourced_files: FrozenSet[str]

    @property
    def builtins(self) -> FrozenSet[str]:
        return self.harmless | self.stateful | self.runs_argument


@lru_cache(maxsize=None)
def tables() -> Tables:
    data = load_table("packages/shell_state.toml")
    b, p, a, h = data["builtins"], data["parameters"], data["append"], data["hash"]
    return Tables(
        frozenset(b["harmless"]), frozenset(b["stateful"]), frozenset(b["runs_argument"]),
        frozenset(b["reads_history"]), frozenset(b["lists_without_arguments"]), frozenset(p["history"]),
        frozenset(a["ignores"]), frozenset(a["options"]), frozenset(a["sensitive_variables"]),
        tuple(h["path_folders"]), frozenset(h["base_programs"]), frozenset(h["readers"]),
        frozenset(h["system_package_managers"]), frozenset(h["path_writers"]), h["downloaders"],
        h["unpack_folder_options"], frozenset(b["plain_sourced_files"]),
    )


_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_ASSIGNING_EXPANSION = re.compile(r"\$\{(" + _NAME + r"):?=")
_BRACED = re.compile(r"\$\{[#!]?(" + _NAME + r"|[0-9@*#?$!_-])(.*)\}\Z", re.S)
_COMPARISONS = re.compile(r"==|!=|<=|>=")
_PLAIN_ARITHMETIC = re.compile(r"[0-9\s+\-*/%()<>!~^&|?:,]*\Z")
_HISTORY_REFERENCE = re.compile(r"\$\{?[#!]?(" + _NAME + r"|[_!])")
_ASSIGNED_NAME = re.compile(r"(" + _NAME + r")(=|\Z)")
_SET_LETTERS = re.compile(r"[-+][A-Za-z]+\Z")


def _other(reason: str) -> Effect:
    return Effect("other", "", reason)


def _arithmetic_effect(body: str) -> Optional[Effect]:
    """Arithmetic can assign (``i=5``, ``i++``), and bash evaluates a variable's value as an
    expression (``$((X))`` with X='i=5'): only plain numbers and operators are known harmless."""
    if _PLAIN_ARITHMETIC.match(_COMPARISONS.sub("", body)) and "++" not in body and "--" not in body:
        if "=" not in _COMPARISONS.sub("", body):
            return None
    return _other("arithmetic on names or with assignments can set variables")


def _expansion_effect(text: str) -> Optional[Effect]:
    """A ``${...}`` that assigns (``${X:=d}``, ``${X=d}``), or whose operand may: a nested
    assigning expansion or arithmetic (array indexes and substring offsets are arithmetic)."""
    match = _BRACED.match(text)
    if match is None:
        return None  # $X, $1, $@: read only
    name, rest = match.groups()
    if rest.startswith((":=", "=")):
        return Effect("variable", name, f"'{text}' assigns {name}")
    if _ASSIGNING_EXPANSION.search(rest) or "$((" in rest:
        return _other(f"'{text}' may assign through its operand")
    if rest.startswith("[") or (rest.startswith(":") and rest[1:2] not in ("-", "+", "?")):
        if _arithmetic_effect(rest.lstrip(":").replace("[", "(").replace("]", ")")):
            return _other(f"'{text}' evaluates arithmetic that may assign")
    return None


class _Walker:
    """Collects effects of the commands that run in the script's own shell, and the programs
    that shell looks up on PATH (remembered in its command hash)."""

    def __init__(self, t: Tables) -> None:
        self.t = t
        self.effects: List[Effect] = []
        self.hashed: List[str] = []

    def list(self, lst: CommandList, current: bool) -> None:
        if current and any(op.op == "&" for op in lst.operators):
            self.effects.append(_other("a command runs in the background (&)"))
        for item in lst.items:
            self.node(item, current)

    def node(self, node: Node, current: bool) -> None:
        if isinstance(node, SimpleCommand):
            self.command(node, current)
        elif isinstance(node, Pipeline):
            last = len(node.commands) - 1
            for index, command in enumerate(node.commands):
                # dash, bash and ash run every stage of a pipeline in a subshell; zsh and ksh
                # run the last in the shell itself, so the last counts as the shell's own.
                self.node(command, current and index == last)
        elif isinstance(node, FunctionDef):
            if current:
                self.effects.append(_other(f"a shell function is defined ({node.name})"))
        elif isinstance(node, Compound):
            self.compound(node, current)
        elif current:
            self.effects.append(_other("part of the script could not be analysed"))

    def compound(self, node: Compound, current: bool) -> None:
        for redirect in node.redirects:
            self.words((redirect.target,), current)
        if isinstance(node, Subshell) or not current:
            return  # a subshell's commands, and those of an isolated compound, cannot reach us
        bodies = node.bodies
        if isinstance(node, For):
            self.effects.append(Effect("variable", node.variable, f"the loop sets {node.variable}"))
            self.words(node.items or (), current)
        elif isinstance(node, Case):
            self.words((node.subject,), current)
            for clause in node.clauses:
                self.words(clause.patterns, current)
            bodies = tuple(clause.body for clause in node.clauses)
        elif isinstance(node, DoubleBracket):
            self.words(node.words, current)
            if "=~" in node.code:
                self.effects.append(Effect("variable", "BASH_REMATCH", "'=~' sets BASH_REMATCH"))
            if re.search(r"\s-(eq|ne|lt|le|gt|ge)\s", node.code):
                self.effects.append(_other("[[ ... -eq ... ]] evaluates its operands as arithmetic"))
        elif isinstance(node, ArithmeticCommand):
            effect = _arithmetic_effect(node.code[2:-2])
            if effect:
                self.effects.append(effect)
        elif not isinstance(node, (BraceGroup, If, While)):
            self.effects.append(_other(f"a {type(node).__name__.lower()} could not be analysed"))
            return
        for body in bodies:
            self.list(body, current)

    def words(self, words: Iterable[Word], current: bool) -> None:
        if not current:
            return
        for word in words:
            for part in word.parts:
                self.part(part)

    def part(self, part: object) -> None:
        if isinstance(part, ParamExpansion):
            effect = _expansion_effect(part.text)
        elif isinstance(part, ArithmeticExpansion):
            effect = _arithmetic_effect(part.text[3:-2])
        elif isinstance(part, DoubleQuoted):
            for inner in part.parts:
                self.part(inner)
            return
        elif isinstance(part, ArrayLiteral):
            self.words(part.words, True)
            return
        else:
            return  # literals, quotes; substitutions run in a subshell
        if effect is not None:
            self.effects.append(effect)

    def command(self, command: SimpleCommand, current: bool) -> None:
        if not current:
            return
        self.words(command.words, current)
        self.words((a.value for a in command.assignments), current)
        self.words((r.target for r in command.redirects), current)
        if not command.words:
            for assignment in command.assignments:
                self.effects.append(Effect("variable", assignment.name, f"{assignment.name} is set"))
            return
        words = list(command.words)
        name = words[0].value
        t = self.t
        while name in t.runs_argument:  # command NAME, builtin NAME, time NAME: NAME decides
            options = list(takewhile(_is_option, words[1:]))
            if name == "command" and any(o.value in ("-v", "-V") for o in options):
                return  # prints where a program is
            words = words[1 + len(options):]
            if not words:
                return
            name = words[0].value
        if name is None:
            if not _names_a_path(words[0]):
                self.effects.append(_other("a command name is computed at run time"))
            return  # "$DIR/tool": a name with a slash is always a program run from that file
        if name not in t.builtins:
            if "/" not in name:
                self.hashed.append(name)
            return  # an external program: a child process
        if command.assignments:
            for assignment in command.assignments:  # dash keeps them after a special builtin
                self.effects.append(Effect("variable", assignment.name, f"{assignment.name} is set for '{name}'"))
        if name in t.harmless:
            if name == "printf" and any((w.value or "").startswith("-v") for w in words[1:]):
                self.effects.append(_other("'printf -v' sets a variable"))
            return
        self.effects.extend(_stateful(name, words[1:]))


def _names_a_path(word: Word) -> bool:
    """Whether the first field ``word`` expands to surely has a ``/`` (the shell then runs that
    file, never a builtin): a literal slash before any unquoted expansion, which could split."""
    for part in word.parts:
        if isinstance(part, DoubleQuoted):  # nothing inside double quotes splits
            if any(isinstance(inner, Literal) and "/" in inner.text for inner in part.inner):
                return True
        elif isinstance(part, (Literal, SingleQuoted, AnsiCQuoted, Escape)):
            if "/" in (part.value or ""):
                return True
        else:
            return False
    return False


def _stateful(name: str, words: Sequence[Word]) -> Iterator[Effect]:
    args = [w.value for w in words]
    if name in ("cd", "chdir", "pushd", "popd"):
        yield Effect("cwd", "", f"'{name}' changes the working directory")
    elif name == "umask":
        yield Effect("umask", "", "'umask' changes the file mode mask")
    elif name in ("export", "readonly", "declare", "typeset", "local", "unset"):
        yield from _variable_builtin(name, words)
    elif name == "set":
        yield from _set_options(args)
    elif name in ("exit", "return", "logout"):
        status = args[0] if name != "logout" and len(args) == 1 and args[0] and args[0].isdigit() else ""
        yield Effect("exit", status, f"'{name}' ends the shell")  # detail: a literal status, if any
    elif name == "read":
        yield from _read_builtin(args)
    elif name == "hash":  # where the shell finds programs: blocks what "other" blocks, sets no variable
        yield Effect("hash", "", "'hash' changes the shell's state")
    elif name in (".", "source") and len(args) == 1 and args[0] in tables().plain_sourced_files:
        yield Effect("variable", args[0], f"'{name} {args[0]}' sets variables")
    else:
        yield _other(f"'{name}' changes the shell's state")


def _read_builtin(args: Sequence[Optional[str]]) -> Iterator[Effect]:
    """``read [-r] [NAME...]`` sets the NAMEs (REPLY when none is given); any other option
    (``-a``, ``-p``, ``-u``, ``-d``...) or word is not followed."""
    names: List[str] = []
    for arg in args:
        if arg == "-r" and not names:
            continue
        if arg is None or not re.fullmatch(_NAME, arg):
            yield _other("'read' changes the shell's state")
            return
        names.append(arg)
    for name in names or ["REPLY"]:
        yield Effect("variable", name, f"'read' sets {name}")


def _variable_builtin(name: str, words: Sequence[Word]) -> Iterator[Effect]:
    verb = "unsets" if name == "unset" else "sets"
    for word in words:
        arg = word.value
        if arg is not None and arg[:1] in "-+":
            if arg in ("-p", "--") or (name in ("export", "unset") and arg in ("-n", "-v")):
                continue
            yield _other(f"'{name} {arg}' changes attributes or functions")
            continue
        match = _ASSIGNED_NAME.match(word.code)  # the name is literal even when the value is not
        if match is None:
            yield _other(f"'{name} {word.code}' cannot be read")
        else:
            yield Effect("variable", match.group(1), f"'{name}' {verb} {match.group(1)}")


def _set_options(args: Sequence[Optional[str]]) -> Iterator[Effect]:
    it = iter(args)
    for arg in it:
        if arg is None:
            yield _other("'set' with a computed argument")
        elif arg in ("-o", "+o"):
            option = next(it, None)
            if option is None:
                continue  # `set -o` prints the options
            yield Effect("option", option, f"'set {arg} {option}' changes a shell option")
        elif _SET_LETTERS.match(arg):
            for letter in arg[1:]:
                yield Effect("option", arg[0] + letter, f"'set {arg}' changes a shell option")
        else:
            yield Effect("positional", "", "'set' changes the positional parameters")
            return


Writes = Optional[Tuple[Optional[str], ...]]  # literal paths a command writes (None: unknown)


@record(eq=False)
class ShellState:
    """The facts about one script that the join and append checks need."""

    effects: Tuple[Effect, ...]
    hashed: FrozenSet[str]  # programs the script's own shell looks up on PATH
    names: FrozenSet[str]  # every command name the script may look up, in any (sub)shell
    writes: Tuple[Tuple[str, Writes], ...]  # commands that may write files: (name, paths)
    changes_directory: bool  # a cd anywhere, even in a subshell: relative paths are unknown
    history: Optional[str]  # what in the script reads state an earlier command of its shell left


def analyse(script: Script, commands: Sequence[tuple], text: Optional[str] = None) -> ShellState:
    """``commands``: (CommandContext, CommandView or None) of every simple command, as
    ``RunView.commands`` gives them; ``text``, when given, the shell text ``script`` was parsed
    from (a text without ``$`` or ``((`` spares the search for expansions)."""
    t = tables()
    walker = _Walker(t)
    if script.has_opaque:
        walker.effects.append(_other("part of the script could not be analysed"))
    walker.list(script.body, True)
    for heredoc in _expanding_heredocs(script):
        if _ASSIGNING_EXPANSION.search(heredoc.text) or "$((" in heredoc.text:
            walker.effects.append(_other("a here-document's text may assign variables"))
    names = set()
    writes = []
    changes_directory = False
    for ctx, view in commands:
        words = ctx.command.words
        name = words[0].value if words else None
        if name is not None:
            names.add(name)
            if name in t.runs_argument:
                names.update(w.value for w in words[1:] if w.value and not w.value.startswith("-"))
            changes_directory = changes_directory or name in ("cd", "chdir", "pushd", "popd")
        if words:
            written = _writes(name, words, view, t)
            if written != ():
                writes.append((name or words[0].code, written))
    return ShellState(
        tuple(walker.effects), frozenset(walker.hashed), frozenset(names), tuple(writes),
        changes_directory, _reads_history(script, commands, t, text),
    )


def effects_before(script: Script, index: int, skip: FrozenSet[int] = frozenset()) -> Tuple[Effect, ...]:
    """The effects of the first ``index`` items of the script's top-level list: what its shell
    has done when item ``index`` starts (but for the items whose indexes are in ``skip``)."""
    walker = _Walker(tables())
    for at, item in enumerate(script.body.items[:index]):
        if at not in skip:
            walker.node(item, True)
    return tuple(walker.effects)


def _expanding_heredocs(script: Script) -> Iterator[HereDoc]:
    """Here-documents whose text the shell expands (the delimiter is not quoted)."""
    if not script.heredocs:
        return
    quoted = {node.start for node in iter_nodes(script) if isinstance(node, Redirect) and node.target.is_quoted}
    for heredoc in script.heredocs:
        if heredoc.redirect_start not in quoted:
            yield heredoc


def _writes(name: Optional[str], words: Sequence[Word], view, t: Tables) -> Writes:
    """The paths a command may create or delete a program in: () for none, None when unknown."""
    if name is None:
        return None
    if name in t.builtins or name in t.readers:
        return ()
    if view is not None and view.tool in t.system_package_managers and not view.wrappers:
        return ()
    if name in t.path_writers:
        paths = tuple(w.value for w in words[1:] if not _is_option(w))
        unpacks_into = t.unpack_folder_options.get(name)
        if unpacks_into is not None and not any(w.value in unpacks_into for w in words[1:]):
            paths += (".",)  # unpacks into the working directory
        return paths
    if name in t.downloaders:
        return _download_paths(t.downloaders[name], words[1:])
    return None


def _download_paths(spec: Dict[str, object], words: Sequence[Word]) -> Writes:
    output, remote = spec["output"], spec["remote_name"]  # type: ignore[index]
    paths: List[Optional[str]] = []
    explicit = False
    values = [w.value for w in words]
    for index, value in enumerate(values):
        if value is None or not value.startswith("-"):
            continue
        letters = value[1:] if not value.startswith("--") else ""
        flag = next((f for f in output if value == f or (len(f) == 2 and f[1] in letters)), None)  # type: ignore[union-attr]
        if flag is not None:
            attached = letters[letters.index(flag[1]) + 1:] if letters else ""
            target = attached or (values[index + 1] if index + 1 < len(values) else None)
            explicit = True
            if target != "-":
                paths.append(target)
        elif value in remote or any(len(f) == 2 and f[1] in letters for f in remote):  # type: ignore[union-attr]
            return None  # names its own file, in a folder slimfix does not follow
    if not explicit and spec.get("default_writes"):
        return None
    return tuple(paths)


def _is_option(word: Word) -> bool:
    value = word.value
    return value is not None and value.startswith("-")


def _shadows(paths: Writes, state: ShellState, workdir: Optional[str], t: Tables) -> bool:
    """Whether writing ``paths`` may create or delete a program in a PATH folder."""
    if paths is None:
        return True
    for value in paths:
        if value is None or value.startswith("~"):
            return True
        if not value.startswith("/"):
            if workdir is None or state.changes_directory:
                return True
            value = os.path.join(workdir, value)
        path = os.path.normpath(re.split(r"[*?\[]", value, 1)[0] or "/")
        if any(path == f or path.startswith(f + "/") or f.startswith(path.rstrip("/") + "/") for f in t.path_folders):
            return True
    return False


def _reads_history(script: Script, commands: Sequence[tuple], t: Tables, text: Optional[str] = None) -> Optional[str]:
    for ctx, _ in commands:
        words = ctx.command.words
        name = words[0].value if words else None
        if name in (".", "source") and len(words) == 2 and words[1].value in t.plain_sourced_files:
            continue
        if name in t.reads_history or (
            name in t.lists_without_arguments and all(w.value == "-p" for w in words[1:])
        ) or (
            name == "command" and any(w.value == "-V" for w in words[1:])
        ):
            return f"'{ctx.command.code}' prints what earlier commands of its shell left"
    # every expansion starts with `$`, an arithmetic command with `((`
    nodes = iter_nodes(script) if text is None or "$" in text or "((" in text else ()
    for node in nodes:
        if isinstance(node, ParamExpansion):
            if node.text.startswith("${!"):
                return f"'{node.text}' reads a variable by a computed name"
            if node.name in t.history_parameters:
                return f"'{node.text}' depends on what ran before it in the same shell"
        elif isinstance(node, ArithmeticExpansion) or isinstance(node, ArithmeticCommand):
            if any(n in t.history_parameters for n in re.findall(_NAME, node.code)):
                return "arithmetic reads a variable that depends on what ran before"
    for heredoc in _expanding_heredocs(script):
        if any(m.group(1) in t.history_parameters for m in _HISTORY_REFERENCE.finditer(heredoc.text)):
            return "a here-document reads a variable that depends on what ran before"
    return None


def merge_states(first: ShellState, then: ShellState, workdir: Optional[str] = None) -> ShellState:
    """What ``join_blocker`` needs of ``first``'s script then ``then``'s in one shell:
    ``join_blocker([merge_states(a, b, w)], c, w) == join_blocker([a, b], c, w)``. Only the
    writes that may shadow a program are kept, and of those only one that could name a
    program no earlier kept write names (the first such write is what ``join_blocker``
    reports), so each step costs a constant and a chain of RUNs is checked in linear time."""
    t = tables()
    writes: List[Tuple[str, Writes]] = []
    seen: Set[str] = set()
    for state in (first, then):
        for name, paths in state.writes:
            if not _shadows(paths, state, workdir, t):
                continue
            programs = {os.path.basename(p) for p in paths or () if p}
            if writes and programs <= seen:
                continue
            writes.append((name, paths))
            seen |= programs
    return ShellState(
        first.effects or then.effects, first.hashed | then.hashed, first.names | then.names, tuple(writes),
        first.changes_directory or then.changes_directory, first.history or then.history,
    )


def join_blocker(before: Sequence[ShellState], after: ShellState, workdir: Optional[str] = None) -> Optional[str]:
    """Why running ``after``'s script in the shell that ran ``before``'s scripts (in order)
    could behave differently from running it in a fresh shell; None when nothing could.
    ``workdir``: where the scripts run (the stage's WORKDIR), None when unknown."""
    t = tables()
    for state in before:
        if state.effects:
            return f"in the first RUN {state.effects[0].reason}"
    if after.history is not None:
        return f"in the second RUN {after.history}"
    remembered = after.names & frozenset().union(*(s.hashed for s in before))
    if not remembered:
        return None
    for state in before:
        for name, paths in state.writes:
            if not _shadows(paths, state, workdir, t):
                continue
            # a program of the base system is taken never to be put on PATH anew, unless by its path
            named = {os.path.basename(p) for p in paths or () if p} & remembered
            shared = sorted(named or remembered - t.base_programs)
            if shared:
                return (f"both RUNs run '{shared[0]}': the shell remembers where it found it, and '{name}' "
                        "in the first RUN may put a new program on PATH that the joined RUN would not see")
    return None


def append_blocker(state: ShellState) -> Optional[str]:
    """Why a cleanup appended to the script (literal words, absolute paths) could behave
    differently from one run in a fresh shell; None when nothing could."""
    t = tables()
    for effect in state.effects:
        if effect.kind in t.append_ignores:
            continue
        if effect.kind == "variable" and effect.detail not in t.sensitive_variables:
            continue
        if effect.kind == "option" and effect.detail in t.append_options:
            continue
        return effect.reason
    return None
