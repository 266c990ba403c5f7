"""The LibCST-style visitor and transformer over the Dockerfile tree."""

from __future__ import annotations

import slimfix
from slimfix.syntax import REMOVE, BlankLine, Comment, Flatten, Instruction, Text, Transformer, Visitor

TEXT = "# syntax=docker/dockerfile:1\nFROM alpine AS base\n# keep me\nRUN echo one \\\n  # inner\n    && echo two\n\nCMD [\"sh\"]\n"


def test_identity_transform_returns_the_same_objects():
    tree = slimfix.parse(TEXT)
    assert Transformer().transform(tree) is tree


def test_visitor_sees_every_node_in_order():
    seen = []

    class Names(Visitor):
        def visit_Instruction(self, node):
            seen.append(node.keyword)

        def visit_ContinuationComment(self, node):
            seen.append("inner comment")

    Names().walk(slimfix.parse(TEXT))
    assert seen == ["FROM", "RUN", "inner comment", "CMD"]


def test_leave_changes_nodes_and_untouched_ones_stay_identical():
    tree = slimfix.parse(TEXT)

    class Shout(Transformer):
        def leave_Comment(self, original, updated):
            return updated.with_changes(text=updated.text.upper())

    new = Shout().transform(tree)
    assert new.code == TEXT.replace("# keep me", "# KEEP ME")
    assert new.instructions[0] is tree.instructions[0]
    assert new.directives[0].text == "# syntax=docker/dockerfile:1"  # a Directive is a Comment too: left as is
    slimfix.parse(new.code)


def test_remove_and_flatten():
    tree = slimfix.parse(TEXT)

    class Rewrite(Transformer):
        def leave_BlankLine(self, original, updated):
            return REMOVE

        def leave_Instruction(self, original, updated):
            if updated.keyword == "CMD":
                note = Comment("# the entry point", newline="\n")
                return Flatten([note, updated])
            return updated

    new = Rewrite().transform(tree)
    assert "\n\n" not in new.code
    assert new.code.endswith('# the entry point\nCMD ["sh"]\n')
    assert not any(isinstance(line, BlankLine) for line in new.body)


def test_changed_parts_are_read_again():
    tree = slimfix.parse("FROM alpine\nRUN echo a\n")

    class Edit(Transformer):
        def leave_Text(self, original, updated):
            return updated.with_changes(value=updated.value.replace("echo a", "echo b"))

    new = Edit().transform(tree)
    run = new.instructions[-1]
    assert isinstance(run, Instruction) and run.value == ("echo b",)
    assert isinstance(run.parts[0], Text)
