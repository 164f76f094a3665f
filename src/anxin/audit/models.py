"""The audit tables: events (the Merkle log's leaves), checkpoints and stored subtree hashes.

All three are append-only: the application role may only INSERT and SELECT (revisions 0006
and 0007), and verification catches what a superuser changes by hand.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, Integer, LargeBinary, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from anxin.db.base import Base, UtcDateTime

_ROW_ID = BigInteger().with_variant(Integer, "sqlite")


class AuditEvent(Base):
    """One recorded action, and one leaf of its tenant's log (platform events: the platform
    log). Holds names and ids only: never a personal value or a secret.

    Not `TenantOwned`: platform-operator events have no tenant. Tenant reads filter explicitly.
    Indexes are few and ordered by insertion (the integer key, (tenant, seq) and
    (tenant, occurred_at) all grow at the end), which is what makes auditing every read
    affordable on SQLite; searches by actor or customer narrow by time first.
    """

    __tablename__ = "audit_events"
    __table_args__ = (
        Index(
            "ux_audit_events_log_seq",
            "tenant_id",
            "seq",
            unique=True,
            postgresql_nulls_not_distinct=True,
        ),
        Index("ix_audit_events_tenant_time", "tenant_id", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(_ROW_ID, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    # 0-based position in the tenant's log: the Merkle leaf index. Gapless.
    seq: Mapped[int] = mapped_column(BigInteger)
    occurred_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    actor_type: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # Whose personal data the action touched, when it touched one customer's.
    customer_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    fields: Mapped[list[str]] = mapped_column(JSON, default=list)
    client_addr: Mapped[str | None] = mapped_column(String(64), nullable=True)
    outcome: Mapped[str] = mapped_column(String(16))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # SHA-256(0x00 || entry_bytes(row)), written with the row (audit/entry.py).
    leaf_hash: Mapped[bytes] = mapped_column(LargeBinary(32))


class AuditCheckpoint(Base):
    """A signed tree head of one log: the note exactly as signed (C2SP signed note)."""

    __tablename__ = "audit_checkpoints"
    __table_args__ = (
        Index(
            "ux_audit_checkpoints_log_size",
            "tenant_id",
            "tree_size",
            unique=True,
            postgresql_nulls_not_distinct=True,
        ),
    )

    id: Mapped[int] = mapped_column(_ROW_ID, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    tree_size: Mapped[int] = mapped_column(BigInteger)
    root_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    note: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class AuditNode(Base):
    """The hash of a perfect subtree: leaves [index * 2^level, (index + 1) * 2^level).

    Levels 1 and up, written when a checkpoint covers them, so a proof reads about log2(n)
    rows instead of rehashing the log. Level 0 is `AuditEvent.leaf_hash`.
    """

    __tablename__ = "audit_nodes"
    __table_args__ = (
        Index(
            "ux_audit_nodes_position",
            "tenant_id",
            "level",
            "idx",
            unique=True,
            postgresql_nulls_not_distinct=True,
        ),
    )

    id: Mapped[int] = mapped_column(_ROW_ID, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    level: Mapped[int] = mapped_column(SmallInteger)
    idx: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[bytes] = mapped_column(LargeBinary(32))
