"""A one-line progress bar for standard error: ``slimfix [#####     ] 120/400 files``."""

from __future__ import annotations

import time
from typing import TextIO

WIDTH = 30
INTERVAL = 0.1  # seconds between redraws


class ProgressBar:
    def __init__(self, total: int, stream: TextIO, erase: bool = True) -> None:
        self.total = max(total, 1)
        self.done = 0
        self.stream = stream
        self.erase = erase  # on a terminal the bar disappears when done
        self._drawn_at = 0.0
        self._width = 0

    def _draw(self) -> None:
        filled = WIDTH * self.done // self.total
        line = f"slimfix [{'#' * filled}{' ' * (WIDTH - filled)}] {self.done}/{self.total} files"
        self._width = len(line)
        self.stream.write("\r" + line)
        self.stream.flush()
        self._drawn_at = time.monotonic()

    def update(self, count: int = 1) -> None:
        self.done += count
        if self.done >= self.total or time.monotonic() - self._drawn_at >= INTERVAL:
            self._draw()

    def __enter__(self) -> "ProgressBar":
        self._draw()
        return self

    def __exit__(self, *exc) -> None:
        self.stream.write("\r" + " " * self._width + "\r" if self.erase else "\n")
        self.stream.flush()
