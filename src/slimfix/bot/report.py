"""The campaign report: JSON, and one self-contained HTML page (a table and an
inline SVG bar chart of the savings per repository; no script, no external asset)."""

from __future__ import annotations

import json
from html import escape
from typing import Any, Dict, List, Sequence

from ..output.findings import human_bytes
from .outcome import Outcome

BAR_HEIGHT, GAP, LABEL, PLOT = 18, 6, 240, 480  # the chart's geometry, in pixels
ESTIMATED, MEASURED = "#2f6fb0", "#d9822b"


def summary(outcomes: Sequence[Outcome]) -> Dict[str, Any]:
    counts: Dict[str, int] = {}
    for o in outcomes:
        counts[o.status] = counts.get(o.status, 0) + 1
    measured = [o.measured for o in outcomes if o.measured is not None]
    return {
        "repositories": len(outcomes),
        "statuses": counts,
        "requests": sum(1 for o in outcomes if o.request_url),
        "fixes": sum(n for o in outcomes for f in o.files for n in f.fixes.values()),
        "estimated": sum(o.estimated for o in outcomes),
        "measured": sum(measured) if measured else None,
    }


def to_json(outcomes: Sequence[Outcome]) -> str:
    data = {"summary": summary(outcomes), "repositories": [o.to_json() for o in outcomes]}
    return json.dumps(data, indent=2) + "\n"


def _fixes(outcome: Outcome) -> str:
    counts: Dict[str, int] = {}
    for f in outcome.files:
        for code, n in f.fixes.items():
            counts[code] = counts.get(code, 0) + n
    return ", ".join(f"{code} ×{n}" if n > 1 else code for code, n in sorted(counts.items()))


def _status(outcome: Outcome) -> str:
    if outcome.status != "ok":
        return outcome.status
    return outcome.action or "ok"


def chart(outcomes: Sequence[Outcome]) -> str:
    """Horizontal bars: estimated savings per repository, measured ones beside them."""
    rows = [o for o in outcomes if o.files]
    if not rows:
        return '<p class="empty">No repository has savings to show.</p>'
    top = max(max(o.estimated, o.measured or 0) for o in rows) or 1
    measured = any(o.measured is not None for o in rows)
    step = BAR_HEIGHT * (2 if measured else 1) + GAP
    height = step * len(rows) + 30
    parts: List[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" id="chart" role="img" width="{LABEL + PLOT + 110}" '
        f'height="{height}" viewBox="0 0 {LABEL + PLOT + 110} {height}" font-family="sans-serif" font-size="12">',
        "<title>Savings per repository</title>",
    ]
    for i, o in enumerate(rows):
        y = i * step
        parts.append(
            f'<text x="{LABEL - 6}" y="{y + BAR_HEIGHT - 5}" text-anchor="end">{escape(_short(o.name))}</text>'
        )
        bars = [(o.estimated, ESTIMATED, "estimated")]
        if measured:
            bars.append((o.measured or 0, MEASURED, "measured"))
        for j, (value, colour, what) in enumerate(bars):
            width = max(1, round(PLOT * max(value, 0) / top)) if value > 0 else 0
            by = y + j * BAR_HEIGHT
            parts.append(
                f'<rect class="bar {what}" x="{LABEL}" y="{by}" width="{width}" height="{BAR_HEIGHT - 2}" '
                f'fill="{colour}"><title>{escape(o.name)}: {what} {human_bytes(value)}</title></rect>'
            )
            parts.append(f'<text x="{LABEL + width + 4}" y="{by + BAR_HEIGHT - 5}">{human_bytes(value)}</text>')
    legend_y = step * len(rows) + 12
    legend = [("estimated", ESTIMATED)] + ([("measured (--verify)", MEASURED)] if measured else [])
    for i, (label, colour) in enumerate(legend):
        x = LABEL + i * 170
        parts.append(f'<rect x="{x}" y="{legend_y}" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{x + 16}" y="{legend_y + 11}">{label}</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def _short(name: str, limit: int = 34) -> str:
    return name if len(name) <= limit else "…" + name[-(limit - 1) :]


_STYLE = """
body { font-family: sans-serif; margin: 2em; color: #222; background: #fff; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border: 1px solid #ccc; padding: 4px 8px; text-align: left; vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.failed td { background: #fde8e8; }
tr.skipped td { color: #777; }
"""


def to_html(outcomes: Sequence[Outcome], title: str = "slimfix bot: campaign report") -> str:
    s = summary(outcomes)
    measured = s["measured"] is not None
    head = ["Repository", "Status", "Request", "Fixes", "Estimated savings"]
    head += ["Measured savings"] if measured else []
    rows = []
    for o in outcomes:
        link = f'<a href="{escape(o.request_url)}">{escape(o.request_url)}</a>' if o.request_url else ""
        cells = [
            f"<td>{escape(o.name)}</td>",
            f'<td title="{escape(o.message)}">{escape(_status(o))}</td>',
            f"<td>{link}</td>",
            f"<td>{escape(_fixes(o))}</td>",
            f'<td class="num">{human_bytes(o.estimated) if o.files else ""}</td>',
        ]
        if measured:
            cells.append(f'<td class="num">{"" if o.measured is None else human_bytes(o.measured)}</td>')
        message = ""
        if o.status == "failed":
            message = f'<tr class="message"><td colspan="{len(head)}">{escape(o.message)}</td></tr>'

        rows.append(f'<tr class="{escape(o.status)}">' + "".join(cells) + "</tr>" + message)
    statuses = ", ".join(f"{n} {status}" for status, n in sorted(s["statuses"].items()))
    totals = (
        f"{s['repositories']} repositories ({statuses}); {s['requests']} requests; {s['fixes']} fixes; "
        f"estimated savings {human_bytes(s['estimated'])}"
        + (f"; measured savings {human_bytes(s['measured'])}" if measured else "")
    )
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en"><head><meta charset="utf-8">',
            f"<title>{escape(title)}</title>",
            f"<style>{_STYLE}</style></head><body>",
            f"<h1>{escape(title)}</h1>",
            f'<p id="summary">{escape(totals)}</p>',
            "<h2>Savings per repository</h2>",
            chart(outcomes),
            "<h2>Repositories</h2>",
            '<table id="repositories"><thead><tr>' + "".join(f"<th>{h}</th>" for h in head) + "</tr></thead>",
            "<tbody>",
            *rows,
            "</tbody></table>",
            "</body></html>",
            "",
        ]
    )
