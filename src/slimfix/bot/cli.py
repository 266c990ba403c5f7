"""``slimfix bot``: propose slimfix's fixes as a merge request, in one
repository or in many.

Exit status: 0 when every remote is as it should be (including "nothing to
do", "skipped" and "left alone: someone else committed on the branch"); 2 on
errors (no permission, protected branch, network failure, rate limit, bad
input) in any repository: the others are still handled.
"""

from __future__ import annotations

import logging
import sys
from contextlib import contextmanager
from typing import Iterator

import click

from ..constants import EXIT_ERROR, EXIT_OK
from . import fleet, report
from .campaign import State, run_campaign
from .discover import discover
from .errors import BotError
from .remote import FORGES
from .run import DEFAULT_AUTHOR, DEFAULT_BRANCH, BotOptions
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
@click.argument("repos", nargs=-1, metavar="[REPO]...")
@click.option("--repos-file", metavar="FILE", help="Repositories to handle, one a line (# comments).")
@click.option(
    "--autodiscover",
    metavar="GROUP_OR_ORG",
    help="Every repository of a GitLab group (subgroups included) or GitHub organisation; needs --forge.",
)
@click.option("--include", multiple=True, metavar="GLOB", help="Only repositories whose path matches (repeatable).")
@click.option("--exclude", multiple=True, metavar="GLOB", help="Leave out repositories whose path matches.")
@click.option("--shard", metavar="K/N", help="Handle only the K-th of N deterministic shards of the repositories.")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=1, show_default=True, help="Repositories at once.")
@click.option("--state", "state_file", metavar="FILE", help="Resume an interrupted run from FILE.")
@click.option(
    "--report",
    "reports",
    multiple=True,
    metavar="FILE",
    help="Write a campaign report: FILE.json as JSON, any other name as one HTML page (repeatable).",
)
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
@click.option(
    "--dashboard",
    is_flag=True,
    help="Keep an issue with the findings left and the savings; ticking a box opts that fix in.",
)
@click.option("-v", "--verbose", is_flag=True, help="Log each git command and API call (credentials redacted).")
def bot_command(repos, repos_file, autodiscover, include, exclude, shard, jobs, state_file, reports, verbose,
                **options) -> None:
    """Open (or update, or close) a merge request with slimmer Dockerfiles.

    Each REPO is a local checkout (default: .) or a clone URL; each is
    handled on its own, with its own configuration, branch and request.
    Tokens come from GITLAB_TOKEN / GITHUB_TOKEN (or GH_TOKEN, CI_JOB_TOKEN);
    without a GitLab token the merge request is made with git push options.
    --forge none pushes the branch only, to any git remote.
    """
    secrets = Secrets()
    options = BotOptions(**options)  # the other options are BotOptions' fields, by name
    err = lambda text: click.echo(text, err=True)  # noqa: E731
    with _logging(secrets, verbose):
        try:
            chosen = fleet.parse_shard(shard) if shard else None
            targets = _targets(repos, repos_file, autodiscover, include, exclude, chosen, options, secrets)
            if options.project and len(targets) > 1:
                raise BotError("--project names one repository: leave it out with several")
            if not targets:
                click.echo("slimfix bot: no repository to handle (see --include, --exclude, --shard)")
            outcomes = run_campaign(targets, options, secrets, click.echo, err, jobs, State(state_file))
            for path in reports:
                _write_report(path, outcomes)
        except BotError as exc:
            err(secrets.redact(f"slimfix bot: error: {exc}"))
            sys.exit(EXIT_ERROR)
    if len(outcomes) > 1:
        failed = [o.name for o in outcomes if o.status == "failed"]
        names = ": " + ", ".join(failed) if failed else ""
        click.echo(f"slimfix bot: {len(outcomes)} repositories, {len(failed)} failed{names}")
    sys.exit(EXIT_ERROR if any(o.status == "failed" for o in outcomes) else EXIT_OK)


def _targets(repos, repos_file, autodiscover, include, exclude, chosen, options: BotOptions, secrets: Secrets):
    names = list(repos) + (fleet.read_repos_file(repos_file) if repos_file else [])
    targets = fleet.from_names(names)
    if autodiscover:
        targets += fleet.from_listing(discover(autodiscover, options, secrets))
    if not targets and not repos_file and not autodiscover:
        targets = fleet.from_names(["."])
    targets = fleet.select(targets, include, exclude)
    if chosen:
        targets = fleet.shard(targets, *chosen)
    return targets


def _write_report(path: str, outcomes) -> None:
    text = report.to_json(outcomes) if path.endswith(".json") else report.to_html(outcomes)
    try:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:
        raise BotError(f"cannot write the report {path}: {exc.strerror}") from None
