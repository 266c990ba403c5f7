"""Decide what a run does, from what it found. Pure: no git, no network."""

from __future__ import annotations

from enum import Enum
from typing import Optional

from ..record import record
from .branch import BranchState
from .forges import Request


class Action(Enum):
    NOTHING = "nothing"  # all is as it should be
    CREATE = "create"  # push a new branch, open its request
    UPDATE = "update"  # push the new fixes over the bot's own commits, update the request
    REFRESH = "refresh"  # the branch is right; open or update its request if needed
    CLOSE = "close"  # the target branch no longer needs the changes
    BLOCKED = "blocked"  # new fixes, but someone else committed on the branch: comment
    LEFT_ALONE = "left-alone"  # no longer needed, but someone else committed on the branch: comment


@record
class Plan:
    action: Action
    reason: str


def decide(has_changes: bool, branch: BranchState, open_request: Optional[Request], rejected: bool) -> Plan:
    """``rejected``: a request with these same changes was closed without merging."""
    if not has_changes:
        if branch.exists and branch.foreign:
            return Plan(
                Action.LEFT_ALONE,
                "the target branch no longer needs the changes, but the branch has commits slimfix did not make",
            )
        if branch.exists or open_request is not None:
            return Plan(Action.CLOSE, "the target branch no longer needs the changes")
        return Plan(Action.NOTHING, "nothing to fix")
    if not branch.exists:
        if rejected:
            return Plan(Action.NOTHING, "these changes were proposed before and closed without merging")
        return Plan(Action.CREATE, "new fixes")
    if branch.foreign:
        if branch.current:
            return Plan(Action.NOTHING, "the branch has commits slimfix did not make and already carries its fixes")
        return Plan(Action.BLOCKED, "new fixes, but the branch has commits slimfix did not make")
    if open_request is None and rejected:
        return Plan(Action.CLOSE, "these changes were proposed before and closed without merging")
    if not branch.current:
        return Plan(Action.UPDATE, "the fixes changed")
    return Plan(Action.REFRESH, "the branch is up to date")
