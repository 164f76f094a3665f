"""Envelope encryption: per-customer data keys wrapped by the tenant KEK, plus index keys.

One Keyring per process. It caches unwrapped keys as ready AESGCM objects (building the cipher
object costs more than the encryption of a short field), bounded in number.
"""

from __future__ import annotations

import collections
import dataclasses
import datetime as dt
import os
import threading
from typing import cast

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from anxin.crypto import aead
from anxin.crypto.aead import FieldRef
from anxin.crypto.errors import KeyDestroyed, UnknownKey
from anxin.crypto.models import DataKey as DataKeyRow
from anxin.crypto.models import TenantIndexKey
from anxin.crypto.provider import KeyProvider

KEY_BYTES = 32
DATA_KEYS = cast(Table, DataKeyRow.__table__)


@dataclasses.dataclass(frozen=True, slots=True)
class DataKey:
    """An unwrapped DEK, ready to seal and open one owner's fields."""

    owner_id: str
    version: int
    cipher: AESGCM = dataclasses.field(repr=False)

    def seal(self, ref: FieldRef, plaintext: str) -> bytes:
        return aead.seal(
            self.cipher, key_version=self.version, plaintext=plaintext.encode(), ref=ref
        )

    def open(self, ref: FieldRef, blob: bytes) -> str:
        return aead.open_sealed(self.cipher, blob=blob, ref=ref).decode()


@dataclasses.dataclass(frozen=True, slots=True)
class IndexKey:
    version: int
    key: bytes = dataclasses.field(repr=False)


def _dek_context(tenant_id: str, owner_id: str, version: int, kek_version: int) -> bytes:
    return f"anxin.dek.v1\x00{tenant_id}\x00{owner_id}\x00{version}\x00{kek_version}".encode()


def _index_context(tenant_id: str, version: int, kek_version: int) -> bytes:
    return f"anxin.index-key.v1\x00{tenant_id}\x00{version}\x00{kek_version}".encode()


class Keyring:
    def __init__(self, provider: KeyProvider, *, cache_size: int = 50_000) -> None:
        self.provider = provider
        self._cache_size = cache_size
        self._data_keys: collections.OrderedDict[tuple[str, int], DataKey] = (
            collections.OrderedDict()
        )
        self._index_keys: dict[str, IndexKey] = {}
        self._lock = threading.Lock()

    def create_tenant_keys(self, session: Session, *, tenant_id: str, now: dt.datetime) -> None:
        """A new tenant's KEK (in the provider) and first blind-index key (wrapped, in the db)."""
        kek_version = self.provider.create_kek(tenant_id=tenant_id)
        secret = os.urandom(KEY_BYTES)
        wrapped = self.provider.wrap(
            tenant_id=tenant_id,
            kek_version=kek_version,
            key=secret,
            context=_index_context(tenant_id, 1, kek_version),
        )
        session.add(
            TenantIndexKey(
                tenant_id=tenant_id,
                version=1,
                kek_version=kek_version,
                wrapped=wrapped,
                created_at=now,
            )
        )

    def index_key(self, session: Session, *, tenant_id: str) -> IndexKey:
        cached = self._index_keys.get(tenant_id)
        if cached is not None:
            return cached
        row = session.scalars(
            select(TenantIndexKey)
            .where(TenantIndexKey.tenant_id == tenant_id)
            .order_by(TenantIndexKey.version.desc())
            .limit(1)
        ).first()
        if row is None:
            raise UnknownKey(f"tenant {tenant_id} has no blind-index key")
        secret = self.provider.unwrap(
            tenant_id=tenant_id,
            kek_version=row.kek_version,
            wrapped=row.wrapped,
            context=_index_context(tenant_id, row.version, row.kek_version),
        )
        key = IndexKey(version=row.version, key=secret)
        self._index_keys[tenant_id] = key
        return key

    def new_data_key(
        self, session: Session, *, tenant_id: str, owner_id: str, now: dt.datetime
    ) -> DataKey:
        kek_version = self.provider.current_kek_version(tenant_id=tenant_id)
        secret = AESGCM.generate_key(bit_length=256)
        wrapped = self.provider.wrap(
            tenant_id=tenant_id,
            kek_version=kek_version,
            key=secret,
            context=_dek_context(tenant_id, owner_id, 1, kek_version),
        )
        session.add(
            DataKeyRow(
                tenant_id=tenant_id,
                owner_id=owner_id,
                version=1,
                kek_version=kek_version,
                wrapped=wrapped,
                created_at=now,
            )
        )
        key = DataKey(owner_id=owner_id, version=1, cipher=AESGCM(secret))
        self._remember(key)
        return key

    def data_key(self, session: Session, *, tenant_id: str, owner_id: str, version: int) -> DataKey:
        with self._lock:
            cached = self._data_keys.get((owner_id, version))
            if cached is not None:
                self._data_keys.move_to_end((owner_id, version))
                return cached
        # A Core select: on a cold cache this runs once per customer touched.
        row = session.execute(
            select(
                DATA_KEYS.c.tenant_id,
                DATA_KEYS.c.kek_version,
                DATA_KEYS.c.wrapped,
                DATA_KEYS.c.destroyed_at,
            ).where(DATA_KEYS.c.owner_id == owner_id, DATA_KEYS.c.version == version)
        ).first()
        if row is None or row.tenant_id != tenant_id:
            raise UnknownKey(f"no data key v{version} for {owner_id}")
        if row.destroyed_at is not None:
            raise KeyDestroyed(f"the data key of {owner_id} was destroyed")
        secret = self.provider.unwrap(
            tenant_id=tenant_id,
            kek_version=row.kek_version,
            wrapped=row.wrapped,
            context=_dek_context(tenant_id, owner_id, version, row.kek_version),
        )
        key = DataKey(owner_id=owner_id, version=version, cipher=AESGCM(secret))
        self._remember(key)
        return key

    def forget(self, owner_id: str) -> None:
        """Drop cached keys of an owner, e.g. after its DEK is destroyed."""
        with self._lock:
            for cache_key in [k for k in self._data_keys if k[0] == owner_id]:
                del self._data_keys[cache_key]

    def _remember(self, key: DataKey) -> None:
        with self._lock:
            self._data_keys[(key.owner_id, key.version)] = key
            while len(self._data_keys) > self._cache_size:
                self._data_keys.popitem(last=False)
