"""Reports over one tenant's log: what a user did, who touched a customer, each day in numbers.

No authorization here (oversight/service.py decides and records each report). Each report
reads only the columns it counts, within the time range when one is given (the
(tenant_id, occurred_at) index), streaming rows rather than loading the range; the
aggregation is plain Python because grouping by day or unnesting the JSON `fields` list
differs between SQLite and PostgreSQL, and the rows of a range are read once either way.
"""

from __future__ import annotations

import collections
import dataclasses
import datetime as dt
from collections import Counter
from typing import Any, cast

from sqlalchemy import Connection, Table, select

from anxin.audit.actions import AuditAction, Outcome
from anxin.audit.models import AuditEvent
from anxin.audit.search import EventFilter, conditions, seq_key
from anxin.kernel.clock import as_utc

_E = cast(Table, AuditEvent.__table__).c
# Rows a customer report lists; the counts above them still cover every event.
CUSTOMER_ROWS = 10_000
_STREAM = {"yield_per": 2_000}


@dataclasses.dataclass(frozen=True, slots=True)
class UserActivity:
    """Everything one actor did in the range: counts, never the values they saw."""

    actor_id: str
    events: int
    first_at: dt.datetime | None
    last_at: dt.datetime | None
    actions: dict[str, int]
    outcomes: dict[str, int]
    # Customers whose data the actor's actions touched, with how many events each.
    customers: dict[str, int]
    # Field names read or written, with how many events named each.
    fields: dict[str, int]


@dataclasses.dataclass(frozen=True, slots=True)
class CustomerAccess:
    seq: int
    occurred_at: dt.datetime
    actor_type: str
    actor_id: str
    action: str
    object_type: str
    object_id: str | None
    fields: list[str]
    outcome: str


@dataclasses.dataclass(frozen=True, slots=True)
class CustomerActivity:
    """Who touched one customer's data, for a data-subject request."""

    customer_id: str
    events: int
    actors: dict[str, int]
    fields: dict[str, int]
    accesses: list[CustomerAccess]
    truncated: bool


@dataclasses.dataclass(frozen=True, slots=True)
class DaySummary:
    day: dt.date
    events: int
    actions: dict[str, int]
    outcomes: dict[str, int]
    actors: int
    denied: int
    # Raw values shown (successful reveals).
    reveals: int


def _sorted(counter: Counter[str]) -> dict[str, int]:
    return dict(sorted(counter.items()))


def user_activity(
    conn: Connection,
    *,
    tenant_id: str,
    actor_id: str,
    since: dt.datetime | None,
    until: dt.datetime | None,
) -> UserActivity:
    where = EventFilter(since=since, until=until, actor_id=actor_id)
    query = (
        select(_E.occurred_at, _E.action, _E.outcome, _E.customer_id, _E.fields)
        .where(*conditions(tenant_id, where))
        .order_by(seq_key(where))
    )
    actions: Counter[str] = Counter()
    outcomes: Counter[str] = Counter()
    customers: Counter[str] = Counter()
    fields: Counter[str] = Counter()
    first: dt.datetime | None = None
    last: dt.datetime | None = None
    for occurred_at, action, outcome, customer_id, names in conn.execute(
        query, execution_options=_STREAM
    ):
        at = as_utc(occurred_at)
        first = at if first is None or at < first else first
        last = at if last is None or at > last else last
        actions[action] += 1
        outcomes[outcome] += 1
        if customer_id is not None:
            customers[customer_id] += 1
        fields.update(names or [])
    return UserActivity(
        actor_id=actor_id,
        events=sum(actions.values()),
        first_at=first,
        last_at=last,
        actions=_sorted(actions),
        outcomes=_sorted(outcomes),
        customers=_sorted(customers),
        fields=_sorted(fields),
    )


def customer_activity(
    conn: Connection,
    *,
    tenant_id: str,
    customer_id: str,
    since: dt.datetime | None,
    until: dt.datetime | None,
) -> CustomerActivity:
    """Every event that named the customer, oldest first (the first CUSTOMER_ROWS listed)."""
    where = EventFilter(since=since, until=until, customer_id=customer_id)
    columns = [f.name for f in dataclasses.fields(CustomerAccess)]
    query = (
        select(*(_E[c] for c in columns))
        .where(*conditions(tenant_id, where))
        .order_by(seq_key(where))
    )
    actors: Counter[str] = Counter()
    fields: Counter[str] = Counter()
    accesses: list[CustomerAccess] = []
    for row in conn.execute(query, execution_options=_STREAM):
        values: dict[str, Any] = dict(row._mapping)
        actors[values["actor_id"]] += 1
        fields.update(values["fields"] or [])
        if len(accesses) < CUSTOMER_ROWS:
            values.update(
                seq=int(values["seq"]),
                occurred_at=as_utc(values["occurred_at"]),
                fields=list(values["fields"] or []),
            )
            accesses.append(CustomerAccess(**values))
    events = sum(actors.values())
    return CustomerActivity(
        customer_id=customer_id,
        events=events,
        actors=_sorted(actors),
        fields=_sorted(fields),
        accesses=accesses,
        truncated=events > len(accesses),
    )


def daily(
    conn: Connection, *, tenant_id: str, since: dt.datetime, until: dt.datetime
) -> list[DaySummary]:
    """One summary per UTC day with events in [since, until), oldest first."""
    where = EventFilter(since=since, until=until)
    query = select(_E.occurred_at, _E.actor_id, _E.action, _E.outcome).where(
        *conditions(tenant_id, where)
    )
    actions: dict[dt.date, Counter[str]] = collections.defaultdict(Counter)
    outcomes: dict[dt.date, Counter[str]] = collections.defaultdict(Counter)
    actors: dict[dt.date, set[str]] = collections.defaultdict(set)
    reveals: Counter[dt.date] = Counter()
    for occurred_at, actor_id, action, outcome in conn.execute(query, execution_options=_STREAM):
        day = as_utc(occurred_at).date()
        actions[day][action] += 1
        outcomes[day][outcome] += 1
        actors[day].add(actor_id)
        # Values actually shown; a refused reveal counts under denied.
        reveals[day] += action == AuditAction.VALUE_REVEAL and outcome == Outcome.SUCCESS
    return [
        DaySummary(
            day=day,
            events=sum(actions[day].values()),
            actions=_sorted(actions[day]),
            outcomes=_sorted(outcomes[day]),
            actors=len(actors[day]),
            denied=outcomes[day][Outcome.DENIED],
            reveals=reveals[day],
        )
        for day in sorted(actions)
    ]
