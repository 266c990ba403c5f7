"""Per-layer bars before and after, as a self-contained SVG file."""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

from .report import VerifyReport, human_size

_ROW = 22
_BAR_WIDTH = 420
_LABEL_X = 10
_BAR_X = 330
_WIDTH = _BAR_X + _BAR_WIDTH + 110
_COLOURS = {"original": "#c0504d", "rewritten": "#4f81bd"}
_LABEL_CHARS = 48


def render_svg(report: VerifyReport) -> str:
    images = [image for image in (report.original, report.rewritten) if image.summary is not None]
    largest = max((layer.size for i in images for layer in i.summary.layers), default=0) or 1
    rows: list[str] = []
    y = 30
    for image in images:
        summary = image.summary
        rows.append(
            _text(_LABEL_X, y, f"{image.role}: {human_size(summary.total_size)}", bold=True)
        )
        y += _ROW
        for layer in summary.layers:
            where = "base" if layer.from_base else f"line {layer.line}"
            label = f"{where}: {layer.instruction}"
            if len(label) > _LABEL_CHARS:
                label = label[: _LABEL_CHARS - 1] + "…"
            width = max(1.0, _BAR_WIDTH * layer.size / largest)
            rows.append(_text(_LABEL_X + 10, y, label))
            rows.append(
                f'<rect x="{_BAR_X}" y="{y - 13}" width="{width:.1f}" height="16" '
                f'fill="{_COLOURS[image.role]}"/>'
            )
            rows.append(_text(_BAR_X + width + 6, y, human_size(layer.size)))
            y += _ROW
        y += _ROW // 2
    height = y + 10
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_WIDTH}" height="{height}" '
        f'font-family="sans-serif" font-size="12">\n'
        f'<rect width="100%" height="100%" fill="white"/>\n' + "\n".join(rows) + "\n</svg>\n"
    )


def write_plot(report: VerifyReport, path: Path) -> None:
    path.write_text(render_svg(report), encoding="utf-8")


def _text(x: float, y: float, content: str, bold: bool = False) -> str:
    weight = ' font-weight="bold"' if bold else ""
    return f'<text x="{x:.1f}" y="{y}"{weight}>{escape(content)}</text>'
