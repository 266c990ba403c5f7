"""Generated Dockerfiles: round trip, only ParseError escapes, agreement with BuildKit."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import slimfix
from .agreement import disagreements
from .buildkit_head import CannotEmulate

KEYWORDS = tuple(
    "FROM RUN CMD ENTRYPOINT SHELL COPY ADD ENV LABEL ARG EXPOSE USER WORKDIR VOLUME "
    "STOPSIGNAL HEALTHCHECK ONBUILD MAINTAINER".split()
)
FLAGS = (
    "--mount=type=cache,target=/root/.cache", "--mount=type=secret,id=t", "--from=build",
    "--chmod=755", "--chown=1000:1000", "--link", "--network=none", "--security=insecure",
    "--parents", "--exclude=*.md", "--checksum=sha256:00", "--platform=linux/amd64",
    '--chown="a b"', "--", "--interval=5s",
)
WORDS = (
    "alpine", "echo", "hi", "$HOME", "${A:-b}", "${v%.*}", "a=b", "'q w'", '"x y"', "&&", "|",
    ">", "--no-cache", "#", "[", "]", "=", "caf\u00e9", "\u65e5\u672c", "\\$", "<", "3", "\u00a0",
    "/src", "/dst/", "AS", "as", "NONE", "CMD",
)
NAMES = ("EOF", "END", "a.txt", "X_1")
HEREDOC_KEYWORDS = ("RUN", "COPY", "ADD")

settings.register_profile(
    "syntax", max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
PROFILE = settings.get_profile("syntax")

fragments = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\x00"), max_size=12
)
newlines = st.sampled_from(["\n", "\n", "\n", "\r\n"])


def cased(keyword: str):
    return st.sampled_from([keyword, keyword.lower(), keyword.capitalize()])


@st.composite
def arguments(draw, keyword: str) -> str:
    kind = draw(st.sampled_from(["words", "words", "json", "json+text", "pairs", "legacy", "text"]))
    words = draw(st.lists(st.sampled_from(WORDS) | fragments.filter(str.strip), max_size=4))
    if kind == "json":
        return json.dumps(draw(st.lists(st.sampled_from(WORDS) | fragments, max_size=3)))
    if kind == "json+text":
        return json.dumps(words) + draw(st.sampled_from([" x", "]", " [1]", ""]))
    if kind == "pairs":
        return " ".join(f"K{n}={w}" for n, w in enumerate(words or ["v"]))
    if kind == "legacy":
        return "KEY " + " ".join(words or ["value"])
    if kind == "text":
        return draw(fragments)
    return " ".join(words)


@st.composite
def heredoc_parts(draw) -> tuple:
    """(markers for the instruction line, body lines after it)."""
    markers, bodies = [], []
    for _ in range(draw(st.integers(1, 2))):
        name = draw(st.sampled_from(NAMES))
        chomp = draw(st.booleans())
        quote = draw(st.sampled_from(["", '"', "'"]))
        fd = draw(st.sampled_from(["", "", "3"]))
        space = draw(st.sampled_from(["", "", " "]))
        markers.append(f"{fd}<<{'-' if chomp else ''}{space}{quote}{name}{quote}")
        body = draw(st.lists(st.sampled_from(WORDS) | fragments, max_size=3))
        indent = "\t" if chomp and draw(st.booleans()) else ""
        terminated = draw(st.integers(0, 9)) > 0
        bodies.extend(body + ([indent + name] if terminated else []))
    return markers, bodies


@st.composite
def instruction(draw, escape: str, allow_onbuild: bool = True) -> tuple:
    """(logical text of the instruction, extra lines after it)."""
    keyword = draw(st.sampled_from(KEYWORDS + ("FOO",) if allow_onbuild else KEYWORDS[:-2]))
    if keyword == "ONBUILD" and allow_onbuild:
        inner, extra = draw(instruction(escape, allow_onbuild=False))
        return draw(cased("ONBUILD")) + " " + inner, extra
    flags = draw(st.lists(st.sampled_from(FLAGS), max_size=3))
    if keyword == "FROM":
        args = draw(st.sampled_from(["alpine", "alpine AS base", "base as Two", "${IMG}"]))
    elif keyword == "HEALTHCHECK":
        args = draw(st.sampled_from(["NONE", "CMD true"]) | arguments("CMD").map("CMD ".__add__))
    else:
        args = draw(arguments(keyword))
    extra: list = []
    if keyword in HEREDOC_KEYWORDS and draw(st.integers(0, 3)) == 0:
        markers, extra = draw(heredoc_parts())
        args = " ".join(markers) + " " + args
    words = [draw(cased(keyword))] + flags + ([args] if args else [])
    return " ".join(words), extra


@st.composite
def physical(draw, logical: str, escape: str) -> list:
    """Break a logical line at spaces into continued physical lines."""
    pieces = logical.split(" ")
    lines, current = [], pieces[0]
    for piece in pieces[1:]:
        if draw(st.integers(0, 4)) == 0:
            trailing = draw(st.sampled_from(["", "", " ", "\t "]))
            lines.append(current + " " + escape + trailing)
            lines.extend(draw(st.lists(st.sampled_from(["# inside", "   # indented", "", "  "]), max_size=2)))
            current = draw(st.sampled_from(["", "  ", "\t"])) + piece
        else:
            current += " " + piece
    lines.append(current)
    if draw(st.integers(0, 19)) == 0:
        lines[-1] += " " + escape  # continuation at the end
    return lines


@st.composite
def header(draw) -> tuple:
    """(directive lines, escape token)."""
    lines, escape = [], "\\"
    for name in draw(st.lists(st.sampled_from(["syntax", "escape", "check", "syntax", "foo"]), max_size=3)):
        value = {"syntax": "docker/dockerfile:1", "check": "skip=all", "foo": "bar"}.get(name)
        if name == "escape":
            value = draw(st.sampled_from(["`", "\\", "`", "x"]))
            escape = value if value in ("`", "\\") else escape
        spacing = draw(st.sampled_from(["", " ", "  ", "\u00a0"]))
        lines.append(f"#{spacing}{draw(cased(name))}={value}")
    return lines, escape


@st.composite
def dockerfiles(draw) -> str:
    directive_lines, escape = draw(header())
    lines = list(directive_lines)
    for _ in range(draw(st.integers(0, 6))):
        item = draw(st.sampled_from(["instruction"] * 4 + ["comment", "blank", "text"]))
        if item == "comment":
            lines.append(draw(st.sampled_from(["# c", "  # indented", "#"])) + draw(fragments))
        elif item == "blank":
            lines.append(draw(st.sampled_from(["", " ", "\t"])))
        elif item == "text":
            lines.append(draw(fragments))
        else:
            logical, extra = draw(instruction(escape))
            lines.extend(draw(physical(logical, escape)))
            lines.extend(extra)
    text = "".join(line + draw(newlines) for line in lines)
    if text and draw(st.integers(0, 4)) == 0:
        text = text.rstrip("\r\n")
    if draw(st.integers(0, 9)) == 0:
        text = "\ufeff" + text
    return text


def check(text: str) -> None:
    try:
        tree = slimfix.parse(text)
    except slimfix.ParseError as error:
        assert error.line >= 1
    else:
        assert tree.code == text
    try:
        problems = disagreements(text)
    except CannotEmulate:
        return
    assert problems == []


@PROFILE
@given(dockerfiles())
def test_generated_dockerfiles(text):
    check(text)


@settings(PROFILE, max_examples=60)
@given(st.text(st.sampled_from("FROM RUN COPY a=b \\`#<>\"'[]{}$\t\r\n\u00a0\ufeff"), max_size=60))
def test_random_text(text):
    """Character soup (no ENV/LABEL, which the known separator bug would trip)."""
    check(text)
