"""The campaign report as a browser shows it: headless Chromium (Debian's
package, installed by scripts/setup-browser.sh) renders the page; the DOM it
builds and a screenshot show the table and the bar chart."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import List, Tuple

import pytest

from slimfix.bot.report import ESTIMATED, LABEL, PLOT

from .conftest import run_bot
from .png import Pixel, read_png
from .test_campaign_local import bare_repos

WIDTH, HEIGHT = 1000, 900


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    pytest.skip("no Chromium: scripts/setup-browser.sh installs Debian's chromium (needs root and apt-get)")


def browse(page: Path, tmp_path: Path, *flags: str) -> subprocess.CompletedProcess:
    argv = [
        chromium(),
        "--headless",
        "--no-sandbox",  # tests may run as root, where Chromium's sandbox cannot start
        "--disable-gpu",
        "--hide-scrollbars",
        "--no-first-run",
        f"--user-data-dir={tmp_path / 'profile'}",
        f"--window-size={WIDTH},{HEIGHT}",
        *flags,
        page.as_uri(),
    ]
    proc = subprocess.run(argv, capture_output=True, timeout=180, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")[-2000:]
    return proc


def _rgb(colour: str) -> Pixel:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def bar_runs(rows: List[List[Pixel]], colour: Pixel) -> List[Tuple[int, int, int]]:
    """(first row, last row, longest run) of each band of rows that hold ``colour``."""
    bands: List[Tuple[int, int, int]] = []
    for y, row in enumerate(rows):
        longest = run = 0
        for pixel in row:
            run = run + 1 if pixel == colour else 0
            longest = max(longest, run)
        if longest:
            if bands and bands[-1][1] == y - 1:
                first, _, most = bands[-1]
                bands[-1] = (first, y, max(most, longest))
            else:
                bands.append((y, y, longest))
    return bands


def test_the_report_renders_its_table_and_chart_in_chromium(tmp_path: Path) -> None:
    repos = bare_repos(tmp_path, 3)  # repo-1 has nothing to fix
    page = tmp_path / "report.html"
    result = run_bot([str(r.path) for r in repos.values()] + ["--forge", "none", "--report", str(page)])
    assert result.exit_code == 0, result.output

    dom = browse(page, tmp_path, "--dump-dom").stdout.decode()
    body = dom[dom.index('<table id="repositories"') :]
    rows = re.findall(r"<tr class=\"ok\">.*?</tr>", body, re.S)
    assert [re.search(r"<td>(.*?)</td>", r).group(1) for r in rows] == sorted(repos)
    assert len(re.findall(r'<rect class="bar estimated"', dom)) == 2  # the two with savings

    shot = tmp_path / "shot.png"
    browse(page, tmp_path, f"--screenshot={shot}")
    pixels = read_png(shot.read_bytes())
    assert len(pixels) == HEIGHT and len(pixels[0]) == WIDTH
    bands = bar_runs(pixels, _rgb(ESTIMATED))
    bars = [b for b in bands if b[1] - b[0] >= 10]  # the legend's swatch is 12 px wide, the bars are longer
    assert len([b for b in bars if b[2] > 50]) == 2, bands
    assert max(b[2] for b in bars) in range(PLOT - 3, PLOT + 4)  # the largest saving spans the plot
    chart_bottom = max(b[1] for b in bars)
    below = pixels[chart_bottom + 40 :]  # the table comes after the chart
    dark = sum(1 for row in below for p in row if max(p) < 100)  # its text
    grey = sum(1 for row in below for p in row if p == (204, 204, 204))  # its borders (#ccc)
    assert dark > 500 and grey > 1000, (dark, grey)
    left_of_bars = sum(1 for row in pixels[bars[0][0] : bars[0][1]] for p in row[: LABEL - 4] if max(p) < 100)
    assert left_of_bars > 50  # the repository's name beside its bar
