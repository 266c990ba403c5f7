"""Waiting out a forge's rate limit: the wait it asks for (Retry-After, the
reset time), else exponential backoff; a wait longer than LONGEST, or more
than TRIES attempts, gives up with the forge's message."""

from __future__ import annotations

import time
from typing import Callable, Optional, TypeVar

TRIES = 5  # attempts of one call
LONGEST = 120.0  # seconds: a longer wait is reported instead (the next scheduled run retries)
BASE = 1.0  # seconds before the second attempt when the forge does not say
sleep: Callable[[float], None] = time.sleep  # tests replace it to record the waits

T = TypeVar("T")


class RateLimited(Exception):
    """Raised by a forge's call when it hit a rate limit; ``wait`` is what the forge asked, if anything."""

    def __init__(self, wait: Optional[float], give_up: Callable[[float], Exception]) -> None:
        super().__init__(wait)
        self.wait, self.give_up = wait, give_up


def retrying(call: Callable[[], T]) -> T:
    """``call()``, again after each RateLimited as long as the wait is reasonable."""
    for attempt in range(TRIES):
        try:
            return call()
        except RateLimited as limited:
            wait = BASE * 2**attempt if limited.wait is None else max(0.0, limited.wait)
            if attempt == TRIES - 1 or wait > LONGEST:
                raise limited.give_up(wait) from None
            sleep(wait)
    raise AssertionError("unreachable")
