from slimfix import parse
from slimfix.semantics.run import detect_style, shell_of_stages
from slimfix.semantics.context import FileContext
from slimfix.semantics.stages import reaching_stages


def reach(text: str) -> set:
    return reaching_stages(parse(text))


def test_single_stage_reaches():
    assert reach("FROM alpine\nRUN true\n") == {0}


def test_builder_copied_from_reaches_but_unused_stage_does_not():
    text = (
        "FROM golang AS build\nRUN go build\n"
        "FROM alpine AS unused\nRUN true\n"
        "FROM alpine\nCOPY --from=build /out /out\n"
    )
    assert reach(text) == {0, 2}


def test_from_chain_reaches_and_index_reference_counts():
    text = "FROM debian AS base\nFROM base AS mid\nFROM alpine AS other\nFROM mid\nCOPY --from=2 /x /x\n"
    assert reach(text) == {0, 1, 2, 3}


def test_stage_names_are_case_insensitive():
    assert reach("FROM debian AS Base\nFROM base\n") == {0, 1}


def test_empty_file_has_no_stages():
    assert reach("") == set()
    assert reach("# only a comment\n") == set()


def test_shell_instruction_switches_posix_off_and_children_inherit():
    tree = parse(
        'FROM debian AS a\nRUN one\nSHELL ["pwsh", "-c"]\nRUN two\nFROM a\nRUN three\n'
        'FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN four\n'
    )
    posix = shell_of_stages(tree)
    by_text = {i.original: posix[id(i)] for i in tree.instructions if i.keyword == "RUN"}
    assert by_text == {"RUN one": True, "RUN two": False, "RUN three": False, "RUN four": False}


def test_shell_back_to_bash_is_posix():
    tree = parse('FROM debian\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\nRUN x | y\n')
    posix = shell_of_stages(tree)
    assert posix[id(tree.instructions[-1])] is True


def _style(text: str):
    return detect_style(parse(text).instructions[-1])


def test_style_single_line():
    style = _style("FROM a\nRUN apt-get update\n")
    assert not style.multiline and style.joiner == " && "


def test_style_leading_operators_keep_indent_and_newline():
    style = _style("FROM a\r\nRUN apt-get update \\\r\n\t&& apt-get install -y x\r\n")
    assert style.joiner == " \\\r\n\t&& "
    assert style.newline == "\r\n"


def test_style_trailing_operators():
    style = _style("FROM a\nRUN apt-get update && \\\n  apt-get install -y x\n")
    assert style.joiner == " && \\\n  "


def test_style_backtick_escape():
    style = _style("# escape=`\nFROM a\nRUN a `\n    && b\n")
    assert style.joiner == " `\n    && "


def test_style_package_list_without_operators_uses_a_default_indent():
    style = _style("FROM a\nRUN apt-get install -y \\\n      curl \\\n      git\n")
    assert style.joiner == " \\\n    && "


def test_stage_ancestry_on_the_file_context():
    text = (
        "FROM debian:bookworm AS base\nRUN a\n"
        "FROM base AS build\nRUN b\n"
        "FROM alpine AS other\n"
        "FROM build\nRUN c\n"
    )
    ctx = FileContext(parse(text))
    base, build, other, final = ctx.tree.stages
    assert [s.index for s in ctx.ancestry(final)] == [3, 1, 0]
    assert ctx.root_image(final) == "debian:bookworm" and ctx.root_image(other) == "alpine"
    assert [s.index for s in ctx.family(base)] == [0, 1, 3]
    assert ctx.final_lineage() == [0, 1, 3]
    run_c = final.instructions[-1]
    assert [i.code.strip() for i in ctx.lineage(run_c)] == ["RUN a", "RUN b"]
    assert [run.instruction.code.strip() for run in ctx.runs()] == ["RUN a", "RUN b", "RUN c"]


def test_working_directory_follows_workdir_through_stages():
    text = ("FROM debian AS base\nRUN a\nWORKDIR /app\nWORKDIR src/\nRUN b\n"
            "FROM base\nRUN c\nWORKDIR $HOME\nRUN d\nWORKDIR //opt/x/..\nRUN e\nWORKDIR \"q\"\nRUN f\n"
            "FROM debian\nWORKDIR rel\nRUN g\n")
    ctx = FileContext(parse(text))
    runs = {i.value[0]: i for i in ctx.tree.instructions if i.keyword == "RUN"}
    seen = {name: (ctx.workdir(i), ctx.workdir_from_root(i)) for name, i in runs.items()}
    assert seen == {
        "a": (None, "/"),            # a base image's: unknown, or taken to be "/"
        "b": ("/app/src", "/app/src"),
        "c": ("/app/src", "/app/src"),  # a stage built FROM another starts where it ended
        "d": (None, None),           # a variable
        "e": ("/opt", "/opt"),       # an absolute WORKDIR makes it known again; `//` is `/`
        "f": (None, None),           # quoted: not read
        "g": (None, "/rel"),
    }
