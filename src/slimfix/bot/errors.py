"""The one exception the bot reports to the user (exit status 2)."""

from __future__ import annotations


class BotError(Exception):
    """A failure the user can act on; the message says what happened and what to do."""


class Skipped(BotError):
    """Nothing to do for a reason that is no failure (an empty repository)."""
