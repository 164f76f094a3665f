"""Contact-center tables. Every personal value is a sealed blob (`*_ct`), never plaintext.

Sealed columns use the owning customer's data key, so destroying that one key makes the
customer's fields, messages and tickets unreadable everywhere at once (crypto-shredding).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from anxin.db.base import Base, TenantOwned, UtcDateTime


class Customer(TenantOwned, Base):
    __tablename__ = "customers"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    dek_version: Mapped[int] = mapped_column(Integer)
    name_ct: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    phones_ct: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    email_ct: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    id_number_ct: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    address_ct: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    # Set when the customer was erased: keys destroyed, sealed columns emptied, row kept so
    # conversation statistics still add up.
    erased_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime, nullable=True)


class CustomerIndex(TenantOwned, Base):
    """Blind-index entries: HMAC digests of normalized identifiers pointing at a customer.

    The primary key starts with what a lookup knows (tenant, kind, digest), so a repeat-caller
    lookup is one index seek and no other index slows inserts.
    """

    __tablename__ = "customer_index"

    tenant_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    digest: Mapped[bytes] = mapped_column(LargeBinary(32), primary_key=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), primary_key=True)
    key_version: Mapped[int] = mapped_column(Integer)


class Conversation(TenantOwned, Base):
    __tablename__ = "conversations"
    __table_args__ = (
        Index("ix_conversations_customer_created", "tenant_id", "customer_id", "created_at"),
        Index("ix_conversations_agent_status", "tenant_id", "assigned_agent_id", "status"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"))
    channel: Mapped[str] = mapped_column(String(8))
    direction: Mapped[str] = mapped_column(String(8))
    dialed_number: Mapped[str | None] = mapped_column(String(32), nullable=True)
    queue: Mapped[str | None] = mapped_column(String(64), nullable=True)
    gateway_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    assigned_agent_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    active_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime, nullable=True)
    wrap_up_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime, nullable=True)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime, nullable=True)
    satisfaction: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)
    disposition: Mapped[str | None] = mapped_column(String(32), nullable=True)
    resolution_summary_ct: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    message_count: Mapped[int] = mapped_column(Integer, default=0)


class Message(TenantOwned, Base):
    """A chat message or a transcript segment. Keyed by (conversation, seq): no random index."""

    __tablename__ = "messages"

    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[str] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(8))
    speaker: Mapped[str] = mapped_column(String(8))
    offset_ms: Mapped[int | None] = mapped_column(Integer, nullable=True)
    text_ct: Mapped[bytes] = mapped_column(LargeBinary)
    # Plaintext on purpose: the text with detected personal data replaced by typed placeholders,
    # for search, summaries and reports (DESIGN.md invariant 2). Anything the detector missed is
    # readable here by whoever holds the database (docs/security-model.md). NULL for messages
    # ingested before detection ran at ingestion (revision 0003).
    text_redacted: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class MessageEntity(TenantOwned, Base):
    """Where the detector found personal data in a message: type and offsets, never the value."""

    __tablename__ = "message_entities"

    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    start_offset: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[str] = mapped_column(String(36))
    end_offset: Mapped[int] = mapped_column(Integer)
    type: Mapped[str] = mapped_column(String(16))
    score: Mapped[float] = mapped_column(Float)


class MessageIndex(TenantOwned, Base):
    """Blind-index entries of identifiers mentioned in messages, like `customer_index`.

    Answers "which conversations mentioned this number" with one index seek and no decryption.
    """

    __tablename__ = "message_index"
    __table_args__ = (Index("ix_message_index_conversation", "tenant_id", "conversation_id"),)

    tenant_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    digest: Mapped[bytes] = mapped_column(LargeBinary(32), primary_key=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    key_version: Mapped[int] = mapped_column(Integer)


class Ticket(TenantOwned, Base):
    __tablename__ = "tickets"
    __table_args__ = (Index("ix_tickets_conversation", "tenant_id", "conversation_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"))
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id"))
    subject_ct: Mapped[bytes] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(16))
    priority: Mapped[str] = mapped_column(String(8))
    created_by: Mapped[str] = mapped_column(String(36))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class IdempotencyRecord(TenantOwned, Base):
    """A finished idempotent request: a retry with the same key and body gets this response."""

    __tablename__ = "idempotency_keys"

    tenant_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    actor_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    request_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    response: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class Reveal(TenantOwned, Base):
    """One raw value shown on request. Counts a user's reveals in the last hour (the policy's
    `reveal.per_hour`); the reason lives in the audit event written with it, not here."""

    __tablename__ = "reveals"
    __table_args__ = (Index("ix_reveals_actor_time", "tenant_id", "actor_id", "revealed_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    actor_id: Mapped[str] = mapped_column(String(64))
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id"))
    target: Mapped[str] = mapped_column(String(32))
    seq: Mapped[int | None] = mapped_column(Integer, nullable=True)
    revealed_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
