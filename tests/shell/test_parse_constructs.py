from __future__ import annotations

import pytest

from slimfix.shell import (
    ArithmeticCommand,
    BraceGroup,
    Case,
    Comment,
    DoubleBracket,
    For,
    FunctionDef,
    HereDoc,
    If,
    Opaque,
    Pipeline,
    SimpleCommand,
    Subshell,
    Until,
    While,
)
from slimfix.shell.nodes import ArrayLiteral, iter_nodes

from .lossless import parsed


def only(text: str):
    script = parsed(text)
    assert not script.has_opaque
    (item,) = script.body.items
    return item


def test_and_chain_operators_and_items():
    script = parsed("apt-get update && apt-get install -y x || true; echo done & wait\n")
    body = script.body
    assert [op.op for op in body.operators] == ["&&", "||", ";", "&", "\n"]
    assert [item.code for item in body.items] == ["apt-get update", "apt-get install -y x", "true", "echo done", "wait"]
    assert all(isinstance(i, SimpleCommand) for i in body.items)


def test_operator_owns_surrounding_blanks_and_line_breaks():
    script = parsed("a &&\n   b")
    (op,) = script.body.operators
    assert op.code == " &&\n   "
    assert script.body.items[1].start == 8


def test_empty_and_blank_scripts():
    assert parsed("").body.items == ()
    assert parsed("  \n\t ").body.items == ()


def test_simple_command_parts():
    cmd = only("A=1 B=\"x y\" cmd arg >out 2>&1")
    assert [a.name for a in cmd.assignments] == ["A", "B"]
    assert [a.value.value for a in cmd.assignments] == ["1", "x y"]
    assert [w.value for w in cmd.words] == ["cmd", "arg"]
    assert [(r.fd, r.op, r.target.value) for r in cmd.redirects] == [("", ">", "out"), ("2", ">&", "1")]


def test_redirection_forms():
    cmd = only("cmd <in >>log 3<>f <<<word &>all >|clobber")
    assert [(r.fd, r.op, r.target.code) for r in cmd.redirects] == [
        ("", "<", "in"), ("", ">>", "log"), ("3", "<>", "f"), ("", "<<<", "word"), ("", "&>", "all"),
        ("", ">|", "clobber"),
    ]


def test_assignment_only_and_empty_value():
    cmd = only("A= B+=x")
    assert [(a.name, a.op, a.value.value) for a in cmd.assignments] == [("A", "=", ""), ("B", "+=", "x")]
    assert cmd.words == ()


def test_pipeline_and_negation():
    item = only("! grep -q x file | wc -l |& cat")
    assert isinstance(item, Pipeline)
    assert item.negated
    assert [c.code for c in item.commands] == ["grep -q x file", "wc -l", "cat"]


def test_subshell_and_brace_group():
    item = only("(cd /src && make) >log")
    assert isinstance(item, Subshell)
    assert [c.code for c in item.body.items] == ["cd /src", "make"]
    assert [r.target.value for r in item.redirects] == ["log"]
    group = only("{ echo a; echo b; }")
    assert isinstance(group, BraceGroup)
    assert len(group.body.items) == 2


def test_if_elif_else():
    item = only("if [ -f a ]; then echo a; elif [ -f b ]; then echo b; else echo c; fi")
    assert isinstance(item, If)
    assert [c.items[0].code for c in item.conditions] == ["[ -f a ]", "[ -f b ]"]
    assert [b.items[0].code for b in item.branches] == ["echo a", "echo b"]
    assert item.else_body is not None and item.else_body.items[0].code == "echo c"


def test_loops():
    loop = only("for f in a 'b c' $X; do echo $f; done")
    assert isinstance(loop, For)
    assert loop.variable == "f"
    assert [w.code for w in loop.items] == ["a", "'b c'", "$X"]
    assert loop.body.items[0].code == "echo $f"
    bare = only("for arg\ndo echo $arg\ndone")
    assert isinstance(bare, For) and bare.items is None
    assert isinstance(only("while read l; do echo $l; done <f"), While)
    assert isinstance(only("until false; do :; done"), Until)


def test_case_statement():
    item = only('case "$ARCH" in\n  amd64|x86_64) a=1 ;;\n  (arm*) a=2;;\n  *) a=3\nesac')
    assert isinstance(item, Case)
    assert item.subject.code == '"$ARCH"'
    assert [[p.code for p in c.patterns] for c in item.clauses] == [["amd64", "x86_64"], ["arm*"], ["*"]]
    assert [c.terminator for c in item.clauses] == [";;", ";;", ""]
    assert [c.body.items[0].code for c in item.clauses] == ["a=1", "a=2", "a=3"]


def test_function_definitions():
    item = only("install_deps() { apt-get install -y x; }")
    assert isinstance(item, FunctionDef)
    assert item.name == "install_deps"
    assert isinstance(item.body, BraceGroup)
    assert isinstance(only("function f { true; }"), FunctionDef)


def test_bash_conditional_and_arithmetic_commands():
    item = only('[[ "$a" == b* && -n $c ]]')
    assert isinstance(item, DoubleBracket)
    assert [w.code for w in item.words] == ['"$a"', "==", "b*", "-n", "$c"]
    assert isinstance(only("(( i += 1 ))"), ArithmeticCommand)


def test_nested_subshells_are_not_arithmetic():
    item = only("((cd a) && (cd b))")
    assert isinstance(item, Subshell)


def test_array_assignment():
    cmd = only('A=(one "two three" [k]=v)')
    (array,) = cmd.assignments[0].value.parts
    assert isinstance(array, ArrayLiteral)
    assert [w.value for w in array.words] == ["one", "two three", "[k]=v"]


def test_comments_are_nodes():
    script = parsed("# lead\napt-get update # trailing\n# between\necho x")
    comments = [n.text for n in iter_nodes(script) if isinstance(n, Comment)]
    assert comments == ["# lead", "# trailing", "# between"]
    assert [i.code for i in script.body.items] == ["apt-get update", "echo x"]


def test_hash_inside_a_word_is_not_a_comment():
    cmd = only("echo a#b")
    assert [w.value for w in cmd.words] == ["echo", "a#b"]


def test_heredoc_body_follows_the_line():
    text = "cat <<EOF > /etc/conf && echo ok\nkey=$value\nEOF\necho next\n"
    script = parsed(text)
    assert [i.code for i in script.body.items] == ["cat <<EOF > /etc/conf", "echo ok", "echo next"]
    (doc,) = script.heredocs
    assert isinstance(doc, HereDoc)
    assert doc.text == "key=$value\nEOF\n"
    assert doc.delimiter == "EOF"
    assert doc.redirect_start == text.index("<<")


def test_heredoc_with_quoted_delimiter_and_tab_stripping():
    script = parsed("cat <<-'END'\n\tline\n\tEND\necho after")
    assert script.heredocs[0].delimiter == "END"
    assert script.body.items[-1].code == "echo after"


def test_multi_line_script_with_set_e():
    text = "set -eux\napt-get update\napt-get install -y \\\n  curl\n\nrm -rf /var/lib/apt/lists/*\n"
    script = parsed(text)
    assert [i.code for i in script.body.items] == [
        "set -eux", "apt-get update", "apt-get install -y \\\n  curl", "rm -rf /var/lib/apt/lists/*"]
    assert [w.value for w in script.body.items[2].words] == ["apt-get", "install", "-y", "curl"]


def test_and_at_line_start_after_docker_joined_the_lines():
    script = parsed("apt-get update     && apt-get install -y curl     && rm -rf /var/lib/apt/lists/*")
    assert [op.op for op in script.body.operators] == ["&&", "&&"]


def test_closing_keyword_right_after_a_compound():
    script = parsed("for a in 1; do for b in 2; do echo; done done && if x; then (y) fi")
    assert not script.has_opaque
    assert [type(i) for i in script.body.items] == [For, If]


@pytest.mark.parametrize("text", [
    "echo 'unterminated",
    'echo "unterminated',
    "echo $(unterminated",
    "a &&",
    "echo a )",
    "if true; then echo",
    "for ((i=0; i<3; i++)); do echo; done",
    "select x in a b; do echo; done",
    "cmd ;; other",
    "{ echo }",
])
def test_malformed_text_becomes_opaque(text):
    script = parsed(text)
    assert script.has_opaque
    assert any(isinstance(n, Opaque) for n in iter_nodes(script))


def test_opaque_spans_one_command_and_parsing_resumes():
    script = parsed("apt-get update && echo 'a' b) && apt-get install -y curl")
    kinds = [type(i).__name__ for i in script.body.items]
    assert kinds == ["SimpleCommand", "Opaque", "SimpleCommand"]
    assert script.body.items[1].code == "echo 'a' b)"


def test_unbalanced_parenthesis_makes_the_rest_opaque():
    script = parsed("apt-get update && x=( && apt-get install -y curl")
    assert [i.code for i in script.body.items] == ["apt-get update", "x=( && apt-get install -y curl"]


def test_opaque_inside_compound_keeps_the_compound():
    script = parsed("if true; then echo a b) ; fi; echo ok")
    first = script.body.items[0]
    assert isinstance(first, If)
    assert isinstance(first.branches[0].items[0], Opaque)
    assert script.body.items[1].code == "echo ok"


def test_process_substitution_is_parsed():
    cmd = only("diff <(ls a) <(ls b)")
    subs = [s for w in cmd.words for s in w.substitutions()]
    assert [s.body.items[0].code for s in subs] == ["ls a", "ls b"]
