"""The command line: ``slimfix [OPTIONS] [PATH]...`` and its commands.

Click and the run (``app``) are imported up front; the rules, the parser and the reports load when a
command needs them, so ``--help`` and ``--version`` start fast.
"""

from __future__ import annotations

import importlib
import sys

import click

from . import app
from .constants import EXIT_ERROR, EXIT_HELP, FORMATS, __version__

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

EPILOG = f"""\b
Commands:
  slimfix rules            list every rule: code, name, fix safety
  slimfix rule CODE        print a rule's documentation (or --explain CODE)
  slimfix verify ...       build images before and after, compare them

\b
Exit codes:
{EXIT_HELP}
"""


class _FixCommand(click.Command):
    def format_usage(self, ctx, formatter):
        formatter.write_usage("slimfix", "[OPTIONS] [PATH]...")


class _DefaultGroup(click.Group):
    """``slimfix PATH...`` runs ``fix`` unless a command is named; commands
    outside the core (verify, bot) are imported only when used."""

    lazy = {"verify": "slimfix.verify.cli:verify_command", "bot": "slimfix.bot.cli:bot_command"}

    def list_commands(self, ctx):
        return sorted(set(super().list_commands(ctx)) | set(self.lazy))

    def get_command(self, ctx, name):
        if name in self.lazy:
            module, _, attr = self.lazy[name].partition(":")
            try:
                return getattr(importlib.import_module(module), attr)
            except ImportError as exc:
                raise click.UsageError(f"'{name}' is not available: {exc}") from None
        return super().get_command(ctx, name)

    def parse_args(self, ctx, args):
        if not args or (args[0] != "--version" and args[0] not in self.list_commands(ctx)):
            args = ["fix", *args]  # also sends -h/--help to fix, whose help is the main one
        return super().parse_args(ctx, args)


@click.group(cls=_DefaultGroup, context_settings=CONTEXT, add_help_option=False)
@click.version_option(__version__, "--version", prog_name="slimfix")
def main() -> None:
    """slimfix rewrites Dockerfiles so the images they build are smaller."""


@main.command("fix", cls=_FixCommand, context_settings=CONTEXT, epilog=EPILOG)
@click.argument("paths", nargs=-1, metavar="[PATH]...")
@click.option("--diff", "mode", flag_value="diff", help="Print a unified diff (git apply and patch -p1 accept it); write nothing.")
@click.option("--check", "mode", flag_value="check", help="Write nothing; exit 1 when a file would change.")
@click.option("--exit-non-zero-on-findings", "fail_on_findings", is_flag=True,
              help="Also exit 1 when findings remain that no applied fix removes (e.g. unsafe fixes not applied).")
@click.option("--select", multiple=True, metavar="CODES", help="Rules to run: codes or prefixes, comma-separated (ALL: all).")
@click.option("--ignore", multiple=True, metavar="CODES", help="Rules to skip.")
@click.option("--extend-select", multiple=True, metavar="CODES", help="Rules to run besides the selected ones.")
@click.option("--unsafe-fixes/--no-unsafe-fixes", default=None, help="Also apply fixes marked unsafe.")
@click.option("--exclude", multiple=True, metavar="GLOBS", help="Paths to skip when searching folders (adds to the config's).")
@click.option("--force-exclude", is_flag=True, help="Apply excludes to files named on the command line too (for pre-commit).")
@click.option("--no-respect-gitignore", is_flag=True, help="Also search files that .gitignore excludes.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="Use this config file instead of the nearest one.")
@click.option("--max-file-size", type=click.IntRange(min=1), default=10, show_default=True, metavar="MB",
              help="Larger files are an error, not read (megabytes).")
@click.option("--stdin-filename", metavar="PATH", help="Name standard input (-) by this path, for messages and config.")
@click.option("--output-format", type=click.Choice(FORMATS), default="text", show_default=True, help="Report format.")
@click.option("-o", "--output-file", type=click.Path(dir_okay=False), help="Write the report to this file.")
@click.option("--show-fixes", is_flag=True, help="Also list the fixes applied.")
@click.option("--statistics", is_flag=True, help="Count findings by rule instead of listing them.")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors, and the diff or fixed input.")
@click.option("-j", "--workers", type=click.IntRange(min=0), default=0, metavar="N", help="Worker processes (0: one per core).")
@click.option("--color", type=click.Choice(("auto", "always", "never")), default="auto", help="Color the diff.")
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: on a terminal, for many files).")
@click.option("--no-cache", is_flag=True, help="Analyse every file again: neither read nor write the results cache.")
@click.option("--cache-dir", type=click.Path(file_okay=False), help="Cache folder (default: $SLIMFIX_CACHE_DIR, else ~/.cache/slimfix).")
@click.option("--explain", metavar="CODE", help="Print a rule's documentation and exit.")
@click.option("--verify", "verify", is_flag=True,
              help="Build each changed Dockerfile before and after (docker, podman or buildah); keep only rewrites "
                   "that build, pass --smoke and make the image smaller.")
@click.option("--context", "verify_context", type=click.Path(file_okay=False), help="Build context for --verify (default: the Dockerfile's folder).")
@click.option("--smoke", "verify_smoke", metavar="CMD", help="With --verify: a command to run in both images.")
@click.help_option("-h", "--help")
def fix_command(**params) -> None:
    """Make Dockerfiles build smaller images: rewrite them in place (the
    default), or show the change (--diff) or test for it (--check).

    PATH is a file, a folder (searched for Dockerfile, Dockerfile.*,
    *.Dockerfile, *.dockerfile, Containerfile, honouring .gitignore and
    --exclude) or - for standard input, which is written fixed to standard
    output. Default: the current folder.
    """
    if params["explain"]:
        _print_rule(params["explain"])
        return
    sys.exit(app.run_fix(app.fix_options(**params)))


@main.command("rules", context_settings=CONTEXT)
@click.option("--output-format", type=click.Choice(("text", "json")), default="text", show_default=True)
def rules_command(output_format: str) -> None:
    """List every rule: code, name, fix safety."""
    from .docs import rules_table  # lazy: start-up (`--help` loads no rules)

    click.echo(rules_table(output_format))


@main.command("rule", context_settings=CONTEXT)
@click.argument("code")
def rule_command(code: str) -> None:
    """Print a rule's documentation (e.g. slimfix rule SF002)."""
    _print_rule(code)


def _print_rule(code: str) -> None:
    from .docs import rule_page  # lazy: start-up (`--help` loads no rules)
    from .rules import get_rule  # lazy: start-up (`--help` loads no rules)

    rule = get_rule(code)
    if rule is None:
        click.echo(f"slimfix: error: unknown rule {code!r} (see `slimfix rules`)", err=True)
        sys.exit(EXIT_ERROR)
    click.echo(rule_page(rule), nl=False)


if __name__ == "__main__":  # pragma: no cover
    main()
