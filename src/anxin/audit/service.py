"""Appending audit events. Called by every service inside the caller's transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from anxin.audit.actions import AuditAction, Outcome
from anxin.audit.models import AuditEvent
from anxin.kernel.principal import Principal

AUDIT_TABLE = cast(Table, AuditEvent.__table__)
_INSERT = insert(AUDIT_TABLE)


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
) -> None:
    """Record one action. `fields` names the data touched; values are never recorded.

    A prebuilt Core INSERT on the session's connection rather than session.add(): it is
    executed at once inside the caller's transaction, and skips the ORM flush and execution
    machinery on the one write every request makes.
    """
    session.connection().execute(
        _INSERT,
        {
            "tenant_id": principal.tenant_id,
            "occurred_at": now,
            "actor_type": principal.actor_type.value,
            "actor_id": principal.actor_id,
            "action": action.value,
            "object_type": object_type,
            "object_id": object_id,
            "fields": sorted(set(fields)),
            "client_addr": principal.client_addr,
            "outcome": outcome.value,
            "detail": dict(detail or {}),
        },
    )


def recent(session: Session, *, tenant_id: str, limit: int = 100) -> list[AuditEvent]:
    """Newest events of a tenant first; the audit issue replaces this with real search."""
    query = (
        select(AuditEvent)
        .where(AuditEvent.tenant_id == tenant_id)
        .order_by(AuditEvent.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))
