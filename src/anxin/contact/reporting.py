"""What the aggregate reports share: the time range they cover, checked the same way."""

from __future__ import annotations

import datetime as dt

from anxin.kernel.clock import Clock
from anxin.kernel.errors import InvalidInput

DEFAULT_DAYS = 7
MAX_DAYS = 366


def resolve_range(
    clock: Clock, since: dt.datetime | None, until: dt.datetime | None
) -> tuple[dt.datetime, dt.datetime]:
    """[since, until], the last seven days by default; at most a year, since before until."""
    until = _aware(until) if until is not None else clock.now()
    since = _aware(since) if since is not None else until - dt.timedelta(days=DEFAULT_DAYS)
    if not since < until or until - since > dt.timedelta(days=MAX_DAYS):
        raise InvalidInput(f"`since` must come before `until`, at most {MAX_DAYS} days apart")
    return since, until


def _aware(value: dt.datetime) -> dt.datetime:
    """A time without a zone is taken as UTC (query strings often omit it)."""
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
