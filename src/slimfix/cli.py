"""The command line: ``slimfix [OPTIONS] [PATH]...`` and its subcommands.

Exit codes:
  0  nothing to do, or everything fixed
  1  --check / --diff: a file would change, or a finding remains that has no
     applicable fix (in fix mode: such findings remain)
  2  errors: bad input, unreadable or unwritable file, bad configuration,
     internal error
"""

from __future__ import annotations

import sys
from typing import List, Optional, Tuple

import click

from . import __version__

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
FORMATS = ("text", "json", "sarif", "github", "gitlab")


def _split(values: Tuple[str, ...]) -> Optional[Tuple[str, ...]]:
    if not values:
        return None
    out: List[str] = []
    for value in values:
        out.extend(part.strip() for part in value.split(",") if part.strip())
    return tuple(out)


class _DefaultGroup(click.Group):
    """``slimfix PATH...`` runs ``fix`` unless a command is named; commands
    outside the core (verify, bot) are imported only when used."""

    lazy = {"verify": "slimfix.verify.cli:verify_command", "bot": "slimfix.bot.cli:bot_command"}

    def list_commands(self, ctx):
        return sorted(set(super().list_commands(ctx)) | set(self.lazy))

    def get_command(self, ctx, name):
        if name in self.lazy:
            import importlib

            module, _, attr = self.lazy[name].partition(":")
            try:
                return getattr(importlib.import_module(module), attr)
            except ImportError as exc:
                raise click.ClickException(f"'{name}' is not available: {exc}") from None
        return super().get_command(ctx, name)

    def parse_args(self, ctx, args):
        if not args or (args[0] not in ("-h", "--help", "--version") and args[0] not in self.list_commands(ctx)):
            args = ["fix", *args]
        return super().parse_args(ctx, args)

    def format_usage(self, ctx, formatter):
        formatter.write_usage("slimfix", "[OPTIONS] [PATH]... | COMMAND [ARGS]...")


@click.group(cls=_DefaultGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="slimfix")
def main() -> None:
    """slimfix rewrites Dockerfiles so the images they build are smaller.

    Run `slimfix [OPTIONS] [PATH]...` (see `slimfix fix --help`), or a command below.

    \b
    Exit codes: 0 nothing to do or all fixed; 1 changes needed (--check,
    --diff) or findings without an applicable fix remain; 2 errors (bad
    input, unreadable file, bad configuration).
    """


@main.command("fix", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("paths", nargs=-1)
@click.option("--diff", "mode", flag_value="diff", help="Print a unified diff (git apply accepts it); write nothing.")
@click.option("--check", "mode", flag_value="check", help="Write nothing; exit 1 when a file would change.")
@click.option("--select", multiple=True, help="Rule codes or prefixes to run (comma-separated; ALL for all).")
@click.option("--ignore", multiple=True, help="Rule codes or prefixes to skip.")
@click.option("--extend-select", multiple=True, help="Rules to run in addition to the selected ones.")
@click.option("--unsafe-fixes/--no-unsafe-fixes", default=None, help="Also apply fixes marked unsafe.")
@click.option("--exclude", multiple=True, help="Glob patterns of paths to skip.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="Use this config file.")
@click.option("--stdin-filename", help="Path to name standard input by (messages, config lookup).")
@click.option("--output-format", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("--show-fixes", is_flag=True, help="List each fix applied.")
@click.option("--statistics", is_flag=True, help="Count findings by rule.")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors and the diff.")
@click.option("--no-respect-gitignore", is_flag=True, help="Also process files .gitignore excludes.")
def fix_command(paths, mode, select, ignore, extend_select, unsafe_fixes, exclude, config_path, stdin_filename,
                output_format, show_fixes, statistics, quiet, no_respect_gitignore) -> None:
    """Fix Dockerfiles in place (default), or --diff / --check them.

    PATH may be a file, a folder (searched for Dockerfile, Dockerfile.*,
    *.Dockerfile, *.dockerfile, Containerfile) or - for standard input.
    """
    from .app import FixOptions, run_fix

    options = FixOptions(
        paths=tuple(paths) or (".",),
        mode=mode or "fix",
        overrides=dict(
            select=_split(select),
            ignore=_split(ignore),
            extend_select=_split(extend_select),
            unsafe_fixes=unsafe_fixes,
            exclude=_split(exclude),
            respect_gitignore=False if no_respect_gitignore else None,
        ),
        config_path=config_path,
        stdin_filename=stdin_filename,
        output_format=output_format,
        show_fixes=show_fixes,
        statistics=statistics,
        quiet=quiet,
    )
    sys.exit(run_fix(options))


@main.command("rules")
@click.option("--output-format", type=click.Choice(("text", "json")), default="text")
def rules_command(output_format: str) -> None:
    """List every rule: code, name, fix safety."""
    from .docs import rules_table

    click.echo(rules_table(output_format))


@main.command("rule")
@click.argument("code")
def rule_command(code: str) -> None:
    """Print a rule's documentation (e.g. slimfix rule SF002)."""
    from .docs import rule_page
    from .rules import get_rule

    rule = get_rule(code)
    if rule is None:
        click.echo(f"slimfix: unknown rule {code!r} (see `slimfix rules`)", err=True)
        sys.exit(EXIT_ERROR)
    click.echo(rule_page(rule))


if __name__ == "__main__":  # pragma: no cover
    main()
