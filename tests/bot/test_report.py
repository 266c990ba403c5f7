"""The campaign report's JSON and HTML, from outcomes with estimated and measured savings."""

from __future__ import annotations

import json
import re

from slimfix.bot import report
from slimfix.bot.outcome import FileOutcome, Outcome

MB = 1_000_000


def outcomes():
    first = FileOutcome("Dockerfile", {"SF001": 2, "SF002": 1}, 40 * MB, 30 * MB)
    return [
        Outcome("u1", "g/a", action="create", request_url="https://forge/g/a/-/merge_requests/1", files=[first]),
        Outcome("u2", "g/<b>", action="update", files=[FileOutcome("x/Dockerfile", {"SF003": 1}, 10 * MB, None)]),
        Outcome("u3", "g/c", status="failed", message="no permission on g/c"),
        Outcome("u4", "g/d", status="skipped", message="archived"),
    ]


def test_json_summary_and_rows() -> None:
    data = json.loads(report.to_json(outcomes()))
    assert data["summary"] == {
        "repositories": 4,
        "statuses": {"ok": 2, "failed": 1, "skipped": 1},
        "requests": 1,
        "fixes": 4,
        "estimated": 50 * MB,
        "measured": 30 * MB,
    }
    rows = {r["name"]: r for r in data["repositories"]}
    assert rows["g/a"]["measured"] == 30 * MB and rows["g/<b>"]["measured"] is None
    assert Outcome.from_json(rows["g/a"]) == outcomes()[0]  # the state file reads it back


def test_html_has_a_bar_per_figure_scaled_to_the_largest() -> None:
    page = report.to_html(outcomes())
    bars = re.findall(r'<rect class="bar (\w+)" x="\d+" y="\d+" width="(\d+)"', page)
    plot = report.PLOT
    widths = [str(plot), str(plot * 3 // 4), str(plot // 4), "0"]
    assert bars == list(zip(["estimated", "measured"] * 2, widths))
    assert "g/&lt;b&gt;" in page and "g/<b>" not in page  # names are escaped
    assert '<a href="https://forge/g/a/-/merge_requests/1">' in page
    assert "<th>Measured savings</th>" in page and "no permission on g/c" in page
    assert "<script" not in page and "src=" not in page and "@import" not in page
