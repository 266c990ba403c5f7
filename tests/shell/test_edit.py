from __future__ import annotations

import pytest

from slimfix.shell import (
    Edit,
    Style,
    append_to_chain,
    apply_edits,
    classify,
    detect_style,
    insert_option,
    remove_command,
    remove_words,
    replace_word,
    walk_commands,
)

from .lossless import parsed


def commands(script):
    return {c.command.code: c.command for c in walk_commands(script)}


def test_apply_edits_orders_and_rejects_overlaps():
    assert apply_edits("abcdef", [Edit(4, 5, "E"), Edit(0, 1, "A"), Edit(2, 2, "+")]) == "Ab+cdEf"
    with pytest.raises(ValueError):
        apply_edits("abcdef", [Edit(0, 3, ""), Edit(2, 4, "")])


@pytest.mark.parametrize("text, expected", [
    ("apk add curl", "apk add --no-cache curl"),
    ("apk -U add curl", "apk -U add --no-cache curl"),
    ("set -e; if x; then apk add gcc; fi", "set -e; if x; then apk add --no-cache gcc; fi"),
])
def test_insert_option_after_subcommand(text, expected):
    script = parsed(text)
    view = next(classify(c.command) for c in walk_commands(script) if c.command.name == "apk")
    assert apply_edits(text, [insert_option(view, "--no-cache")]) == expected


@pytest.mark.parametrize("text, joiner, expected", [
    ("apt-get update && apt-get install -y x",
     " && ", "apt-get update && apt-get install -y x && rm -rf /var/lib/apt/lists/*"),
    ("apt-get update && apt-get install -y x || true; echo done",
     " && ", "apt-get update && apt-get install -y x || true && rm -rf /var/lib/apt/lists/*; echo done"),
    ("apt-get update     && apt-get install -y x",
     " \\\n    && ", "apt-get update     && apt-get install -y x \\\n    && rm -rf /var/lib/apt/lists/*"),
])
def test_append_to_chain(text, joiner, expected):
    script = parsed(text)
    install = commands(script)["apt-get install -y x"]
    edit = append_to_chain(script, install, "rm -rf /var/lib/apt/lists/*", Style(joiner))
    assert apply_edits(text, [edit]) == expected


def test_append_to_chain_inside_compound_or_at_top_level():
    text = "if [ -n \"$X\" ]; then apt-get install -y x; fi && echo ok"
    script = parsed(text)
    install = commands(script)["apt-get install -y x"]
    inner = append_to_chain(script, install, "rm -rf /a", Style())
    assert apply_edits(text, [inner]) == "if [ -n \"$X\" ]; then apt-get install -y x && rm -rf /a; fi && echo ok"
    outer = append_to_chain(script, install, "rm -rf /a", Style(), top_level=True)
    assert apply_edits(text, [outer]) == "if [ -n \"$X\" ]; then apt-get install -y x; fi && echo ok && rm -rf /a"


def test_append_to_background_chain_is_refused():
    script = parsed("a && b & wait")
    with pytest.raises(ValueError):
        append_to_chain(script, commands(script)["a"], "c", Style())


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


@pytest.mark.parametrize("text, joiner", [
    ("apt-get update && apt-get install -y x", " && "),
    ("apt-get update \\\n    && apt-get install -y x \\\n    && rm -rf y", " \\\n    && "),
    ("apt-get update && \\\n  apt-get install -y x && \\\n  rm -rf y", " && \\\n  "),
    ("set -e\napt-get update\napt-get install -y x\n", "\n"),
    ("apt-get update &&\n    apt-get install -y x", " &&\n    "),
])
def test_detect_style(text, joiner):
    assert detect_style(text).joiner == joiner
