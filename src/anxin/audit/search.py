"""Finding events in one tenant's log: filters, keyset pages by sequence number, no authorization.

The caller (oversight/service.py) has already decided who may search and records the search;
this module only reads, and always within the one tenant it is given.

Indexes: audit_events has only (tenant_id, seq) and (tenant_id, occurred_at), on purpose (each
extra index is paid on every append, and every request appends). So:

* with a time range the query is steered onto the (tenant_id, occurred_at) index and every
  other filter, the cursor and the ordering work within the rows of that range (sequence
  numbers are written as ``seq + 0`` there, which no index serves, so neither planner is
  tempted to walk the whole log in seq order hoping to meet the range);
* without one, the (tenant_id, seq) index gives the order and the cursor, and the other
  filters are checked row by row: cheap when they match often, a scan of the log when they
  are rare. Narrow searches by actor or customer should give a time range.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from typing import Any, cast

from sqlalchemy import ColumnElement, Connection, Select, Table, select

from anxin.audit.models import AuditEvent
from anxin.kernel.clock import as_utc

_TABLE = cast(Table, AuditEvent.__table__)
_E = _TABLE.c
MAX_LIMIT = 1000
DEFAULT_LIMIT = 100

# The columns of a search result and of an export, in their stable order (docs/audit.md).
COLUMNS = (
    "seq",
    "occurred_at",
    "actor_type",
    "actor_id",
    "action",
    "object_type",
    "object_id",
    "customer_id",
    "fields",
    "client_addr",
    "outcome",
    "detail",
    "leaf_hash",
)


class Order(enum.StrEnum):
    ASC = "asc"
    DESC = "desc"


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class EventFilter:
    """What to look for; None means any. Times are a half-open range [since, until).

    `action` is exact, or a prefix when it ends with ":" (``contact:`` or
    ``contact:customer:``).
    """

    since: dt.datetime | None = None
    until: dt.datetime | None = None
    actor_id: str | None = None
    action: str | None = None
    object_type: str | None = None
    object_id: str | None = None
    customer_id: str | None = None
    outcome: str | None = None
    client_addr: str | None = None

    @property
    def has_time_range(self) -> bool:
        return self.since is not None or self.until is not None

    def as_detail(self) -> dict[str, str]:
        """The filter as it is recorded in the audit event of the search itself."""
        values = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        return {
            k: v.isoformat() if isinstance(v, dt.datetime) else str(v)
            for k, v in values.items()
            if v is not None
        }


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Page:
    """Keyset paging: events with `after` < seq < `before`, at most `limit`, in `order`."""

    after: int | None = None
    before: int | None = None
    limit: int = DEFAULT_LIMIT
    order: Order = Order.ASC


@dataclasses.dataclass(frozen=True, slots=True)
class EventRow:
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
    leaf_hash: str  # hex


@dataclasses.dataclass(frozen=True, slots=True)
class SearchResult:
    events: list[EventRow]
    # The cursor of the next page (pass as `after` ascending, `before` descending), None at
    # the end: one more row than asked is read to know.
    next_cursor: int | None


def conditions(tenant_id: str, where: EventFilter) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = [_E.tenant_id == tenant_id]
    if where.since is not None:
        found.append(_E.occurred_at >= as_utc(where.since))
    if where.until is not None:
        found.append(_E.occurred_at < as_utc(where.until))
    if where.action is not None:
        if where.action.endswith(":"):
            found.append(_E.action.startswith(where.action, autoescape=True))
        else:
            found.append(_E.action == where.action)
    exact = {
        _E.actor_id: where.actor_id,
        _E.object_type: where.object_type,
        _E.object_id: where.object_id,
        _E.customer_id: where.customer_id,
        _E.outcome: where.outcome,
        _E.client_addr: where.client_addr,
    }
    found += [column == value for column, value in exact.items() if value is not None]
    return found


def seq_key(where: EventFilter) -> ColumnElement[int]:
    """The sequence number as the query should order and page by (see the module docstring)."""
    return cast(ColumnElement[int], _E.seq + 0) if where.has_time_range else _E.seq


def search_query(tenant_id: str, where: EventFilter, page: Page) -> Select[Any]:
    key = seq_key(where)
    query = select(*(_E[c] for c in COLUMNS)).where(*conditions(tenant_id, where))
    if page.after is not None:
        query = query.where(key > page.after)
    if page.before is not None:
        query = query.where(key < page.before)
    ordering = key.asc() if page.order is Order.ASC else key.desc()
    return query.order_by(ordering).limit(page.limit + 1)


def search(conn: Connection, *, tenant_id: str, where: EventFilter, page: Page) -> SearchResult:
    """One page of the tenant's events that match, and the cursor of the next page."""
    if not 1 <= page.limit <= MAX_LIMIT:
        raise ValueError(f"limit must be 1..{MAX_LIMIT}")
    rows = conn.execute(search_query(tenant_id, where, page)).all()
    events = [_event(row) for row in rows[: page.limit]]
    more = len(rows) > page.limit
    return SearchResult(events, events[-1].seq if more else None)


def _event(row: Any) -> EventRow:
    values = row._mapping
    return EventRow(
        seq=int(values["seq"]),
        occurred_at=as_utc(values["occurred_at"]),
        actor_type=values["actor_type"],
        actor_id=values["actor_id"],
        action=values["action"],
        object_type=values["object_type"],
        object_id=values["object_id"],
        customer_id=values["customer_id"],
        fields=list(values["fields"] or []),
        client_addr=values["client_addr"],
        outcome=values["outcome"],
        detail=dict(values["detail"] or {}),
        leaf_hash=bytes(values["leaf_hash"]).hex(),
    )
