"""Credentials stay in memory: every text the bot prints or logs is redacted first."""

from __future__ import annotations

import base64
import logging
import threading
from typing import Iterable, Set
from urllib.parse import quote

MASK = "***"
MIN_LENGTH = 4  # shorter values would mask ordinary words


class Secrets:
    """The secret values of one run and the forms they may take in text."""

    def __init__(self, values: Iterable[str] = ()) -> None:
        self._values: Set[str] = set()
        self._lock = threading.Lock()  # one run per repository may share them across threads
        for value in values:
            self.add(value)

    def add(self, value: str, username: str = "") -> None:
        if not value or len(value) < MIN_LENGTH:
            return
        forms = {value, quote(value, safe="")}
        if username:
            forms.add(base64.b64encode(f"{username}:{value}".encode()).decode())
        with self._lock:
            self._values.update(forms)

    def redact(self, text: str) -> str:
        with self._lock:
            values = sorted(self._values, key=len, reverse=True)
        for value in values:
            text = text.replace(value, MASK)
        return text

    def __bool__(self) -> bool:
        return bool(self._values)

    def __repr__(self) -> str:  # never show the values, even in a traceback
        return f"<Secrets: {len(self._values)} values>"


class RedactingFilter(logging.Filter):
    """Redacts log records in place, arguments included."""

    def __init__(self, secrets: Secrets) -> None:
        super().__init__()
        self.secrets = secrets

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self.secrets.redact(record.getMessage())
        record.args = None
        return True
