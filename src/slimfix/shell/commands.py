"""Typed views of package-manager, cleanup and builtin commands, driven by the tool data in
``slimfix/packages/*.toml``.

``classify(command)`` returns a ``CommandView`` for a known tool (seen through wrappers such as
``sudo``, ``env X=1``, ``xargs`` and launchers such as ``python3 -m pip``), else None.
"""

from __future__ import annotations

import re
from typing import List, Mapping, Optional, Sequence, Tuple

from slimfix.packages import Catalog, OptionSpec, ToolSpec, load_catalog
from slimfix.shell.nodes import SimpleCommand, Word

from ..record import record

_ASSIGNMENT_RE = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)=(.*)", re.S)


@record(eq=False)
class Option:
    name: str  # canonical, e.g. "--yes" for -y
    flag: str  # as parsed: "-y" (also for each letter of a combined "-qy"), "--assume-yes"
    word: Word  # the word the option is written in
    value: Optional[str]  # literal value; None when absent or not literal
    value_word: Optional[Word]  # word holding the value: the option word itself when attached
    meaning: Optional[str]  # e.g. "assume_yes", "no_cache"
    known: bool  # described in the tool data


@record(eq=False)
class Package:
    word: Word
    name: Optional[str]  # None when the word has expansions
    op: Optional[str]  # version operator as written: "=", "==", "@", ">=", ...
    version: Optional[str]
    pinned: bool  # op pins one exact version


@record(eq=False)
class CommandView:
    tool: str  # family from the data: apt, apk, pip, npm, yarn, pnpm, yum, dnf, rm, cd, set, ...
    command: SimpleCommand
    program_words: Tuple[Word, ...]  # e.g. (apt-get,) or (python3, -m, pip)
    wrappers: Tuple[str, ...]  # e.g. ("sudo", "env")
    env: Tuple[Tuple[str, Optional[str]], ...]  # leading and env-wrapper assignments
    subcommand: Optional[str]  # canonical, nested ones joined by a space: "cache clean"
    subcommand_words: Tuple[Word, ...]
    action: Optional[str]  # install, remove, autoremove, update_index, upgrade, cache_clean, ...
    subcommand_meaning: Optional[str]  # e.g. "purge" for apt-get purge
    options: Tuple[Option, ...]
    args: Tuple[Word, ...]  # positional arguments after the subcommand
    takes_packages: bool  # args are package names
    hidden_arguments: bool  # more arguments are added at run time (xargs)
    spec: ToolSpec

    @property
    def program(self) -> str:
        return " ".join(w.code for w in self.program_words)

    @property
    def anchor(self) -> Word:
        """The word after which new options go (the last subcommand word, else the program)."""
        return (self.subcommand_words or self.program_words)[-1]

    def has(self, meaning: str) -> bool:
        return self.subcommand_meaning == meaning or any(o.meaning == meaning for o in self.options)

    def option(self, key: str) -> Optional[Option]:
        """First option whose canonical name or meaning is ``key``."""
        for o in self.options:
            if o.name == key or o.meaning == key:
                return o
        return None

    def option_values(self, key: str) -> Tuple[Optional[str], ...]:
        return tuple(o.value for o in self.options if o.name == key or o.meaning == key)

    @property
    def unknown_options(self) -> Tuple[Option, ...]:
        return tuple(o for o in self.options if not o.known)

    @property
    def arg_values(self) -> Tuple[Optional[str], ...]:
        return tuple(w.value for w in self.args)

    @property
    def packages(self) -> Tuple[Package, ...]:
        if not self.takes_packages:
            return ()
        return tuple(_package(self.spec, w) for w in self.args)

    def env_value(self, name: str) -> Optional[str]:
        for key, value in reversed(self.env):
            if key == name:
                return value
        return None


def _package(spec: ToolSpec, word: Word) -> Package:
    value = word.value
    if value is None:
        return Package(word, None, None, None, False)
    m = spec.package_pattern.match(value)
    if m is None:
        return Package(word, value, None, None, False)
    op = m.group("op") if "op" in m.re.groupindex else None
    version = m.group("version") if "version" in m.re.groupindex else None
    return Package(word, m.group("name"), op, version, op in spec.pin_operators)


def _literal_prefix(word: Word) -> str:
    out = []
    for p in word.parts:
        v = p.value  # type: ignore[union-attr]
        if v is None:
            break
        out.append(v)
    return "".join(out)


def _basename(program: str) -> str:
    return program.rsplit("/", 1)[-1]


def classify(command: SimpleCommand, catalog: Optional[Catalog] = None) -> Optional[CommandView]:
    """A typed view of ``command`` when it runs a tool described in the data, else None."""
    catalog = catalog or load_catalog()
    words = command.words
    env: List[Tuple[str, Optional[str]]] = [(a.name, a.value.value) for a in command.assignments]
    wrappers: List[str] = []
    hidden = False
    i = 0
    while True:
        if i >= len(words):
            return None
        program = words[i].value
        if program is None:
            return None
        base = _basename(program)
        wrapper = catalog.wrappers.get(base)
        if wrapper is None:
            break
        wrappers.append(base)
        hidden = hidden or wrapper.hides_arguments
        i += 1
        while i < len(words):
            text = words[i].value
            if text is None:
                return None
            if text == "--":
                i += 1
                break
            if wrapper.assignments and _ASSIGNMENT_RE.match(text):
                name, value = text.split("=", 1)
                env.append((name, value))
            elif text.startswith("-") and len(text) > 1:
                if text in wrapper.stop_options:
                    return None
                if text in wrapper.value_options:
                    i += 1
            else:
                break
            i += 1
        i += wrapper.positionals
    tool = catalog.tool_for(base)
    first = i
    if tool is None:
        launcher = catalog.launcher_for(base)
        if launcher is None:
            return None
        module_end = _launched_module(words, i, launcher.module_option, launcher.module, launcher.value_options)
        if module_end is None:
            return None
        i = module_end
        tool = catalog.tool(launcher.tool)
    return _parse_arguments(tool, command, words[first:i + 1], words[i + 1:], tuple(wrappers),
                            tuple(env), hidden)


def _launched_module(words: Sequence[Word], i: int, module_option: str, module: str,
                     value_options) -> Optional[int]:
    """Index of the module word in ``python [opts] -m MODULE``, or None if it runs something else."""
    j = i + 1
    while j < len(words):
        text = words[j].value
        if text is None:
            return None
        if text == module_option:
            return j + 1 if j + 1 < len(words) and words[j + 1].value == module else None
        if text == module_option + module:
            return j
        if text in value_options:
            j += 2
        elif text.startswith("-") and len(text) > 1 and not text.startswith("-c"):
            j += 1
        else:
            return None
    return None


def _lookup(scopes: Sequence[Mapping[str, OptionSpec]], name: str) -> Optional[OptionSpec]:
    for table in reversed(scopes):
        spec = table.get(name)
        if spec is not None:
            return spec
    return None


def _parse_arguments(tool: ToolSpec, command: SimpleCommand, program_words, words: Sequence[Word],
                     wrappers, env, hidden) -> CommandView:
    scopes: List[Mapping[str, OptionSpec]] = [tool.options]
    table = tool.subcommands
    sub_names: List[str] = []
    sub_words: List[Word] = []
    action = meaning = None
    takes_packages = tool.packages
    options: List[Option] = []
    args: List[Word] = []
    end_of_options = False
    i = 0
    while i < len(words):
        word = words[i]
        text = word.value
        dynamic = text is None
        if text is None:
            text = _literal_prefix(word)
        if not end_of_options and text.startswith("-") and len(text) > 1:
            if text == "--" and not dynamic:
                end_of_options = True
                i += 1
                continue
            nxt = words[i + 1] if i + 1 < len(words) else None
            parsed, used_next = _read_option(tool, scopes, word, text, dynamic, nxt)
            options.extend(parsed)
            i += 2 if used_next else 1
            continue
        if table and not args and not dynamic:
            sub = table.get(text)
            if sub is not None or not sub_names:
                sub_words.append(word)
                if sub is None:  # a subcommand the data does not describe
                    sub_names.append(text)
                    takes_packages = False
                    table = {}
                else:
                    sub_names.append(sub.name)
                    action, meaning, takes_packages = sub.action, sub.meaning, sub.packages
                    scopes.append(sub.options)
                    table = sub.subcommands
                i += 1
                continue
        args.append(word)
        i += 1
    if not sub_names and tool.default_subcommand:
        sub = tool.subcommands[tool.default_subcommand]
        sub_names.append(sub.name)
        action, meaning, takes_packages = sub.action, sub.meaning, sub.packages
    return CommandView(
        tool=tool.name, command=command, program_words=tuple(program_words), wrappers=wrappers,
        env=env, subcommand=" ".join(sub_names) or None, subcommand_words=tuple(sub_words),
        action=action, subcommand_meaning=meaning, options=tuple(options), args=tuple(args),
        takes_packages=takes_packages, hidden_arguments=hidden, spec=tool,
    )


def _read_option(tool: ToolSpec, scopes, word: Word, text: str, dynamic: bool,
                 nxt: Optional[Word]) -> Tuple[List[Option], bool]:
    """Options in ``word`` (several for combined short flags) and whether ``nxt`` was its value."""

    def unknown() -> Tuple[List[Option], bool]:
        return [Option(text, text, word, None, None, None, False)], False

    def with_value(spec: OptionSpec, flag: str) -> Tuple[List[Option], bool]:
        if spec.takes_value and nxt is not None:
            return [Option(spec.canonical, flag, word, nxt.value, nxt, spec.meaning, True)], True
        return [Option(spec.canonical, flag, word, None, None, spec.meaning, True)], False

    if text.startswith("--"):
        name, eq, value = text.partition("=")
        spec = _lookup(scopes, name)
        if eq:
            return [Option(spec.canonical if spec else name, name, word, None if dynamic else value, word,
                           spec.meaning if spec else None, spec is not None)], False
        if spec is None or dynamic:
            return unknown()
        return with_value(spec, name)
    if not dynamic:
        spec = _lookup(scopes, text)
        if spec is not None:
            return with_value(spec, text)
    letters = text[1:]
    if len(letters) > 1 and not tool.combined_short_options:
        return unknown()
    out: List[Option] = []
    for k, letter in enumerate(letters):
        flag = "-" + letter
        spec = _lookup(scopes, flag)
        if spec is None:
            return unknown()
        if spec.takes_value:
            rest = letters[k + 1:]
            if rest or dynamic:
                out.append(Option(spec.canonical, flag, word, None if dynamic else rest, word, spec.meaning, True))
                return out, False
            opts, used = with_value(spec, flag)
            return out + opts, used
        out.append(Option(spec.canonical, flag, word, None, None, spec.meaning, True))
    if dynamic:  # flags followed by an expansion: cannot tell what it adds
        out.append(Option(text, text, word, None, None, None, False))
    return out, False
