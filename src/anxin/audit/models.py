"""The audit table. Append-only by convention now; the audit issue makes it a Merkle log."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, BigInteger, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from anxin.db.base import Base, UtcDateTime


class AuditEvent(Base):
    """One recorded action. Holds names and ids only: never a personal value or a secret.

    Not `TenantOwned`: platform-operator events have no tenant. Tenant reads filter explicitly.
    The integer key keeps inserts append-only (no random-key index), which is what makes
    auditing every read affordable on SQLite.
    """

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    tenant_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    occurred_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    actor_type: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    fields: Mapped[list[str]] = mapped_column(JSON, default=list)
    client_addr: Mapped[str | None] = mapped_column(String(64), nullable=True)
    outcome: Mapped[str] = mapped_column(String(16))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
