from __future__ import annotations

import pytest

from slimfix.edits import Edit, apply_edits
from slimfix.shell import (
    classify,
    insert_option,
    remove_command,
    remove_words,
    replace_word,
    walk_commands,
)

from .lossless import parsed


def commands(script):
    return {c.command.code: c.command for c in walk_commands(script)}


def test_apply_edits_in_offset_order():
    assert apply_edits("abcdef", [Edit(4, 5, "E"), Edit(0, 1, "A"), Edit(2, 2, "+")]) == "Ab+cdEf"


@pytest.mark.parametrize("text, expected", [
    ("apk add curl", "apk add --no-cache curl"),
    ("apk -U add curl", "apk -U add --no-cache curl"),
    ("set -e; if x; then apk add gcc; fi", "set -e; if x; then apk add --no-cache gcc; fi"),
])
def test_insert_option_after_subcommand(text, expected):
    script = parsed(text)
    view = next(classify(c.command) for c in walk_commands(script) if c.command.name == "apk")
    assert apply_edits(text, [insert_option(view, "--no-cache")]) == expected


@pytest.mark.parametrize("text, target, expected", [
    ("a && b && c", "a", "b && c"),
    ("a && b && c", "b", "a && c"),
    ("a && b && c", "c", "a && b"),
    ("set -eux; apt-get update && apt-get install -y x", "apt-get update", "set -eux; apt-get install -y x"),
    ("a; b; c;", "c", "a; b;"),
    ("a # note\nb\nc", "b", "a # note\nc"),
    ("if x; then a; fi", "a", "if x; then true; fi"),
])
def test_remove_command(text, target, expected):
    script = parsed(text)
    assert apply_edits(text, [remove_command(script, commands(script)[target])]) == expected


def test_remove_command_in_pipeline_is_refused():
    script = parsed("a | b")
    with pytest.raises(ValueError):
        remove_command(script, commands(script)["a"])


def test_replace_and_remove_words():
    text = "apt-get install -y git gcc curl"
    script = parsed(text)
    view = classify(script.body.items[0])
    names = {p.name: p.word for p in view.packages}
    assert apply_edits(text, [replace_word(names["gcc"], "build-essential")]) == \
        "apt-get install -y git build-essential curl"
    assert apply_edits(text, remove_words(view.command, [names["git"], names["gcc"]])) == "apt-get install -y curl"
