"""The rule registry: every rule, by code, in code order."""

from __future__ import annotations

import importlib
import os
from functools import lru_cache
from typing import Dict, FrozenSet, Iterable, List, Optional, Set, Tuple

from .base import Applicability, Diagnostic, Edit, Fix, Rule

__all__ = ["Applicability", "Diagnostic", "Edit", "Fix", "Rule", "all_rules", "get_rule", "hadolint_map", "matches", "select_rules", "selection"]


@lru_cache(maxsize=None)
def all_rules() -> tuple:
    """One instance of each rule, found in this package's modules (``sfNNN_*.py``)."""
    rules = []
    # the folder's listing, not pkgutil.iter_modules: that imports inspect (a tenth of a cold start)
    names = sorted({entry.split(".")[0] for folder in __path__ for entry in os.listdir(folder)
                    if entry.startswith("sf") and entry.endswith((".py", ".so", ".pyd"))})
    for name in names:
        module = importlib.import_module(f"{__name__}.{name}")
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, Rule) and value is not Rule and value.__module__ == module.__name__:
                rules.append(value())
    rules.sort(key=lambda rule: rule.code)
    codes = [rule.code for rule in rules]
    assert len(codes) == len(set(codes)), f"duplicate rule codes: {codes}"
    return tuple(rules)


def get_rule(code: str) -> Optional[Rule]:
    code = code.strip().upper()
    for rule in all_rules():
        if rule.code == code or rule.name == code.lower():
            return rule
    return None


@lru_cache(maxsize=None)
def hadolint_map() -> Dict[str, FrozenSet[str]]:
    """hadolint code (DL3009) -> the slimfix codes that cover it."""
    out: Dict[str, Set[str]] = {}
    for rule in all_rules():
        for dl in rule.hadolint:
            out.setdefault(dl.upper(), set()).add(rule.code)
    return {dl: frozenset(codes) for dl, codes in out.items()}


def matches(rule: Rule, selector: str) -> bool:
    """Whether ``selector`` (ALL, a code or its prefix, a rule name) names ``rule``."""
    selector = selector.strip().upper()
    return selector == "ALL" or rule.code.startswith(selector) or rule.name.upper() == selector


def unknown_selectors(selectors: Iterable[str]) -> List[str]:
    """The selectors (codes, prefixes, names, ALL) that match no rule."""
    return [s for s in selectors if not any(matches(rule, s) for rule in all_rules())]


def select_rules(select: Optional[Iterable[str]] = None, ignore: Iterable[str] = ()) -> List[Rule]:
    """Rules chosen by ``select`` (default: all but the explicit-only ones) minus ``ignore``.

    A rule marked ``explicit_only`` runs only when ``select`` names its full code.
    """
    chosen = []
    select = list(select) if select is not None else None
    ignore = list(ignore)
    for rule in all_rules():
        if select is None:
            picked = not rule.explicit_only
        else:
            picked = any(matches(rule, s) and (not rule.explicit_only or s.strip().upper() == rule.code) for s in select)
        if picked and not any(matches(rule, s) for s in ignore):
            chosen.append(rule)
    return chosen


def selection(select: Optional[Tuple[str, ...]], ignore: Tuple[str, ...] = (),
              extend_select: Tuple[str, ...] = ()) -> Tuple[Tuple[Rule, ...], FrozenSet[str]]:
    """The rules the settings run (``select_rules``, plus ``extend_select``'s, in code order) and
    the codes selected explicitly; worked out once per selection, not once per file."""
    return _selection(select, ignore, extend_select, all_rules())  # tests add rules to the registry


@lru_cache(maxsize=64)
def _selection(select, ignore, extend_select, registry) -> Tuple[Tuple[Rule, ...], FrozenSet[str]]:
    rules = select_rules(select, ignore)
    if extend_select:
        extra = [r for r in select_rules(extend_select, ignore) if r not in rules]
        rules = sorted(rules + extra, key=lambda rule: rule.code)
    return tuple(rules), explicitly_selected((select or ()) + extend_select)


def explicitly_selected(select: Optional[Iterable[str]]) -> FrozenSet[str]:
    """Codes named in full in ``select``: their unsafe fixes apply (as ruff does)."""
    codes = {rule.code for rule in all_rules()}
    return frozenset(s.strip().upper() for s in (select or ()) if s.strip().upper() in codes)
