"""``slimfix bot``: propose slimfix's fixes as a merge request.

Exit status: 0 when the remote is as it should be (including "nothing to
do" and "left alone: someone else committed on the branch"); 2 on errors
(no permission, protected branch, network failure, rate limit, bad input).
"""

from __future__ import annotations

import logging
import sys
from contextlib import contextmanager
from typing import Iterator

import click

from ..constants import EXIT_ERROR, EXIT_OK
from .errors import BotError
from .remote import FORGES
from .run import DEFAULT_AUTHOR, DEFAULT_BRANCH, BotOptions, Output, run_bot
from .secrets import RedactingFilter, Secrets


@contextmanager
def _logging(secrets: Secrets, verbose: bool) -> Iterator[None]:
    """Log records (ours, git's commands, the HTTP clients') to stderr, redacted."""
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(RedactingFilter(secrets))
    handler.setFormatter(logging.Formatter("%(name)s: %(message)s"))
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.WARNING)
    try:
        yield
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


@click.command("bot", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("repo", default=".")
@click.option(
    "--forge", type=click.Choice(FORGES), help="Where to open the request [default: from the remote URL or the CI job]."
)
@click.option("--branch", default=DEFAULT_BRANCH, show_default=True, help="The bot's branch.")
@click.option("--base", help="The target branch [default: the repository's default branch].")
@click.option("--remote", default="origin", show_default=True, help="The remote of a local checkout.")
@click.option("--dry-run", is_flag=True, help="Print what would be done and the diff; push nothing.")
@click.option(
    "--verify", is_flag=True, help="Build each Dockerfile before and after; put measured sizes in the description."
)
@click.option(
    "--api-url", envvar="SLIMFIX_BOT_API_URL", help="The forge's API root [default: from the remote URL or the CI job]."
)
@click.option("--project", help="OWNER/NAME (GitHub) or group/project path (GitLab) [default: from the remote URL].")
@click.option(
    "--author",
    default=DEFAULT_AUTHOR,
    show_default=True,
    envvar="SLIMFIX_BOT_AUTHOR",
    help="Author of the bot's commits.",
)
@click.option(
    "--docs-url",
    envvar="SLIMFIX_BOT_DOCS_URL",
    help="Link rules to their docs, e.g. 'https://example.org/rules/{code}/'.",
)
@click.option("-v", "--verbose", is_flag=True, help="Log each git command and API call (credentials redacted).")
def bot_command(
    repo, forge, branch, base, remote, dry_run, verify, api_url, project, author, docs_url, verbose
) -> None:
    """Open (or update, or close) a merge request with slimmer Dockerfiles.

    REPO is a local checkout (default: .) or a clone URL. Tokens come from
    GITLAB_TOKEN / GITHUB_TOKEN (or GH_TOKEN, CI_JOB_TOKEN); without a GitLab
    token the merge request is made with git push options. --forge none
    pushes the branch only, to any git remote.
    """
    secrets = Secrets()
    output = Output(secrets, click.echo, lambda text: click.echo(text, err=True))
    options = BotOptions(
        repo=repo,
        forge=forge,
        branch=branch,
        base=base,
        remote=remote,
        dry_run=dry_run,
        verify=verify,
        api_url=api_url,
        project=project,
        author=author,
        docs_url=docs_url,
    )
    with _logging(secrets, verbose):
        try:
            run_bot(options, output)
        except BotError as exc:
            click.echo(secrets.redact(f"slimfix bot: error: {exc}"), err=True)
            sys.exit(EXIT_ERROR)
    sys.exit(EXIT_OK)
