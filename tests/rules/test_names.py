"""A rule's module, class and name line up: ``sfNNN_<name>.py`` holds ``class <Name>``."""

import pkgutil

import pytest

import slimfix.rules
from slimfix.rules import all_rules


@pytest.mark.parametrize("rule", all_rules(), ids=lambda rule: rule.code)
def test_module_and_class_are_named_after_the_rule(rule):
    module = type(rule).__module__.rpartition(".")[2]
    assert module == f"{rule.code.lower()}_{rule.name.replace('-', '_')}"
    assert type(rule).__name__ == "".join(word.capitalize() for word in rule.name.split("-"))


def test_every_rule_module_holds_a_rule():
    modules = {info.name for info in pkgutil.iter_modules(slimfix.rules.__path__) if info.name.startswith("sf")}
    assert modules == {type(rule).__module__.rpartition(".")[2] for rule in all_rules()}
