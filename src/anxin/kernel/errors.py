"""The error base class. Domain packages raise subclasses; app.py translates them once.

Each error carries a stable machine-readable `code` (clients branch on it) and an HTTP status
hint. Messages must never contain secrets or personal data: they are shown to callers and logged.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any, ClassVar


class AnxinError(Exception):
    """Base for every expected failure. Unknown exceptions become a bare 500."""

    code: ClassVar[str] = "anxin.error"
    status: ClassVar[int] = 400
    title: ClassVar[str] = "Request failed"
    # Set by refusals that end by themselves (rate limits, lockouts): sent as Retry-After.
    retry_after_s: int | None = None

    def __init__(self, detail: str | None = None, **extra: Any) -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.extra = extra

    def headers(self) -> dict[str, str]:
        """HTTP headers the response should carry (Retry-After on a rate limit, say)."""
        return {} if self.retry_after_s is None else {"Retry-After": str(self.retry_after_s)}


def retry_after_seconds(delta: dt.timedelta) -> int:
    """A wait as Retry-After wants it: whole seconds, rounded up, at least one."""
    return max(1, math.ceil(delta.total_seconds()))


class NotFound(AnxinError):
    code = "not_found"
    status = 404
    title = "Not found"


class InvalidInput(AnxinError):
    code = "invalid_input"
    status = 422
    title = "Invalid input"


class Conflict(AnxinError):
    code = "conflict"
    status = 409
    title = "Conflict"
