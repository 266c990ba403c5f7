from __future__ import annotations

import json
from xml.etree import ElementTree

import pytest

from slimfix.verify.compare import AttributedLayer, ImageSummary, difference
from slimfix.verify.plot import render_svg
from slimfix.verify.report import (
    ImageReport,
    VerifyReport,
    human_size,
    render_json,
    render_markdown,
    render_table,
)
from slimfix.verify.smoke import SmokeResult, SmokeRun, smoke_argv

BASE = AttributedLayer(121_500_000, "FROM debian:bookworm", None, "sha256:b")
BEFORE = ImageSummary(
    220_100_000,
    [
        BASE,
        AttributedLayer(19_900_000, "RUN apt-get update", 2, "sha256:u"),
        AttributedLayer(78_700_000, "RUN apt-get install -y postgresql-client", 3, "sha256:i"),
    ],
)
LONG_RUN = "RUN echo go | cat && apt-get update && apt-get install -y postgresql-client && rm -rf /var/lib/apt/lists/*"
AFTER = ImageSummary(200_200_000, [BASE, AttributedLayer(78_700_000, LONG_RUN, 2, "sha256:m")])
PASSED = SmokeResult(
    ["psql", "--version"], SmokeRun(0, "psql 15\n"), SmokeRun(0, "psql 15\n"), False
)


def report(smoke=PASSED, rewritten=AFTER, log=""):
    change = difference(BEFORE, rewritten) if rewritten else None
    return VerifyReport(
        "buildah",
        "1.28.2",
        ImageReport("original", BEFORE),
        ImageReport("rewritten", rewritten, log),
        change,
        smoke,
    )


@pytest.mark.parametrize(
    ("size", "signed", "text"),
    [
        (0, False, "0 B"),
        (999, False, "999 B"),
        (1_500, False, "1.5 kB"),
        (19_900_000, True, "+19.9 MB"),
        (-19_900_000, True, "-19.9 MB"),
        (0, True, "±0 B"),
        (2_500_000_000, False, "2.5 GB"),
    ],
)
def test_human_size(size, signed, text):
    assert human_size(size, signed) == text


def test_table_lists_every_layer_with_its_line_and_the_difference():
    table = render_table(report())
    assert "built with buildah 1.28.2" in table
    assert "original: 220.1 MB" in table and "rewritten: 200.2 MB" in table
    assert "19.9 MB  line 2     RUN apt-get update" in table
    assert "121.5 MB  base       FROM debian:bookworm" in table
    assert "difference: -19.9 MB (-9.0%); base ±0 B, own layers -19.9 MB" in table
    assert "smoke `psql --version`: passed, same exit status 0" in table
    assert table.rstrip().endswith("verdict: smaller — rewrite recommended")
    assert max(len(line) for line in table.splitlines()) < 110  # long instructions are shortened
    assert "…" in table


def test_json_has_sizes_layers_and_verdict():
    data = json.loads(render_json(report()))
    assert data["verdict"] == "smaller" and data["recommended"] is True
    assert data["builder"] == {"name": "buildah", "version": "1.28.2"}
    assert data["original"]["total_size"] == 220_100_000
    assert data["original"]["layers"][1] == {
        "size": 19_900_000,
        "instruction": "RUN apt-get update",
        "line": 2,
        "from_base": False,
        "digest": "sha256:u",
    }
    assert data["difference"] == {
        "total": -19_900_000,
        "base": 0,
        "own": -19_900_000,
        "percent": -9.04,
    }
    assert data["smoke"]["passed"] is True and data["smoke"]["original"]["exit_code"] == 0


def test_markdown_summary_for_a_merge_request():
    text = render_markdown(report())
    first = text.splitlines()[0]
    assert first == "**Image size: 220.1 MB → 200.2 MB (-19.9 MB, -9.0%)**"
    assert "smoke test `psql --version`: passed" in text
    assert "| 19.9 MB | 2 | `RUN apt-get update` |" in text
    assert "\\|" in text  # a pipe inside an instruction does not break the table
    assert text.count("<details>") == text.count("</details>") == 1


def test_breaking_rewrite_shows_the_build_log_and_is_not_recommended():
    broken = report(smoke=None, rewritten=None, log="E: Unable to locate package postgresql-client")
    assert broken.verdict == "breaking" and not broken.recommended
    table = render_table(broken)
    assert "rewritten: BUILD FAILED" in table and "  | E: Unable to locate package" in table
    assert "not recommended" in table
    markdown = render_markdown(broken)
    assert markdown.startswith("**The rewritten Dockerfile does not build")
    assert "```text\nE: Unable to locate package postgresql-client\n```" in markdown
    data = json.loads(render_json(broken))
    assert data["rewritten"] == {
        "built": False,
        "build_log": "E: Unable to locate package postgresql-client",
    }
    assert data["difference"] is None


def test_failed_smoke_is_explained():
    failed = SmokeResult(["psql"], SmokeRun(0, ""), SmokeRun(127, "not found"), False)
    text = render_table(report(smoke=failed))
    assert "smoke `psql`: FAILED, exit status differs: 0 (original) vs 127 (rewritten)" in text
    assert "verdict: breaking" in text
    assert "**failed**" in render_markdown(report(smoke=failed))


def test_smoke_that_fails_in_both_images_passes_but_says_so():
    both = SmokeResult(["x"], SmokeRun(2, ""), SmokeRun(2, ""), False)
    assert both.passed and both.explain() == "same exit status 2 (the original fails too)"


def test_smoke_command_is_split_like_a_shell_would():
    assert smoke_argv("python -c 'import x; print(1)'") == ["python", "-c", "import x; print(1)"]
    with pytest.raises(ValueError):
        smoke_argv("  ")


def test_plot_has_one_bar_per_layer_of_each_image():
    svg = render_svg(report())
    root = ElementTree.fromstring(svg)
    bars = [
        e
        for e in root.iter("{http://www.w3.org/2000/svg}rect")
        if e.get("x") != "0" and e.get("height") == "16"
    ]
    assert len(bars) == len(BEFORE.layers) + len(AFTER.layers)
    widths = [float(bar.get("width")) for bar in bars]
    assert max(widths) == widths[0]  # the base layer is the largest
    assert "original: 220.1 MB" in svg and "rewritten: 200.2 MB" in svg
