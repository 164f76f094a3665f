"""Queue statistics for supervisors: how each queue is doing, in counts and durations only.

No customer, text or agent name: conversations per status and disposition, satisfaction and
handling times per queue, for conversations created in the range. Handling time is active to
closed, for conversations that went through both; read from plain timestamp columns.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Mapping

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from anxin.access.permissions import Permission
from anxin.access.service import authorize
from anxin.audit import service as audit_service
from anxin.audit.actions import AuditAction
from anxin.contact.models import Conversation
from anxin.contact.reporting import resolve_range
from anxin.contact.schemas import QueueReport, QueueStats
from anxin.kernel.clock import Clock
from anxin.kernel.errors import InvalidInput
from anxin.kernel.principal import Principal


def queue_report(
    session: Session,
    *,
    principal: Principal,
    clock: Clock,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> QueueReport:
    authorize(principal, Permission.QUEUE_REPORT_READ, object_type="report")
    if principal.tenant_id is None:
        raise InvalidInput("this report needs a tenant")
    since, until = resolve_range(clock, since, until)
    in_range: tuple[ColumnElement[bool], ...] = (
        Conversation.tenant_id == principal.tenant_id,
        Conversation.created_at >= since,
        Conversation.created_at <= until,
    )
    counts: dict[str | None, dict[str, dict[str, int]]] = defaultdict(
        lambda: {"status": defaultdict(int), "disposition": defaultdict(int)}
    )
    for queue, status, disposition, n in session.execute(
        select(Conversation.queue, Conversation.status, Conversation.disposition, func.count())
        .where(*in_range)
        .group_by(Conversation.queue, Conversation.status, Conversation.disposition)
    ):
        counts[queue]["status"][status] += int(n)
        if disposition is not None:
            counts[queue]["disposition"][disposition] += int(n)
    timings = _timings(session, in_range)
    report = QueueReport(
        since=since,
        until=until,
        queues=[_stats(q, counts[q], *timings.get(q, ([], []))) for q in _ordered(counts)],
    )
    audit_service.append(
        session,
        principal=principal,
        action=AuditAction.QUEUE_REPORT_READ,
        object_type="report",
        object_id=None,
        now=clock.now(),
        detail={"since": since.isoformat(), "until": until.isoformat(), "queues": len(counts)},
    )
    return report


def _timings(
    session: Session, in_range: tuple[ColumnElement[bool], ...]
) -> dict[str | None, tuple[list[float], list[int]]]:
    """Per queue: handling seconds of closed conversations, and satisfaction scores given."""
    out: dict[str | None, tuple[list[float], list[int]]] = defaultdict(lambda: ([], []))
    for queue, active_at, closed_at, satisfaction in session.execute(
        select(
            Conversation.queue,
            Conversation.active_at,
            Conversation.closed_at,
            Conversation.satisfaction,
        ).where(*in_range, Conversation.closed_at.is_not(None))
    ):
        handled, scores = out[queue]
        if active_at is not None and closed_at is not None:
            handled.append((closed_at - active_at).total_seconds())
        if satisfaction is not None:
            scores.append(int(satisfaction))
    return out


def _stats(
    queue: str | None, counts: dict[str, dict[str, int]], handled: list[float], scores: list[int]
) -> QueueStats:
    return QueueStats(
        queue=queue,
        conversations=sum(counts["status"].values()),
        by_status=dict(sorted(counts["status"].items())),
        by_disposition=dict(sorted(counts["disposition"].items())),
        handled=len(handled),
        median_handle_s=round(statistics.median(handled), 1) if handled else None,
        mean_satisfaction=round(statistics.fmean(scores), 2) if scores else None,
        rated=len(scores),
    )


def _ordered(counts: Mapping[str | None, object]) -> list[str | None]:
    return sorted(counts, key=lambda q: (q is None, q or ""))
