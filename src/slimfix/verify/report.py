"""The outcome of a verification and its renderings: table, JSON, markdown."""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass, field

from .checks import CheckResult
from .compare import Difference, ImageSummary
from .smoke import SmokeResult

_INSTRUCTION_WIDTH = 72


@dataclass(frozen=True)
class ImageReport:
    role: str  # "original" or "rewritten"
    summary: ImageSummary | None  # None when the build failed
    build_log: str = ""  # excerpt, when the build failed
    image: str = ""  # the built image's tag, when it was kept
    config: dict = field(default_factory=dict, repr=False)  # its run settings (Entrypoint, Cmd...)

    @property
    def built(self) -> bool:
        return self.summary is not None


@dataclass(frozen=True)
class VerifyReport:
    builder: str
    builder_version: str
    original: ImageReport
    rewritten: ImageReport
    difference: Difference | None = None
    smoke: SmokeResult | None = None
    notes: list[str] = field(default_factory=list)
    checks: CheckResult | None = None  # the automatic run-time checks, when both images built

    @property
    def verdict(self) -> str:
        """``breaking``, ``smaller`` or ``not-smaller``."""
        if not self.rewritten.built or (self.smoke is not None and not self.smoke.passed):
            return "breaking"
        if self.checks is not None and not self.checks.passed:
            return "breaking"
        if self.difference is not None and self.difference.smaller:
            return "smaller"
        return "not-smaller"

    @property
    def recommended(self) -> bool:
        return self.verdict == "smaller"

    def to_dict(self) -> dict:
        return {
            "builder": {"name": self.builder, "version": self.builder_version},
            "verdict": self.verdict,
            "recommended": self.recommended,
            "original": _image_dict(self.original),
            "rewritten": _image_dict(self.rewritten),
            "difference": None if self.difference is None else {
                "total": self.difference.total,
                "base": self.difference.base,
                "own": self.difference.own,
                "percent": round(self.difference.percent, 2),
            },
            "smoke": None if self.smoke is None else {
                "command": self.smoke.command,
                "compare_output": self.smoke.compare_output,
                "passed": self.smoke.passed,
                "explanation": self.smoke.explain(),
                "original": {"exit_code": self.smoke.original.exit_code, "output": self.smoke.original.output},
                "rewritten": {"exit_code": self.smoke.rewritten.exit_code, "output": self.smoke.rewritten.output},
            },
            "checks": None if self.checks is None else {
                "passed": self.checks.passed,
                "compared": dict(self.checks.counts),
                "problems": [
                    {"kind": p.kind, "subject": p.subject, "detail": p.detail, "explanation": p.explain()}
                    for p in self.checks.problems
                ],
                "notes": list(self.checks.notes),
            },
            "notes": list(self.notes),
        }  # fmt: skip


def human_size(size: int, signed: bool = False) -> str:
    """Decimal units, as docker prints image sizes."""
    sign = ""
    if signed:
        sign = "+" if size > 0 else "-" if size < 0 else "±"
    value = float(abs(size))
    for unit in ("B", "kB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            break
        value /= 1000
    text = f"{value:.0f} B" if unit == "B" else f"{value:.1f} {unit}"
    return sign + text


def render_json(report: VerifyReport) -> str:
    return json.dumps(report.to_dict(), indent=2)


def render_table(report: VerifyReport) -> str:
    lines = [f"slimfix verify — built with {report.builder} {report.builder_version}".rstrip(), ""]
    for image in (report.original, report.rewritten):
        lines.extend(_image_table(image))
        lines.append("")
    if report.difference is not None:
        d = report.difference
        lines.append(
            f"difference: {human_size(d.total, signed=True)} ({d.percent:+.1f}%); "
            f"base {human_size(d.base, signed=True)}, own layers {human_size(d.own, signed=True)}"
        )
    if report.checks is not None:
        lines.append(f"run-time checks: {report.checks.summary()}")
        lines.extend(f"  BREAKING: {problem.explain()}" for problem in report.checks.problems)
        lines.extend(f"  note: {note}" for note in report.checks.notes)
    if report.smoke is not None:
        outcome = "passed" if report.smoke.passed else "FAILED"
        lines.append(
            f"smoke `{_shell_text(report.smoke.command)}`: {outcome}, {report.smoke.explain()}"
        )
    lines.extend(f"note: {note}" for note in report.notes)
    lines.append(f"verdict: {report.verdict} — {_advice(report)}")
    return "\n".join(lines) + "\n"


def render_markdown(report: VerifyReport) -> str:
    """The short form for a merge-request description."""
    out = []
    if not report.rewritten.built:
        out.append("**The rewritten Dockerfile does not build; this rewrite is not recommended.**")
        out.append("")
        out.append("```text\n" + report.rewritten.build_log + "\n```")
    else:
        original, rewritten = report.original.summary, report.rewritten.summary
        assert original is not None and rewritten is not None and report.difference is not None
        d = report.difference
        out.append(
            f"**Image size: {human_size(original.total_size)} → {human_size(rewritten.total_size)} "
            f"({human_size(d.total, signed=True)}, {d.percent:+.1f}%)**"
        )
    details = [f"built with {report.builder} {report.builder_version}".rstrip()]
    if report.checks is not None:
        outcome = "passed" if report.checks.passed else "**failed**"
        details.append(f"run-time checks: {outcome}")
    if report.smoke is not None:
        outcome = "passed" if report.smoke.passed else "**failed**"
        details.append(
            f"smoke test `{_shell_text(report.smoke.command)}`: {outcome} ({report.smoke.explain()})"
        )
    out.append("")
    out.append(" · ".join(details))
    if report.checks is not None and report.checks.problems:
        out.append("")
        out.extend(f"- {problem.explain()}" for problem in report.checks.problems)
    out.extend(f"\n> {note}" for note in report.notes)
    if report.original.built and report.rewritten.built:
        out.append("")
        out.append("<details><summary>Layers</summary>\n")
        for image in (report.original, report.rewritten):
            out.extend(_markdown_layers(image))
        out.append("</details>")
    return "\n".join(out) + "\n"


def _image_dict(image: ImageReport) -> dict:
    data: dict = {"built": image.built}
    if image.image:
        data["image"] = image.image
    if image.summary is not None:
        data["total_size"] = image.summary.total_size
        data["base_size"] = image.summary.base_size
        data["layers"] = [
            {
                "size": layer.size,
                "instruction": layer.instruction,
                "line": layer.line,
                "from_base": layer.from_base,
                "digest": layer.digest,
            }
            for layer in image.summary.layers
        ]
    else:
        data["build_log"] = image.build_log
    return data


def _image_table(image: ImageReport) -> list[str]:
    if image.summary is None:
        return [
            f"{image.role}: BUILD FAILED",
            *("  | " + line for line in image.build_log.splitlines()),
        ]
    lines = [f"{image.role}: {human_size(image.summary.total_size)}"]
    for layer in image.summary.layers:
        where = "base" if layer.from_base else f"line {layer.line}"
        lines.append(f"  {human_size(layer.size):>9}  {where:<9}  {_shorten(layer.instruction)}")
    return lines


def _markdown_layers(image: ImageReport) -> list[str]:
    assert image.summary is not None
    rows = [
        f"**{image.role.capitalize()}** ({human_size(image.summary.total_size)})\n",
        "| Size | Line | Instruction |",
        "|---:|---:|---|",
    ]
    for layer in image.summary.layers:
        where = "base" if layer.from_base else str(layer.line)
        text = _shorten(layer.instruction).replace("|", "\\|").replace("`", "'")
        rows.append(f"| {human_size(layer.size)} | {where} | `{text}` |")
    rows.append("")
    return rows


def _advice(report: VerifyReport) -> str:
    if report.verdict == "breaking":
        return "the rewrite breaks the image; not recommended"
    if report.verdict == "smaller":
        return "rewrite recommended"
    return "the rewrite does not make the image smaller; not recommended"


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _INSTRUCTION_WIDTH else text[: _INSTRUCTION_WIDTH - 1] + "…"


def _shell_text(argv: list[str]) -> str:
    return " ".join(shlex.quote(word) for word in argv)
