"""The HEAD corrections of buildkit_head, pinned on hand-checked answers.

Each expected value here was read off BuildKit HEAD's parser source, not off
the emulation, so a wrong correction fails here before it hides a parser bug.
"""

from __future__ import annotations

import pytest

from .buildkit_directives import read_header
from .buildkit_flags import split_command
from .buildkit_head import Accepted, CannotEmulate, Rejected, expect, plausible_error_line
from .fixture_files import NEGATIVE, ROUNDTRIP, read_text


def records(name):
    expected = expect(read_text(ROUNDTRIP / f"{name}.Dockerfile"))
    assert isinstance(expected, Accepted)
    return expected.records


def test_d1_check_directive_keeps_the_header_open_for_escape():
    [_, run] = records("head-check-directive-then-escape")
    assert (run.start_line, run.end_line, run.value) == (4, 5, ("echo one  two",))


def test_d1_duplicate_check_directive_is_rejected_at_its_line():
    text = read_text(NEGATIVE / "duplicate-check-directive--line2.Dockerfile")
    assert expect(text) == Rejected("only one check parser directive can be used", 2)


def test_d2_unicode_space_before_directive_name():
    header = read_header(read_text(ROUNDTRIP / "head-directive-unicode-space.Dockerfile"))
    assert header.escape == "`"
    assert [run.end_line for run in records("head-directive-unicode-space")[1:]] == [4]


def test_d3_env_and_label_separators():
    assert [r.value for r in records("head-env-label-separators")[1:]] == [
        ("A", "1", "=", "B", "2", "="),
        ("C", "3", ""),
        ("x", "y", "="),
        ("legacy", "some value", ""),
        ("D", "4", "="),
    ]


def test_d4_json_followed_by_text_is_shell_form():
    assert [(r.is_exec_form, r.value) for r in records("head-json-trailing-text")[1:]] == [
        (False, ('["echo"] extra',)),
        (False, ('["a",', '"b"]', "c")),
        (False, ('["x"]]',)),
    ]


def test_d4_non_string_array_followed_by_text_cannot_be_emulated():
    with pytest.raises(CannotEmulate):
        expect('FROM a\nCMD ["a", 1] b\n')


def test_d5_flags_use_the_backtick_escape():
    [_, copy, run] = records("head-escape-backtick-flags")
    assert copy.flags == ("--chown=ContainerUser",)
    assert copy.value == ("C:\\src", "C:\\dst")
    assert run.flags == ("--mount=type=bind,source=C:\\cache,target=C:\\cache",)
    assert run.value == ("dir",)


def test_d6_space_between_heredoc_marker_and_word():
    [_, run, copy] = records("head-heredoc-space-before-word")
    assert (run.start_line, run.end_line, run.value) == (2, 4, ("cat << EOF > /etc/motd",))
    assert [(h.name, h.content) for h in run.heredocs] == [("EOF", "hello\n")]
    assert copy.original == 'COPY <<  "EOT" /a'
    assert copy.value == ("<<", '"EOT"', "/a")
    assert [(h.name, h.content) for h in copy.heredocs] == [("EOT", "body\n")]


def test_d7_parameter_pattern_keeps_the_heredoc():
    [_, _, run] = records("head-heredoc-parameter-pattern")
    assert run.value == ("<<EOF sh -s ${VERSION%.*}",)
    assert [(h.name, h.content) for h in run.heredocs] == [("EOF", 'echo "$1"\n')]


def test_d7_two_operators_on_one_variable_map_back():
    [_, run] = expect("FROM a\nRUN <<EOF cp ${l#*:} ${l%:*}\nx\nEOF\n").records
    assert run.value == ("<<EOF cp ${l#*:} ${l%:*}",)
    assert run.end_line == 4


def test_package_artefacts_are_undone():
    [_, onbuild] = records("heredoc-onbuild-run")
    assert [(h.name, h.content) for h in onbuild.heredocs] == [("EOF", "echo later\n")]
    assert onbuild.original == "ONBUILD RUN <<EOF"
    [_, cmd] = expect('FROM a\nCMD ["a\\u0000b"]\n').records
    assert cmd.value == ("a\0b",)


def test_flag_splitter_reads_bytes_like_go():
    assert split_command("COPY --chown=\u00e9 a b", "\\") == (
        "COPY", ("--chown=\u00c3\u00a9",), "a b",
    )
    # 0xA0, the last byte of "à", counts as whitespace
    assert split_command("COPY --chown=\u00e0 x", "\\")[1] == ("--chown=\u00c3",)


@pytest.mark.parametrize(
    "line, why",
    [(3, None), (2, "accepted"), (4, "continues the instruction"), (1, "accepted")],
)
def test_plausible_error_line(line, why):
    text = read_text(NEGATIVE / "env-missing-equals-continued--line3.Dockerfile")
    found = plausible_error_line(text, line)
    assert found is None if why is None else why in found
