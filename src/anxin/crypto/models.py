"""Wrapped keys stored in the database. Only ciphertext of keys lives here; KEKs never do."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from anxin.db.base import Base, TenantOwned, UtcDateTime


class TenantIndexKey(TenantOwned, Base):
    """The tenant's blind-index HMAC key, wrapped by the tenant KEK."""

    __tablename__ = "tenant_index_keys"

    tenant_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    kek_version: Mapped[int] = mapped_column(Integer)
    wrapped: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class DataKey(TenantOwned, Base):
    """A data-encryption key (DEK) of one owner (a customer), wrapped by the tenant KEK.

    Destroying a customer's DEK (setting `wrapped` to empty and `destroyed_at`) makes every copy
    of that customer's ciphertext unreadable, backups included (DESIGN.md invariant 3).
    """

    __tablename__ = "data_keys"

    owner_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[str] = mapped_column(String(36))
    kek_version: Mapped[int] = mapped_column(Integer)
    wrapped: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    destroyed_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime, nullable=True)
