"""The public parse API on hand-checked fixtures: stages, lines, flags, forms, heredocs."""

from __future__ import annotations

import pytest

import slimfix
from .fixture_files import ROUNDTRIP, SEED, read_text


def parse_fixture(directory, name):
    return slimfix.parse(read_text(directory / f"{name}.Dockerfile"))


def summary(tree):
    return [(i.keyword, i.start_line, i.end_line) for i in tree.instructions]


# --- stages -------------------------------------------------------------------


def test_multistage_seed_has_three_stages_with_bases_and_aliases():
    tree = parse_fixture(SEED, "5-multistage")
    assert [(s.base_image, s.alias) for s in tree.stages] == [
        ("python:3.8-alpine", "base"),
        ("base", "builder"),
        ("base", None),
    ]
    assert [i.keyword for i in tree.stages[1].instructions] == ["RUN", "RUN", "WORKDIR", "COPY", "RUN"]
    assert [i.keyword for i in tree.stages[2].instructions] == ["COPY", "COPY", "RUN", "WORKDIR"]
    assert tree.stages[2].instructions[0].flags == ("--from=builder",)


def test_single_stage_seed_has_no_alias():
    tree = parse_fixture(SEED, "1-naive")
    [stage] = tree.stages
    assert (stage.base_image, stage.alias) == ("python:3.8", None)
    assert [i.keyword for i in stage.instructions] == ["RUN", "RUN", "COPY", "RUN", "COPY", "WORKDIR"]


def test_arg_before_from_is_not_in_a_stage():
    tree = parse_fixture(ROUNDTRIP, "arg-forms")
    [stage] = tree.stages
    assert stage.base_image == "${BASE}:${TAG:-latest}"
    assert [i.value for i in stage.instructions] == [("A=1", "B=2"), ("C",)]
    assert [i.keyword for i in tree.instructions[:3]] == ["ARG", "ARG", "FROM"]


def test_from_with_platform_flag_and_alias():
    tree = parse_fixture(ROUNDTRIP, "flags-from-platform")
    first, second = tree.stages
    assert (first.base_image, first.alias) == ("alpine", "amd")
    assert first.from_instruction.flags == ("--platform=linux/amd64",)
    assert (second.base_image, second.alias) == ("alpine", None)
    assert second.from_instruction.flags == ("--platform=${TARGETPLATFORM}",)


def test_as_is_case_insensitive_and_alias_keeps_its_case():
    tree = parse_fixture(ROUNDTRIP, "from-forms")
    assert [(s.base_image, s.alias) for s in tree.stages] == [
        ("golang:1.22", "build"),
        ("scratch", None),
        ("alpine@sha256:" + "0" * 64, "pinned"),
        ("build", "Final"),
    ]


def test_file_without_from_has_no_stages():
    assert slimfix.parse("# just a comment\n").stages == ()


# --- instructions and lines -------------------------------------------------------


def test_instruction_lines_span_continuations_comments_and_blank_lines():
    tree = parse_fixture(ROUNDTRIP, "continuation-comment-lines")
    assert summary(tree) == [("FROM", 1, 1), ("RUN", 2, 6)]
    tree = parse_fixture(ROUNDTRIP, "continuation-empty-lines")
    assert summary(tree) == [("FROM", 1, 1), ("RUN", 2, 6)]


def test_heredoc_body_and_terminator_belong_to_the_instruction():
    tree = parse_fixture(ROUNDTRIP, "heredoc-several-per-line")
    assert summary(tree) == [("FROM", 1, 1), ("RUN", 2, 6)]
    tree = parse_fixture(ROUNDTRIP, "heredoc-run")
    assert summary(tree) == [("FROM", 1, 1), ("RUN", 2, 5), ("CMD", 6, 6)]


def test_lines_count_only_newlines_not_lone_carriage_returns():
    tree = parse_fixture(ROUNDTRIP, "cr-alone-mid-line")
    assert summary(tree) == [("FROM", 1, 1), ("RUN", 2, 2), ("LABEL", 3, 3)]
    assert tree.instructions[1].value == ("echo a\rb",)


def test_crlf_and_bom_do_not_shift_lines():
    assert summary(parse_fixture(ROUNDTRIP, "crlf")) == [("FROM", 1, 1), ("RUN", 3, 4), ("CMD", 5, 5)]
    assert summary(parse_fixture(ROUNDTRIP, "bom")) == [("FROM", 1, 1), ("RUN", 2, 2)]


def test_keywords_are_upper_case_whatever_the_source():
    tree = parse_fixture(ROUNDTRIP, "mixed-case-keywords")
    assert [i.keyword for i in tree.instructions] == ["FROM", "RUN", "COPY", "WORKDIR"]
    assert tree.instructions[2].flags == ("--from=Base",)


def test_original_is_the_logical_line():
    tree = parse_fixture(ROUNDTRIP, "continuation-basic")
    assert tree.instructions[1].original == "RUN apk add --no-cache     curl     git"


@pytest.mark.parametrize("text", ["", "# only a comment\n", "  \n\t\n", "\n\n"])
def test_files_without_instructions_parse_to_nothing(text):
    tree = slimfix.parse(text)
    assert tree.instructions == ()
    assert tree.code == text


# --- flags and forms ------------------------------------------------------------


def test_repeated_mount_flags_keep_their_order():
    tree = parse_fixture(ROUNDTRIP, "flags-run-mount-repeated")
    assert tree.instructions[1].flags == (
        "--mount=type=cache,target=/root/.cache",
        "--mount=type=secret,id=token",
        "--mount=type=bind,source=.,target=/src",
        "--mount=type=ssh",
    )
    assert tree.instructions[1].value == ("make",)


def test_copy_flags_and_their_arguments():
    tree = parse_fixture(ROUNDTRIP, "flags-copy")
    first, second = tree.instructions[1:]
    assert first.flags == ("--from=build", "--chown=1000:1000", "--chmod=0644", "--link")
    assert first.value == ("/out", "/app")
    assert second.flags == ("--parents", "--exclude=*.md", "--exclude=tmp/")


def test_quoted_flag_values_lose_their_quotes():
    tree = parse_fixture(ROUNDTRIP, "flags-quoted-values")
    assert tree.instructions[1].flags == ("--chown=app user",)
    assert tree.instructions[2].flags == ("--mount=type=secret,id=a b",)


def test_double_dash_ends_the_flags():
    tree = parse_fixture(ROUNDTRIP, "flags-double-dash-ends-flags")
    assert tree.instructions[1].flags == ()
    assert tree.instructions[1].value == ("--weird-name", "/dst")


def test_exec_and_shell_forms():
    tree = parse_fixture(ROUNDTRIP, "exec-form-json")
    assert [(i.keyword, i.is_exec_form) for i in tree.instructions] == [
        ("FROM", False), ("SHELL", True), ("RUN", True), ("ENTRYPOINT", True),
        ("CMD", True), ("VOLUME", True), ("COPY", True),
    ]
    assert tree.instructions[6].value == ("a b.txt", "/dst/")


def test_invalid_json_falls_back_to_shell_form():
    tree = parse_fixture(ROUNDTRIP, "exec-form-invalid-json-falls-back")
    assert [(i.keyword, i.is_exec_form, i.value) for i in tree.instructions[1:]] == [
        ("CMD", False, ("[\"echo\", 'single quotes']",)),
        ("RUN", False, ("[not json",)),
        ("ENTRYPOINT", False, ('["unterminated',)),
        ("COPY", False, ("[a,", "b]", "/dst/")),
    ]


def test_healthcheck_none_and_with_flags():
    none = parse_fixture(ROUNDTRIP, "healthcheck-none").instructions[1]
    assert (none.flags, none.value) == ((), ("NONE",))
    check = parse_fixture(ROUNDTRIP, "healthcheck-with-flags").instructions[1]
    assert check.flags == (
        "--interval=30s", "--timeout=3s", "--start-period=5s", "--start-interval=1s", "--retries=3",
    )
    assert check.value == ("CMD", "wget -q -O- http://localhost/ || exit 1")
    exec_form = parse_fixture(ROUNDTRIP, "healthcheck-exec-form").instructions[1]
    assert (exec_form.is_exec_form, exec_form.value) == (True, ("CMD", "/healthcheck", "--quiet"))


def test_env_forms_carry_buildkit_separators():
    tree = parse_fixture(ROUNDTRIP, "head-env-label-separators")
    assert [i.value for i in tree.instructions[1:]] == [
        ("A", "1", "=", "B", "2", "="),
        ("C", "3", ""),
        ("x", "y", "="),
        ("legacy", "some value", ""),
        ("D", "4", "="),
    ]


def test_maintainer_keeps_its_text():
    tree = parse_fixture(ROUNDTRIP, "maintainer")
    assert tree.instructions[1].value == ("Jane Doe <jane@example.com>",)


# --- ONBUILD ---------------------------------------------------------------------


def test_onbuild_carries_its_inner_instruction():
    tree = parse_fixture(ROUNDTRIP, "onbuild")
    assert [(i.keyword, i.sub_keyword, i.value) for i in tree.instructions[1:]] == [
        ("ONBUILD", "RUN", ("echo later",)),
        ("ONBUILD", "COPY", ("/a", "/b")),
        ("ONBUILD", "ENV", ("A", "1", "=")),
        ("ONBUILD", "HEALTHCHECK", ("NONE",)),
    ]
    assert tree.instructions[0].sub_keyword is None


def test_onbuild_run_heredoc_belongs_to_the_onbuild():
    tree = parse_fixture(ROUNDTRIP, "heredoc-onbuild-run")
    onbuild = tree.instructions[1]
    assert (onbuild.keyword, onbuild.sub_keyword, onbuild.end_line) == ("ONBUILD", "RUN", 4)
    assert [(h.name, h.content) for h in onbuild.heredocs] == [("EOF", "echo later\n")]


# --- heredocs ----------------------------------------------------------------------


def heredocs_of(name, index=1):
    heredocs = parse_fixture(ROUNDTRIP, name).instructions[index].heredocs
    return [(h.name, h.content, h.chomp, h.expand, h.file_descriptor) for h in heredocs]


@pytest.mark.parametrize(
    "name, expected",
    [
        ("heredoc-run", [("EOF", "apk add --no-cache curl\necho done\n", False, True, 0)]),
        ("heredoc-several-per-line", [
            ("FIRST", "echo 1\n", False, True, 0), ("SECOND", "echo 2\n", False, True, 0),
        ]),
        ("heredoc-chomp-tabs", [("EOF", "\techo one\n\t\techo two\n", True, True, 0)]),
        ("heredoc-quoted-double", [("EOF", "echo $HOME\n", False, False, 0)]),
        ("heredoc-quoted-single", [("EOF", "echo $HOME\n", False, False, 0)]),
        ("heredoc-file-descriptor", [("EOF", "via fd 3\n", False, True, 3)]),
        ("heredoc-copy-several-files", [
            ("a.txt", "content a\n", False, True, 0), ("b.txt", "content b\n", False, True, 0),
        ]),
        ("heredoc-empty-body", [("EOF", "", False, True, 0)]),
        ("heredoc-crlf", [("EOF", "echo hi\r\n", False, True, 0)]),
        ("heredoc-terminator-needs-exact-match", [("EOF", "echo EOF\n EOF\nEOF \n", False, True, 0)]),
        ("heredoc-marker-on-cmd-is-plain-text", []),
        ("heredoc-marker-in-json-is-plain-text", []),
        ("heredoc-marker-inside-quotes-is-plain-text", []),
    ],
)
def test_heredoc_objects(name, expected):
    assert heredocs_of(name) == expected


def test_heredoc_on_copy_keeps_destination_in_value():
    tree = parse_fixture(ROUNDTRIP, "heredoc-add")
    add = tree.instructions[1]
    assert (add.flags, add.value) == (("--chmod=755",), ("<<EOF", "/usr/local/bin/hello"))


# --- directives and errors ---------------------------------------------------------


def test_directives_and_escape():
    tree = parse_fixture(ROUNDTRIP, "directive-syntax-check-escape")
    assert [(d.name, d.value) for d in tree.directives] == [
        ("syntax", "docker/dockerfile:1"), ("check", "error=true"), ("escape", "`"),
    ]
    assert tree.escape == "`"
    assert summary(tree) == [("FROM", 4, 4), ("RUN", 5, 6)]


def test_directive_after_a_comment_is_only_a_comment():
    tree = parse_fixture(ROUNDTRIP, "directive-after-comment-is-comment")
    assert (tree.directives, tree.escape) == ((), "\\")
    assert summary(tree) == [("FROM", 3, 3), ("RUN", 4, 5)]


def test_parse_error_has_line_column_and_message():
    with pytest.raises(slimfix.ParseError) as caught:
        slimfix.parse("FROM alpine\nRUN true\nENV ONLY_A_NAME\n")
    error = caught.value
    assert (error.line, error.column) == (3, 1)
    assert "ENV must have two arguments" in error.message


def test_heredoc_word_holding_a_nested_parameter_is_no_heredoc_as_in_buildkit_head():
    # HEAD's lexer shares one word buffer with the nested ${...} scan, which drops "<<"
    tree = slimfix.parse("FROM a\nRUN <<${X:-EOF} cat\n")
    assert tree.instructions[-1].heredocs == ()
