"""Time is injected (DESIGN.md invariant 8) so expiry and retention are tested without sleeping."""

from __future__ import annotations

import datetime as dt
from typing import Protocol


class Clock(Protocol):
    """Source of the current time; always timezone-aware UTC."""

    def now(self) -> dt.datetime: ...


class SystemClock:
    """The wall clock."""

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)


class FrozenClock:
    """A clock that only moves when told to; for tests and deterministic demos."""

    def __init__(self, start: dt.datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FrozenClock needs a timezone-aware datetime")
        self._now = start

    def now(self) -> dt.datetime:
        return self._now

    def advance(self, delta: dt.timedelta) -> None:
        self._now += delta


def as_utc(value: dt.datetime) -> dt.datetime:
    """SQLite returns naive datetimes; everything we store is UTC, so say so explicitly."""
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)
