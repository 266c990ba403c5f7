"""Package managers and shell builtins described as data.

Each ``*.toml`` file beside this module describes one tool family (``[[tool]]`` entries), programs
that run another command (``[[wrapper]]``), interpreters that run a tool as a module
(``[[launcher]]``, e.g. ``python3 -m pip``).
``build_deps.toml`` lists build-only packages and the runtime libraries of ``-dev`` packages.

- ``load_catalog()`` -> ``Catalog``: ``tool_for(program)``, ``tool(name)``, ``wrappers``,
  ``launcher_for(program)``.
- ``build_deps(distro)`` -> ``BuildDeps`` for ``"alpine"``, ``"debian"`` or ``"rpm"``:
  ``is_build_only(pkg)``, ``runtime_for(pkg)``.

Both are loaded once per process.
"""

from __future__ import annotations

import re
from fnmatch import fnmatchcase
from functools import lru_cache
from typing import Dict, FrozenSet, Mapping, Optional, Pattern, Tuple, TypeVar

from ..record import cached_property, field, record
from ..datafiles import load_table, table_names

_BUILD_DEPS_TABLE = "packages/build_deps.toml"
_ANY_NAME = r"^(?P<name>.+)$"


@record
class OptionSpec:
    names: Tuple[str, ...]  # the first one is canonical
    takes_value: bool
    meaning: Optional[str]

    @property
    def canonical(self) -> str:
        return self.names[0]


@record
class SubcommandSpec:
    name: str
    action: Optional[str]  # install, remove, update_index, upgrade, autoremove, cache_clean, ...
    meaning: Optional[str]
    packages: bool  # positional arguments are packages
    options: Mapping[str, OptionSpec]  # by every option name
    subcommands: Mapping[str, "SubcommandSpec"]  # by name and alias


@record
class ProgramSpec:
    """Found by the program a command runs: its basename, else a pattern (``pip3.11``)."""

    programs: Tuple[str, ...]
    program_patterns: Tuple[Pattern[str], ...]


@record
class ToolSpec(ProgramSpec):
    name: str
    combined_short_options: bool
    package_regex: str
    pin_operators: FrozenSet[str]
    default_subcommand: Optional[str]
    packages: bool  # for tools without subcommands: positional arguments are packages
    # The tool's table (``extends`` merged in); options and subcommands are built from it on
    # first use, as most runs meet only a few of the tools.
    definition: Mapping[str, object] = field(default_factory=dict, compare=False, repr=False)

    @cached_property
    def package_pattern(self) -> Pattern[str]:
        return re.compile(self.package_regex)

    @cached_property
    def options(self) -> Mapping[str, OptionSpec]:
        return _options(self.definition.get("options", ()))

    @cached_property
    def subcommands(self) -> Mapping[str, SubcommandSpec]:
        tables = self.definition.get("subcommands", {})
        inherited = {name: _options(sub.get("options", ())) for name, sub in tables.items()}  # type: ignore[union-attr]
        return _subcommands(tables, inherited)  # type: ignore[arg-type]


@record
class WrapperSpec:
    programs: Tuple[str, ...]
    value_options: FrozenSet[str]
    stop_options: FrozenSet[str]  # options that make it not run a command (``command -v``)
    assignments: bool  # accepts NAME=value before the command (env)
    positionals: int  # arguments to skip before the command (timeout DURATION, gosu USER)
    hides_arguments: bool  # the command gets more arguments at run time (xargs)


@record
class LauncherSpec(ProgramSpec):
    tool: str
    module_option: str
    module: str
    value_options: FrozenSet[str]


@record
class Catalog:
    tools: Tuple[ToolSpec, ...]
    wrappers: Mapping[str, WrapperSpec]
    launchers: Tuple[LauncherSpec, ...]
    _by_program: Dict[str, Optional[ToolSpec]] = field(default_factory=dict, repr=False, compare=False)
    _launcher_by_program: Dict[str, Optional[LauncherSpec]] = field(default_factory=dict, repr=False, compare=False)

    def tool(self, name: str) -> ToolSpec:
        for t in self.tools:
            if t.name == name:
                return t
        raise KeyError(name)

    def tool_for(self, program: str) -> Optional[ToolSpec]:
        """The tool run by ``program`` (a basename such as ``apt-get`` or ``pip3.11``)."""
        try:
            return self._by_program[program]
        except KeyError:
            found = self._by_program[program] = _by_program(self.tools, program)
            return found

    def launcher_for(self, program: str) -> Optional[LauncherSpec]:
        try:  # asked for every program that runs no known tool: kept as ``tool_for`` keeps its answers
            return self._launcher_by_program[program]
        except KeyError:
            found = self._launcher_by_program[program] = _by_program(self.launchers, program)
            return found


_Spec = TypeVar("_Spec", bound=ProgramSpec)


def _program_fields(entry: Mapping) -> Dict[str, tuple]:
    """The ``ProgramSpec`` fields of a ``[[tool]]`` or ``[[launcher]]`` table."""
    return {
        "programs": tuple(entry["programs"]),
        "program_patterns": tuple(re.compile(p) for p in entry.get("program_patterns", ())),
    }


def _by_program(specs: Tuple[_Spec, ...], program: str) -> Optional[_Spec]:
    for spec in specs:
        if program in spec.programs:
            return spec
    for spec in specs:
        if any(p.match(program) for p in spec.program_patterns):
            return spec
    return None


def _options(entries) -> Dict[str, OptionSpec]:
    out: Dict[str, OptionSpec] = {}
    for entry in entries:
        spec = OptionSpec(tuple(entry["names"]), bool(entry.get("value", False)), entry.get("meaning"))
        for name in spec.names:
            out[name] = spec
    return out


def _subcommands(table: Mapping[str, dict], inherited: Mapping[str, OptionSpec]) -> Dict[str, SubcommandSpec]:
    out: Dict[str, SubcommandSpec] = {}
    for name, entry in table.items():
        options = dict(inherited.get(entry["options_from"], {})) if "options_from" in entry else {}
        options.update(_options(entry.get("options", ())))
        spec = SubcommandSpec(
            name=name,
            action=entry.get("action"),
            meaning=entry.get("meaning"),
            packages=bool(entry.get("packages", False)),
            options=options,
            subcommands=_subcommands(entry.get("subcommands", {}), {}),
        )
        for key in (name, *entry.get("aliases", ())):
            out[key] = spec
    return out


def _tool(entry: dict, bases: Mapping[str, dict]) -> ToolSpec:
    if "extends" in entry:
        base = bases[entry["extends"]]
        merged = {**base, **entry}
        merged["options"] = [*base.get("options", ()), *entry.get("options", ())]
        merged["subcommands"] = {**base.get("subcommands", {}), **entry.get("subcommands", {})}
        entry = merged
    return ToolSpec(
        name=entry["name"],
        **_program_fields(entry),
        combined_short_options=bool(entry.get("combined_short_options", True)),
        package_regex=entry.get("package_pattern", _ANY_NAME),
        pin_operators=frozenset(entry.get("pin_operators", ())),
        default_subcommand=entry.get("default_subcommand"),
        packages=bool(entry.get("packages", False)),
        definition=entry,
    )


@lru_cache(maxsize=None)
def load_catalog() -> Catalog:
    raw_tools: list = []
    wrappers: Dict[str, WrapperSpec] = {}
    launchers: list = []
    for name in table_names("packages"):
        if name == _BUILD_DEPS_TABLE:
            continue
        data = load_table(name)
        raw_tools.extend(data.get("tool", ()))
        for w in data.get("wrapper", ()):
            spec = WrapperSpec(
                programs=tuple(w["programs"]),
                value_options=frozenset(w.get("value_options", ())),
                stop_options=frozenset(w.get("stop_options", ())),
                assignments=bool(w.get("assignments", False)),
                positionals=int(w.get("positionals", 0)),
                hides_arguments=bool(w.get("hides_arguments", False)),
            )
            for program in spec.programs:
                wrappers[program] = spec
        for launcher in data.get("launcher", ()):
            launchers.append(LauncherSpec(
                tool=launcher["tool"],
                **_program_fields(launcher),
                module_option=launcher["module_option"],
                module=launcher["module"],
                value_options=frozenset(launcher.get("value_options", ())),
            ))
    bases = {t["name"]: t for t in raw_tools}
    tools = tuple(_tool(t, bases) for t in raw_tools)
    return Catalog(tools, wrappers, tuple(launchers))


@record
class BuildDeps:
    """Build-only packages of one distribution family and runtime libraries of -dev packages."""

    build_only: FrozenSet[str]
    build_only_patterns: Tuple[str, ...]
    often_build_only: FrozenSet[str]
    runtime: Mapping[str, Tuple[str, ...]]

    def is_build_only(self, package: str) -> bool:
        """Needed only to compile or fetch sources (compilers, headers, ``*-dev``)."""
        return package in self.build_only or any(fnmatchcase(package, p) for p in self.build_only_patterns)

    def runtime_for(self, package: str) -> Optional[Tuple[str, ...]]:
        """Runtime packages that software built against ``package`` needs: () when none, None when
        unknown."""
        return self.runtime.get(package)


@lru_cache(maxsize=None)
def _build_deps_table() -> Mapping[str, BuildDeps]:
    data = load_table(_BUILD_DEPS_TABLE)
    return {
        distro: BuildDeps(
            build_only=frozenset(section.get("build_only", ())),
            build_only_patterns=tuple(section.get("build_only_patterns", ())),
            often_build_only=frozenset(section.get("often_build_only", ())),
            runtime={k: tuple(v) for k, v in section.get("runtime", {}).items()},
        )
        for distro, section in data.items()
    }


def build_deps(distro: str) -> BuildDeps:
    """Build-dependency knowledge for ``"alpine"``, ``"debian"`` or ``"rpm"``."""
    return _build_deps_table()[distro]


def distros() -> Tuple[str, ...]:
    return tuple(_build_deps_table())
