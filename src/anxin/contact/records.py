"""Read-only rows for the hot read paths (repeat-caller lookup and history), via Core queries.

ORM loading costs a few hundred microseconds per query; the lookup runs on every incoming
call, so it selects plain rows into slotted dataclasses instead. Every query here names the
tenant explicitly (on PostgreSQL, row-level security checks it again).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from anxin.contact.models import Conversation, Customer, CustomerIndex

CUSTOMERS = cast(Table, Customer.__table__)
CONVERSATIONS = cast(Table, Conversation.__table__)
CUSTOMER_INDEX = cast(Table, CustomerIndex.__table__)


@dataclasses.dataclass(frozen=True, slots=True)
class CustomerRecord:
    id: str
    tenant_id: str
    dek_version: int
    name_ct: bytes | None
    phones_ct: bytes | None
    email_ct: bytes | None
    id_number_ct: bytes | None
    address_ct: bytes | None
    created_at: dt.datetime


@dataclasses.dataclass(frozen=True, slots=True)
class ConversationRecord:
    id: str
    tenant_id: str
    customer_id: str
    channel: str
    direction: str
    dialed_number: str | None
    queue: str | None
    assigned_agent_id: str | None
    status: str
    created_at: dt.datetime
    active_at: dt.datetime | None
    wrap_up_at: dt.datetime | None
    closed_at: dt.datetime | None
    satisfaction: int | None
    disposition: str | None
    resolution_summary_ct: bytes | None
    message_count: int


def _columns(table: Table, record: type[Any]) -> list[Any]:
    return [table.c[f.name] for f in dataclasses.fields(record)]


_CUSTOMER_COLUMNS = _columns(CUSTOMERS, CustomerRecord)
_CONVERSATION_COLUMNS = _columns(CONVERSATIONS, ConversationRecord)


def customer_by_digest(
    session: Session, *, tenant_id: str, kind: str, digests: Sequence[bytes]
) -> CustomerRecord | None:
    """The oldest customer whose blind index has this digest (a number shared by a household
    resolves to whoever had it first)."""
    query = (
        select(*_CUSTOMER_COLUMNS)
        .join(CUSTOMER_INDEX, CUSTOMER_INDEX.c.customer_id == CUSTOMERS.c.id)
        .where(
            CUSTOMER_INDEX.c.tenant_id == tenant_id,
            CUSTOMER_INDEX.c.kind == kind,
            CUSTOMER_INDEX.c.digest.in_(digests),
            CUSTOMERS.c.tenant_id == tenant_id,
        )
        .order_by(CUSTOMERS.c.created_at)
        .limit(1)
    )
    row = session.execute(query).first()
    return None if row is None else CustomerRecord(*row)


def customer_conversations(
    session: Session, *, tenant_id: str, customer_id: str, limit: int
) -> list[ConversationRecord]:
    """Newest first; served by ix_conversations_customer_created."""
    query = (
        select(*_CONVERSATION_COLUMNS)
        .where(CONVERSATIONS.c.tenant_id == tenant_id, CONVERSATIONS.c.customer_id == customer_id)
        .order_by(CONVERSATIONS.c.created_at.desc(), CONVERSATIONS.c.id.desc())
        .limit(limit)
    )
    return [ConversationRecord(*row) for row in session.execute(query)]
