"""Appending audit events: the leaves of each tenant's Merkle log.

Called by every service inside the caller's transaction, so an action and its event commit or
vanish together, and a rolled-back action leaves no hole in the numbering.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, cast

from sqlalchemy import Connection, Table, bindparam, func, insert, select
from sqlalchemy.orm import Session

from anxin.audit.actions import AuditAction, Outcome
from anxin.audit.entry import entry_leaf_hash
from anxin.audit.models import AuditEvent
from anxin.kernel.principal import Principal

AUDIT_TABLE = cast(Table, AuditEvent.__table__)
_INSERT = insert(AUDIT_TABLE)
_EVENTS = AUDIT_TABLE.c
_LAST_SEQ = {
    True: select(func.max(_EVENTS.seq)).where(_EVENTS.tenant_id.is_(None)),
    False: select(func.max(_EVENTS.seq)).where(_EVENTS.tenant_id == bindparam("tenant")),
}
# Appends to one log queue here until the transaction ends; other tenants' appends do not wait.
_LOCK_LOG = select(func.pg_advisory_xact_lock(func.hashtext(bindparam("log"))))


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    """An action to record. `fields` names the data touched; values are never recorded."""

    principal: Principal
    action: AuditAction
    object_type: str
    object_id: str | None
    now: dt.datetime
    fields: Iterable[str] = ()
    outcome: Outcome = Outcome.SUCCESS
    detail: Mapping[str, Any] | None = None
    customer_id: str | None = None


def append(
    session: Session,
    *,
    principal: Principal,
    action: AuditAction,
    object_type: str,
    object_id: str | None,
    now: dt.datetime,
    fields: Iterable[str] = (),
    outcome: Outcome = Outcome.SUCCESS,
    detail: Mapping[str, Any] | None = None,
    customer_id: str | None = None,
) -> None:
    """Record one action as the next leaf of the principal's tenant log."""
    event = Event(
        principal=principal,
        action=action,
        object_type=object_type,
        object_id=object_id,
        now=now,
        fields=fields,
        outcome=outcome,
        detail=detail,
        customer_id=customer_id,
    )
    append_many(session, [event])


def append_many(session: Session, events: Sequence[Event]) -> None:
    """Record several actions in order, one INSERT per batch.

    A prebuilt Core INSERT on the session's connection rather than session.add(): it runs at
    once inside the caller's transaction and skips the ORM flush on the one write every
    request makes.
    """
    conn = session.connection()
    rows: list[dict[str, Any]] = []
    next_seq: dict[str | None, int] = {}
    for event in events:
        tenant_id = event.principal.tenant_id
        if tenant_id not in next_seq:
            next_seq[tenant_id] = last_seq(conn, tenant_id, lock=True) + 1
        row = _row(event, next_seq[tenant_id])
        next_seq[tenant_id] += 1
        row["leaf_hash"] = entry_leaf_hash(row)
        rows.append(row)
    if rows:
        conn.execute(_INSERT, rows)


def last_seq(conn: Connection, tenant_id: str | None, *, lock: bool = False) -> int:
    """The newest sequence number of a log, -1 when empty.

    With `lock`, on PostgreSQL, first waits for other transactions appending to the same log
    (SQLite admits one writer at a time already), so the number read stays the newest until
    this transaction ends: gapless, and the unique (tenant_id, seq) index backs it up.
    """
    if lock and conn.dialect.name == "postgresql":
        conn.execute(_LOCK_LOG, {"log": f"audit:{tenant_id or ''}"})
    last = conn.execute(_LAST_SEQ[tenant_id is None], {"tenant": tenant_id}).scalar()
    return -1 if last is None else int(last)


def _row(event: Event, seq: int) -> dict[str, Any]:
    principal = event.principal
    return {
        "tenant_id": principal.tenant_id,
        "seq": seq,
        "occurred_at": event.now,
        "actor_type": principal.actor_type.value,
        "actor_id": principal.actor_id,
        "action": event.action.value,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "customer_id": event.customer_id,
        "fields": sorted(set(event.fields)),
        "client_addr": principal.client_addr,
        "outcome": event.outcome.value,
        "detail": _as_stored(event.detail) if event.detail else {},
    }


_PLAIN = (str, int, bool, type(None))


def _as_stored(detail: Mapping[str, Any]) -> dict[str, Any]:
    """The detail as the JSON column will give it back, which is what the hash must cover.

    Through JSON once (string keys, lists for tuples), except for the usual flat detail of
    strings and integers, which JSON gives back unchanged: a copy is enough (0.5 µs instead of
    3.6 µs, of the 30-40 µs an event costs in append_many). Exact types only: a str or int
    subclass (an enum) may serialize differently from its value.
    """
    if all(type(k) is str and type(v) in _PLAIN for k, v in detail.items()):
        return dict(detail)
    return cast(dict[str, Any], json.loads(json.dumps(detail)))
