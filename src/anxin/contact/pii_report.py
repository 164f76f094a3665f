"""Aggregates of detected personal data for supervisors and privacy officers: counts per type
and per queue over a time range, never a value, a text or a customer.

Counted from `message_entities` (what ingestion detected), by the conversations created in the
range; nothing is decrypted.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from anxin.access.permissions import Permission
from anxin.access.service import authorize
from anxin.audit import service as audit_service
from anxin.audit.actions import AuditAction
from anxin.contact.models import Conversation, MessageEntity
from anxin.contact.reporting import resolve_range
from anxin.contact.schemas import PiiReport, QueueCounts, TypeCount
from anxin.kernel.clock import Clock
from anxin.kernel.errors import InvalidInput
from anxin.kernel.principal import Principal


def pii_report(
    session: Session,
    *,
    principal: Principal,
    clock: Clock,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> PiiReport:
    """Counts for conversations created in [since, until]; the last seven days by default."""
    authorize(principal, Permission.PII_REPORT_READ, object_type="report")
    if principal.tenant_id is None:
        raise InvalidInput("this report needs a tenant")
    since, until = resolve_range(clock, since, until)
    in_range = (
        MessageEntity.tenant_id == principal.tenant_id,
        Conversation.created_at >= since,
        Conversation.created_at <= until,
    )
    by_type: dict[str | None, dict[str, int]] = defaultdict(dict)
    for queue, pii_type, count in session.execute(
        select(Conversation.queue, MessageEntity.type, func.count())
        .join(Conversation, Conversation.id == MessageEntity.conversation_id)
        .where(*in_range)
        .group_by(Conversation.queue, MessageEntity.type)
    ):
        by_type[queue][pii_type] = int(count)
    conversations: dict[str | None, int] = {
        queue: int(count)
        for queue, count in session.execute(
            select(Conversation.queue, func.count(distinct(MessageEntity.conversation_id)))
            .join(Conversation, Conversation.id == MessageEntity.conversation_id)
            .where(*in_range)
            .group_by(Conversation.queue)
        )
    }
    report = _report(since, until, by_type, conversations)
    audit_service.append(
        session,
        principal=principal,
        action=AuditAction.PII_REPORT_READ,
        object_type="report",
        object_id=None,
        now=clock.now(),
        detail={"since": since.isoformat(), "until": until.isoformat(), "total": report.total},
    )
    return report


def _report(
    since: dt.datetime,
    until: dt.datetime,
    by_type: dict[str | None, dict[str, int]],
    conversations: dict[str | None, int],
) -> PiiReport:
    totals: dict[str, int] = defaultdict(int)
    for counts in by_type.values():
        for pii_type, count in counts.items():
            totals[pii_type] += count
    queues = [
        QueueCounts(
            queue=queue,
            conversations=int(conversations.get(queue, 0)),
            types=_sorted_counts(by_type[queue]),
        )
        for queue in sorted(by_type, key=lambda q: (q is None, q or ""))
    ]
    return PiiReport(
        since=since,
        until=until,
        total=sum(totals.values()),
        types=_sorted_counts(totals),
        queues=queues,
    )


def _sorted_counts(counts: dict[str, int]) -> list[TypeCount]:
    """Most frequent first, then by name, so reports compare line by line."""
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [TypeCount(type=t, count=c) for t, c in ordered]
