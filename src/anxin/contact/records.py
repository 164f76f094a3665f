"""Read-only rows for the hot read paths (repeat-caller lookup and history), via Core queries.

ORM loading costs a few hundred microseconds per query; the lookup runs on every incoming
call, so it selects plain rows into slotted dataclasses instead. The statements are built once,
with bound parameters, and run on the session's connection: building a SELECT costs more than
running it (~0.1 ms each), and these need none of the ORM's execution hooks. Every query here
names the tenant explicitly (on PostgreSQL, row-level security checks it again).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import Table, bindparam, select
from sqlalchemy.orm import Session

from anxin.contact.models import Conversation, Customer, CustomerIndex, MessageIndex, Ticket
from anxin.kernel.ids import is_id

CUSTOMERS = cast(Table, Customer.__table__)
CONVERSATIONS = cast(Table, Conversation.__table__)
CUSTOMER_INDEX = cast(Table, CustomerIndex.__table__)
MESSAGE_INDEX = cast(Table, MessageIndex.__table__)


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


_CUSTOMER_BY_DIGEST = (
    select(*_CUSTOMER_COLUMNS)
    .join(CUSTOMER_INDEX, CUSTOMER_INDEX.c.customer_id == CUSTOMERS.c.id)
    .where(
        CUSTOMER_INDEX.c.tenant_id == bindparam("tenant_id"),
        CUSTOMER_INDEX.c.kind == bindparam("kind"),
        CUSTOMER_INDEX.c.digest.in_(bindparam("digests", expanding=True)),
        CUSTOMERS.c.tenant_id == bindparam("tenant_id"),
    )
    .order_by(CUSTOMERS.c.created_at)
    .limit(1)
)

_CUSTOMER_CONVERSATIONS = (
    select(*_CONVERSATION_COLUMNS)
    .where(
        CONVERSATIONS.c.tenant_id == bindparam("tenant_id"),
        CONVERSATIONS.c.customer_id == bindparam("customer_id"),
    )
    .order_by(CONVERSATIONS.c.created_at.desc(), CONVERSATIONS.c.id.desc())
    .limit(bindparam("limit"))
)


def customer_by_digest(
    session: Session, *, tenant_id: str, kind: str, digests: Sequence[bytes]
) -> CustomerRecord | None:
    """The oldest customer whose blind index has this digest (a number shared by a household
    resolves to whoever had it first)."""
    params = {"tenant_id": tenant_id, "kind": kind, "digests": list(digests)}
    row = session.connection().execute(_CUSTOMER_BY_DIGEST, params).first()
    return None if row is None else CustomerRecord(*row)


def customer_conversations(
    session: Session, *, tenant_id: str, customer_id: str, limit: int
) -> list[ConversationRecord]:
    """Newest first; served by ix_conversations_customer_created."""
    params = {"tenant_id": tenant_id, "customer_id": customer_id, "limit": limit}
    rows = session.connection().execute(_CUSTOMER_CONVERSATIONS, params)
    return [ConversationRecord(*row) for row in rows]


def conversations_mentioning(
    session: Session, *, tenant_id: str, kind: str, digests: Sequence[bytes], limit: int
) -> list[tuple[str, dt.datetime, list[int]]]:
    """(conversation id, created_at, seqs) of conversations whose messages mention a value,
    newest conversation first; the index seek is on message_index's primary key."""
    query = (
        select(MESSAGE_INDEX.c.conversation_id, CONVERSATIONS.c.created_at, MESSAGE_INDEX.c.seq)
        .join(CONVERSATIONS, CONVERSATIONS.c.id == MESSAGE_INDEX.c.conversation_id)
        .where(
            MESSAGE_INDEX.c.tenant_id == tenant_id,
            MESSAGE_INDEX.c.kind == kind,
            MESSAGE_INDEX.c.digest.in_(list(digests)),
            CONVERSATIONS.c.tenant_id == tenant_id,
        )
        .order_by(CONVERSATIONS.c.created_at.desc(), CONVERSATIONS.c.id, MESSAGE_INDEX.c.seq)
    )
    found: dict[str, tuple[dt.datetime, list[int]]] = {}
    for conversation_id, created_at, seq in session.connection().execute(query):
        if conversation_id not in found:
            if len(found) == limit:
                break
            found[conversation_id] = (created_at, [])
        seqs = found[conversation_id][1]
        if seq not in seqs:  # the same message under two active index keys mid-rotation
            seqs.append(seq)
    return [(cid, created, seqs) for cid, (created, seqs) in found.items()]


# object type -> (its tenant column, its id column, its customer's id column)
_OWNER_OF: dict[str, tuple[Any, Any, Any]] = {
    "customer": (Customer.tenant_id, Customer.id, Customer.id),
    "conversation": (Conversation.tenant_id, Conversation.id, Conversation.customer_id),
    "ticket": (Ticket.tenant_id, Ticket.id, Ticket.customer_id),
}


def customer_of(
    session: Session, *, tenant_id: str, object_type: str | None, object_id: str | None
) -> str | None:
    """The customer an object is about (a conversation's or ticket's, or the customer itself),
    so a refusal recorded at the edge still names whose data was asked for; None for other
    objects and for ids that name nothing in the tenant."""
    owner = _OWNER_OF.get(object_type or "")
    if owner is None or object_id is None or not is_id(object_id):
        return None
    tenant, key, customer = owner
    found = session.scalar(select(customer).where(tenant == tenant_id, key == object_id))
    return None if found is None else str(found)
