"""``slimfix verify``: show what the rewrite of a Dockerfile really buys.

Exit status: 0 when the rewrite builds, passes the smoke command and makes
the image smaller; 1 when it is breaking or not smaller; 2 when nothing could
be verified (no builder, the original does not build, a builder limit).
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import click

FixText = Callable[[str], str]


def load_fixer() -> FixText:
    """The fixer's rewrite of a text, imported only when a rewrite is needed (speed)."""
    from slimfix.fixer import fix_text  # lazy: start-up (only when a rewrite is needed)

    return lambda text: fix_text(text).output


def make_verify_command(fix_text: FixText | None = None) -> click.Command:
    """Build the command; ``fix_text`` defaults to the fixer, loaded lazily."""

    @click.command("verify")
    @click.argument("path", default="Dockerfile", type=click.Path(exists=True, path_type=Path))
    @click.option(
        "--context",
        type=click.Path(exists=True, file_okay=False, path_type=Path),
        help="Build context [default: the Dockerfile's folder].",
    )
    @click.option(
        "--smoke", metavar="'CMD ...'", help="Command run in both images; exit statuses must match."
    )
    @click.option(
        "--compare-output", is_flag=True, help="The smoke command's output must match too."
    )
    @click.option(
        "--rewritten",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        help="Use this file as the rewrite instead of running the fixer.",
    )
    @click.option(
        "--builder",
        metavar="NAME",
        help="docker, podman, buildah, or a `docker buildx` builder to build on "
        "[default: the first usable of docker, podman, buildah].",
    )
    @click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
    @click.option("--markdown", is_flag=True, help="Print the short markdown form.")
    @click.option(
        "--plot",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Also write per-layer bars before/after to this SVG file.",
    )
    def verify_command(
        path: Path,
        context: Path | None,
        smoke: str | None,
        compare_output: bool,
        rewritten: Path | None,
        builder: str | None,
        as_json: bool,
        markdown: bool,
        plot: Path | None,
    ) -> None:
        """Build PATH and its rewrite, compare the images layer by layer."""
        from . import (  # lazy: start-up (the builders load only when the command runs)
            BuilderError,
            BuilderLimitError,
            ImageReadError,
            NoBuilderError,
            OriginalBuildError,
            render_json,
            render_markdown,
            render_table,
            verify,
        )
        from .plot import write_plot  # lazy: start-up (as above)

        dockerfile = path / "Dockerfile" if path.is_dir() else path
        original_text = dockerfile.read_text()
        if rewritten is not None:
            rewritten_text = rewritten.read_text()
        else:
            rewritten_text = (fix_text or load_fixer())(original_text)
        try:
            report = verify(
                original_text,
                rewritten_text,
                context or dockerfile.parent,
                smoke,
                compare_output=compare_output,
                builder=builder,
            )
        except (
            NoBuilderError,
            OriginalBuildError,
            BuilderLimitError,
            BuilderError,
            ImageReadError,
        ) as error:
            click.echo(f"Error: {error}", err=True)
            raise SystemExit(2) from error
        if as_json:
            click.echo(render_json(report))
        elif markdown:
            click.echo(render_markdown(report), nl=False)
        else:
            click.echo(render_table(report), nl=False)
        if plot is not None:
            write_plot(report, plot)
        raise SystemExit(0 if report.recommended else 1)

    return verify_command


verify_command = make_verify_command()
