"""Round-trip and structure properties over random text and generated shell scripts."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from slimfix.shell import classify, walk_commands

from .lossless import parsed

_PIECES = list("abcxyz019 \t\n;&|()<>'\"\\$`{}[]#=*!~-/.,:@%^?+") + [
    "&&", "||", ";;", "$(", "${", "$((", "))", "((", "[[ ", " ]]", "<<EOF\n", "\nEOF\n", "<<-X\n", "<(", "2>&1",
    "if ", " then ", " elif ", " else ", " fi", " do ", " done", "case ", " in ", " esac", "for ", "while ",
    "until ", "function ", "{ ", " }", "! ", "apt-get install -y ", "rm -rf /var/lib/apt/lists/* ", "A=(",
    "\\\n", "# c\n", "é", "\x00",
]
_SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_SETTINGS
@given(st.lists(st.sampled_from(_PIECES), max_size=40).map("".join))
def test_shell_like_text_round_trips(text):
    script = parsed(text)
    for ctx in walk_commands(script):
        classify(ctx.command)


@_SETTINGS
@given(st.text(max_size=80))
def test_arbitrary_text_round_trips(text):
    parsed(text)


# --- generated valid scripts: (text, commands in walk order) ----------------------------------------

_NAMES = ["echo", "apt-get", "apk", "pip", "rm", "cd", "true", "make", "/usr/bin/env"]
_ARGS = ["install", "-y", "--no-cache", "curl", "pkg=1.2", "/var/lib/apt/lists/*", "'single quoted'",
         '"double $HOME"', "$VAR", "${X:-y}", "a\\ b", ">/dev/null", "2>&1", "x=1", "--opt=v", "$((1+2))"]


def _simple(name, args):
    text = " ".join([name] + [t for t, _ in args])
    return text, [text] + [c for _, cs in args for c in cs]


def _joined(first, rest):
    text = first[0] + "".join(j + t for j, (t, _) in rest)
    return text, first[1] + [c for _, (_, cs) in rest for c in cs]


def _wrap(template):
    def build(*lists):
        return template.format(*(t for t, _ in lists)), [c for _, cs in lists for c in cs]
    return build


def _substitution(lst):
    text = lst[0]
    return ("$( " if text.startswith("(") else "$(") + text + ")", lst[1]  # "$((" starts arithmetic


_plain_words = st.one_of(st.sampled_from(_ARGS).map(lambda w: (w, [])), st.just(("`uname -m`", ["uname -m"])))
_plain_simples = st.builds(_simple, st.sampled_from(_NAMES), st.lists(_plain_words, max_size=4))
_pipelines = st.lists(_plain_simples, min_size=1, max_size=3).map(
    lambda ps: (" | ".join(t for t, _ in ps), [c for _, cs in ps for c in cs]))
_JOINERS = st.sampled_from([" && ", " || ", "; ", "\n", " & ", " &&\n  "])


def _extend(lists):
    return st.one_of(
        st.builds(_joined, lists, st.lists(st.tuples(_JOINERS, lists), min_size=1, max_size=2)),
        st.builds(_simple, st.sampled_from(_NAMES), st.lists(st.one_of(_plain_words, lists.map(_substitution)),
                                                            min_size=1, max_size=3)),
        st.builds(_wrap("( {} )"), lists),
        st.builds(_wrap("{{ {}; }}"), lists),
        st.builds(_wrap("if {}; then {}; fi"), lists, lists),
        st.builds(_wrap("if {}; then {}; else {}; fi"), lists, lists, lists),
        st.builds(_wrap("for x in a 'b c'; do {}; done"), lists),
        st.builds(_wrap("while {}; do {}; done"), lists, lists),
        st.builds(_wrap('case "$x" in\n  a|b) {} ;;\n  *) {};;\nesac'), lists, lists),
        st.builds(_wrap("f() {{ {}; }}"), lists),
    )


_scripts = st.recursive(_pipelines, _extend, max_leaves=8)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_scripts)
def test_generated_scripts_parse_fully(script_and_commands):
    text, commands = script_and_commands
    script = parsed(text)
    assert not script.has_opaque
    assert [c.command.code for c in walk_commands(script)] == commands
