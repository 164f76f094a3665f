"""Input and output shapes of the audit-log routes. Query parameters are validated here, at
the edge: an unknown parameter, a limit out of range or a time that does not parse is a 422
problem (`request.invalid`) before any service runs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from anxin.audit.actions import Outcome
from anxin.audit.export import ExportFormat
from anxin.audit.search import DEFAULT_LIMIT, MAX_LIMIT, EventFilter, Order, Page

_ID = Field(default=None, min_length=1, max_length=64)


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    """A time without a zone is taken as UTC (query strings often omit it)."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=dt.UTC)


class RangeParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    since: dt.datetime | None = Field(default=None, description="From this time (included).")
    until: dt.datetime | None = Field(default=None, description="To this time (excluded).")


class FilterParams(RangeParams):
    """Filters of a search or an export; every one given must match."""

    actor: str | None = Field(
        default=None,
        min_length=1,
        max_length=64,
        description="A username of the tenant, or any actor id (a gateway's, a job's).",
    )
    action: str | None = Field(
        default=None,
        min_length=1,
        max_length=64,
        pattern=r"^[a-z_]+(:[a-z_]*){0,2}$",
        description="An action (`contact:customer:read`), or a prefix ending in ':' (`contact:`).",
    )
    object_type: str | None = Field(default=None, min_length=1, max_length=32)
    object_id: str | None = _ID
    customer_id: str | None = Field(default=None, min_length=1, max_length=36)
    outcome: Outcome | None = None
    client_addr: str | None = _ID

    def to_filter(self) -> EventFilter:
        return EventFilter(
            since=_utc(self.since),
            until=_utc(self.until),
            actor_id=self.actor,
            action=self.action,
            object_type=self.object_type,
            object_id=self.object_id,
            customer_id=self.customer_id,
            outcome=self.outcome.value if self.outcome else None,
            client_addr=self.client_addr,
        )


class ExportParams(FilterParams):
    format: ExportFormat | None = Field(
        default=None, description="csv or jsonl; without it, the Accept header decides (CSV)."
    )


class SearchParams(FilterParams):
    after: int | None = Field(default=None, ge=0, description="Only events with a larger seq.")
    before: int | None = Field(default=None, ge=0, description="Only events with a smaller seq.")
    limit: int = Field(default=DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    order: Order = Order.ASC

    def to_page(self) -> Page:
        return Page(after=self.after, before=self.before, limit=self.limit, order=self.order)


class EventOut(BaseModel):
    seq: int
    occurred_at: dt.datetime
    actor_type: str
    actor_id: str
    action: str
    object_type: str
    object_id: str | None
    customer_id: str | None
    fields: list[str]
    client_addr: str | None
    outcome: str
    detail: dict[str, Any]
    leaf_hash: str


class SearchOut(BaseModel):
    events: list[EventOut]
    next_cursor: int | None = Field(
        description="Pass as `after` (ascending) or `before` (descending) for the next page; "
        "null on the last page."
    )


class UserReportOut(BaseModel):
    actor_id: str
    username: str | None
    since: dt.datetime | None
    until: dt.datetime | None
    events: int
    first_at: dt.datetime | None
    last_at: dt.datetime | None
    actions: dict[str, int]
    outcomes: dict[str, int]
    customers: dict[str, int]
    fields: dict[str, int]


class CustomerAccessOut(BaseModel):
    seq: int
    occurred_at: dt.datetime
    actor_type: str
    actor_id: str
    username: str | None
    role: str | None = Field(description="The user's role now (not necessarily then).")
    action: str
    object_type: str
    object_id: str | None
    fields: list[str]
    outcome: str


class CustomerReportOut(BaseModel):
    customer_id: str
    since: dt.datetime | None
    until: dt.datetime | None
    events: int
    actors: dict[str, int]
    fields: dict[str, int]
    accesses: list[CustomerAccessOut]
    truncated: bool


class DayOut(BaseModel):
    day: dt.date
    events: int
    actions: dict[str, int]
    outcomes: dict[str, int]
    actors: int
    denied: int
    reveals: int


class DailyReportOut(BaseModel):
    since: dt.datetime
    until: dt.datetime
    days: list[DayOut]


class CheckpointOut(BaseModel):
    tree_size: int
    root_hash: str
    note: str
    created_at: dt.datetime
    new: bool
    # Sent to ANXIN_AUDIT_WITNESS? None when none is configured or the checkpoint is not new.
    published: bool | None = None


class InclusionParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    index: int = Field(ge=0, description="The leaf index (the event's seq).")
    size: int | None = Field(default=None, ge=1, description="Default: the latest checkpoint's.")


class ConsistencyParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    old_size: int = Field(ge=0)
    new_size: int | None = Field(default=None, ge=0, description="Default: latest checkpoint's.")


class LeavesParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    size: int | None = Field(default=None, ge=0, description="Default: latest checkpoint's.")
