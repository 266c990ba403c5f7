"""A rewrite that lost shared libraries, repaired: the libraries the run-time checks find missing
are traced to the Debian packages that own them in the original image (``dpkg-query --search``),
the rewrite's final stage installs those packages, and the repaired rewrite is verified again.

Only for images with dpkg; the repair is kept only when its verification recommends it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..syntax import parse
from .builders import Builder, detect_builder
from .report import VerifyReport

# A path as dpkg records it, with or without the /usr prefix a merged /usr adds.
_OWNERS = r'''for path; do
    dpkg-query --search "*${path#/usr}" 2>/dev/null | head -n1 | cut -d: -f1
done'''


def owning_packages(builder: Builder, tag: str, paths: Sequence[str]) -> list[str]:
    """The Debian packages that own ``paths`` in image ``tag`` (none where dpkg cannot tell)."""
    if not paths:
        return []
    result = builder.run(tag, ["sh", "-c", _OWNERS, "slimfix-owners", *paths], timeout=300)
    names = [line.strip() for line in result.output.splitlines()]
    return sorted({name for name in names if name and " " not in name and "/" not in name})


def with_packages(text: str, packages: Sequence[str]) -> str | None:
    """``text`` with its final stage installing ``packages`` right after its ``FROM``; None when
    that ``FROM`` spans lines."""
    tree = parse(text)
    final = tree.stages[-1].from_instruction
    line = final.start_line
    lines = text.splitlines(keepends=True)
    if "\n" in final.original.rstrip("\r\n") or line > len(lines):
        return None
    newline = "\r\n" if lines[line - 1].endswith("\r\n") else "\n"
    if not lines[line - 1].endswith(("\n", "\r")):
        lines[line - 1] += newline
    keyword = "run" if final.arguments.command.islower() else "RUN"
    run = (f"{keyword} apt-get update && apt-get install -y --no-install-recommends {' '.join(packages)}"
           f" && rm -rf /var/lib/apt/lists/*{newline}")
    return "".join(lines[:line] + [run] + lines[line:])


def verify_repaired(
    original_text: str,
    rewritten_text: str,
    context: str | Path,
    smoke=None,
    *,
    builder: Builder | str | None = None,
    **options,
) -> tuple[VerifyReport, str]:
    """Verify the rewrite; when it breaks only by missing shared libraries, try once with their
    packages installed. Returns the report and the rewrite it is about."""
    from . import verify  # the package's entry point; imported late to avoid a cycle

    if not isinstance(builder, Builder):
        builder = detect_builder(builder)
    keep = options.pop("keep_images", False)
    report = verify(original_text, rewritten_text, context, smoke, builder=builder, keep_images=True, **options)
    try:
        checks = report.checks
        if report.verdict != "breaking" or checks is None or not checks.library_paths:
            return report, rewritten_text
        packages = owning_packages(builder, report.original.image, sorted(checks.library_paths.values()))
        repaired = with_packages(rewritten_text, packages) if packages else None
        if repaired is None:
            return report, rewritten_text
        second = verify(original_text, repaired, context, smoke, builder=builder, keep_images=keep, **options)
        if not second.recommended:
            return report, rewritten_text
        missing = ", ".join(sorted(checks.library_paths))
        second.notes.append(f"installed {' '.join(packages)} in the final stage: {missing} were missing")
        return second, repaired
    finally:
        if not keep:
            for image in (report.original, report.rewritten):
                if image.image:
                    builder.remove(image.image)
