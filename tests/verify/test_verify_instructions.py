from __future__ import annotations

from slimfix.verify.instructions import final_stage, read_instructions


def test_continuations_are_joined_and_comments_inside_them_dropped():
    text = (
        "FROM debian:bookworm\n"
        "# a comment\n"
        "RUN apt-get update \\\n"
        "# between continuation lines\n"
        "    && apt-get install -y curl\n"
        "\n"
        'CMD ["curl"]\n'
    )
    instructions = read_instructions(text)
    assert [(i.keyword, i.line) for i in instructions] == [("FROM", 1), ("RUN", 3), ("CMD", 7)]
    # the logical line as Docker reads it; the display text squeezes the blanks
    assert instructions[1].arguments == "apt-get update     && apt-get install -y curl"
    assert instructions[1].text == "RUN apt-get update && apt-get install -y curl"


def test_escape_directive_changes_the_continuation_character():
    text = "# escape=`\nFROM mcr.example/windows\nRUN dir `\n  C:\\\nCOPY a b\n"
    instructions = read_instructions(text)
    assert [i.keyword for i in instructions] == ["FROM", "RUN", "COPY"]
    assert instructions[1].arguments == "dir   C:\\"


def test_stages_are_numbered_and_the_final_stage_starts_with_its_from():
    text = "FROM a AS build\nRUN make\nFROM b\nCOPY --from=build /out /out\nCMD x\n"
    instructions = read_instructions(text)
    assert [i.stage for i in instructions] == [0, 0, 1, 1, 1]
    assert [i.text for i in final_stage(instructions)] == [
        "FROM b",
        "COPY --from=build /out /out",
        "CMD x",
    ]


def test_heredoc_bodies_are_not_read_as_instructions():
    text = "FROM a\nRUN <<EOF\necho one\nCOPY not an instruction\nEOF\nRUN <<-'END' cat\n\tbody\n\tEND\nCMD x\n"
    instructions = read_instructions(text)
    assert [(i.keyword, i.heredoc) for i in instructions] == [
        ("FROM", False),
        ("RUN", True),
        ("RUN", True),
        ("CMD", False),
    ]
    assert instructions[-1].line == 9


def test_flags_before_the_arguments():
    [copy] = read_instructions("COPY --link --chown=1:1 src /dst\n")
    assert copy.flags() == ["link", "chown"]
    assert final_stage([]) == []
