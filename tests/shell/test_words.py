from __future__ import annotations

import pytest

from slimfix.shell.nodes import (
    AnsiCQuoted,
    ArithmeticExpansion,
    Backtick,
    CommandSubstitution,
    DoubleQuoted,
    Escape,
    Literal,
    ParamExpansion,
    SingleQuoted,
)

from .lossless import parsed


def words(text: str):
    script = parsed(text)
    assert not script.has_opaque
    return script.body.items[0].words


def word(text: str):
    return words("echo " + text)[1]


@pytest.mark.parametrize("text, value", [
    ("plain", "plain"),
    ("'single quoted'", "single quoted"),
    ('"double quoted"', "double quoted"),
    ("mi'x'\"ed\"", "mixed"),
    ("back\\ slash", "back slash"),
    ('"esc\\"aped \\$ \\\\ \\x"', 'esc"aped $ \\ \\x'),
    ("$'a\\tb\\n'", "a\tb\n"),
    ("'pkg=1.2'", "pkg=1.2"),
    ("~/.cache", "~/.cache"),
    ("/var/lib/apt/lists/*", "/var/lib/apt/lists/*"),
])
def test_literal_values(text, value):
    assert word(text).value == value


@pytest.mark.parametrize("text", [
    "$HOME", "${VAR:-default}", "pre$1post", '"$@"', "$(date)", "`date`", "$((1 + 2))", '"a$(b)c"',
])
def test_words_with_expansions_have_no_value(text):
    w = word(text)
    assert w.value is None
    assert w.text == text


def test_part_kinds():
    w = word("a'b'\"c$D\"\\e$F${G}$(h)`i`$((j))$'k'")
    kinds = [type(p) for p in w.parts]
    assert kinds == [Literal, SingleQuoted, DoubleQuoted, Escape, ParamExpansion, ParamExpansion,
                     CommandSubstitution, Backtick, ArithmeticExpansion, AnsiCQuoted]
    assert [p.name for p in w.parts if isinstance(p, ParamExpansion)] == ["F", "G"]
    dq = w.parts[2]
    assert [type(p) for p in dq.inner] == [Literal, ParamExpansion]


def test_nested_braces_and_quotes_in_parameter_expansion():
    w = word('${A:-${B:-"}"}}x')
    assert isinstance(w.parts[0], ParamExpansion)
    assert w.parts[0].text == '${A:-${B:-"}"}}'
    assert w.parts[1].text == "x"


def test_special_parameters():
    names = [w.parts[0].name for w in words("echo $? $# $$ $! $0 $-")[1:]]
    assert names == ["?", "#", "$", "!", "0", "-"]


def test_lone_dollar_is_literal():
    assert word("a$").value == "a$"
    assert word('"$"').value == "$"


def test_command_substitution_is_parsed_recursively_across_lines():
    w = word('"$(apt-get install -y \\\n  curl &&\n  echo done)"')
    (sub,) = list(w.substitutions())
    assert [i.code for i in sub.body.items] == ["apt-get install -y \\\n  curl", "echo done"]
    assert [x.value for x in sub.body.items[0].words] == ["apt-get", "install", "-y", "curl"]


def test_case_inside_command_substitution():
    w = word("$(case $x in a) echo 1;; esac)")
    (sub,) = list(w.substitutions())
    assert type(sub.body.items[0]).__name__ == "Case"


def test_backtick_body_is_parsed_unless_escaped():
    (sub,) = list(word("`uname -m`").substitutions())
    assert sub.body.items[0].code == "uname -m"
    (raw,) = list(word("`echo \\`date\\``").substitutions())
    assert raw.body is None


def test_arithmetic_versus_nested_subshell_substitution():
    assert isinstance(word("$((2*3))").parts[0], ArithmeticExpansion)
    assert isinstance(word("$((cd a); (cd b))").parts[0], CommandSubstitution)


def test_glob_detection_respects_quotes():
    assert word("/tmp/*").has_glob
    assert word('"/var/lib/apt/lists"/*').has_glob
    assert not word("'/tmp/*'").has_glob
    assert not word("/tmp/x").has_glob


def test_line_continuation_inside_a_word():
    assert word("ab\\\ncd").value == "abcd"


def test_quoted_flags_are_words_like_any_other():
    assert [w.value for w in words("apt-get install '-y' \"curl\"")] == ["apt-get", "install", "-y", "curl"]
