from __future__ import annotations

import pytest

from slimfix.verify.compare import attribute, describe, difference
from slimfix.verify.image import HistoryEntry, ImageLayers, Layer
from slimfix.verify.instructions import final_stage, read_instructions


@pytest.mark.parametrize(
    ("created_by", "instruction"),
    [
        ("/bin/sh -c apt-get update", "RUN apt-get update"),
        ("/bin/sh -c #(nop) COPY dir:0a1b in /usr/local ", "COPY dir:0a1b in /usr/local"),
        ('/bin/sh -c #(nop)  CMD ["psql"]', 'CMD ["psql"]'),
        ("|2 A=1 B=2 /bin/sh -c make", "RUN make"),
        ("RUN /bin/sh -c apt-get update # buildkit", "RUN apt-get update"),
        ("RUN |1 V=3 /bin/sh -c pip install x==$V # buildkit", "RUN pip install x==$V"),
        ("COPY /install /usr/local # buildkit", "COPY /install /usr/local"),
        ("WORKDIR /app", "WORKDIR /app"),
        ("/bin/sh", "/bin/sh"),
    ],
)
def test_describe_history_entries(created_by, instruction):
    assert describe(created_by) == instruction


def image(entries: list[tuple[str, int | None]]) -> ImageLayers:
    """History entries with the size of the layer each made (None: empty layer)."""
    history = [HistoryEntry(created_by, size is None) for created_by, size in entries]
    layers = [
        Layer(f"sha256:{i}", size, created_by)
        for i, (created_by, size) in enumerate(entries)
        if size is not None
    ]
    return ImageLayers(layers, history)


DOCKERFILE = """\
FROM debian:bookworm
ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update
RUN apt-get install -y \\
      curl
COPY app /app
CMD ["/app/run"]
"""


def stage(text: str = DOCKERFILE):
    return final_stage(read_instructions(text))


def test_layers_are_named_after_their_instruction_and_base_layers_after_from():
    built = image(
        [
            ("/bin/sh -c #(nop) ADD file:1 in / ", 80),
            ('/bin/sh -c #(nop)  CMD ["bash"]', None),
            ("/bin/sh -c #(nop) ENV DEBIAN_FRONTEND=noninteractive", None),
            ("/bin/sh -c apt-get update", 20),
            ("/bin/sh -c apt-get install -y curl", 30),
            ("/bin/sh -c #(nop) COPY dir:9 in /app ", 5),
            ('/bin/sh -c #(nop) CMD ["/app/run"]', None),
        ]
    )
    summary = attribute(built, stage())
    assert [(layer.line, layer.instruction, layer.size) for layer in summary.layers] == [
        (None, "FROM debian:bookworm", 80),
        (3, "RUN apt-get update", 20),
        (4, "RUN apt-get install -y curl", 30),
        (6, "COPY app /app", 5),
    ]
    assert summary.base_size == 80 and summary.own_size == 55 and summary.total_size == 135


def test_base_run_layers_are_not_taken_for_the_dockerfile_runs():
    # The base image also ran commands; only the exact ones of this Dockerfile are its own.
    built = image(
        [
            ("/bin/sh -c apt-get update", 10),
            ("/bin/sh -c apt-get install -y curl", 10),
            ("/bin/sh -c apt-get update", 20),
            ("/bin/sh -c apt-get install -y curl", 30),
            ("/bin/sh -c #(nop) COPY dir:9 in /app ", 5),
        ]
    )
    summary = attribute(built, stage())
    assert [layer.line for layer in summary.layers] == [None, None, 3, 4, 6]


def test_buildkit_history_without_entries_for_some_instructions():
    built = image(
        [
            ("ADD rootfs.tar / # buildkit", 80),
            ("RUN /bin/sh -c apt-get update # buildkit", 20),
            ("RUN /bin/sh -c apt-get install -y curl # buildkit", 30),
            ("COPY app /app # buildkit", 5),
            ('CMD ["/app/run"]', None),
        ]
    )
    summary = attribute(built, stage())
    assert [layer.line for layer in summary.layers] == [None, 3, 4, 6]


@pytest.mark.parametrize(
    "recorded",
    ["/bin/setup --all", '/bin/sh -c ["/bin/setup", "--all"]'],  # docker, buildah
)
def test_exec_form_run_and_mount_flags_match_by_keyword_and_command(recorded):
    text = 'FROM x\nRUN ["/bin/setup", "--all"]\nRUN --mount=type=cache,target=/root/.cache pip install a\n'
    built = image([("/bin/sh", 7), (recorded, 2), ("/bin/sh -c pip install a", 3)])
    assert [layer.line for layer in attribute(built, stage(text)).layers] == [None, 2, 3]


def test_a_different_run_command_is_not_matched():
    text = "FROM x\nRUN make install\n"
    built = image([("/bin/sh", 7), ("/bin/sh -c make test", 2)])
    assert [layer.line for layer in attribute(built, stage(text)).layers] == [None, None]


def test_layers_without_history_all_count_as_base():
    built = ImageLayers([Layer("d0", 5, ""), Layer("d1", 6, "")], [])
    summary = attribute(built, stage())
    assert all(layer.from_base for layer in summary.layers)
    assert summary.own_size == 0


def test_difference_splits_base_and_own_layers():
    before = attribute(
        image(
            [
                ("/bin/sh", 100),
                ("/bin/sh -c apt-get update", 20),
                ("/bin/sh -c apt-get install -y curl", 30),
            ]
        ),
        stage(),
    )
    after_text = "FROM debian:bookworm\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n"
    after = attribute(
        image(
            [
                ("/bin/sh", 100),
                (
                    "/bin/sh -c apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*",
                    31,
                ),
            ]
        ),
        stage(after_text),
    )
    change = difference(before, after)
    assert (change.total, change.base, change.own) == (-19, 0, -19)
    assert change.percent == pytest.approx(-12.666, abs=0.01)
    assert change.smaller
    assert not difference(after, after).smaller
