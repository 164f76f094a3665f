"""Envelope encryption: per-customer data keys and per-tenant index keys, wrapped by the KEK.

One Keyring per process. It caches unwrapped keys as ready AESGCM objects (building the cipher
object costs about two thirds of the cost of sealing a short field), bounded in number. Wrapped
keys live in the keystore (see keystore.py for why not beside the records).

Nonce safety: every seal draws a fresh random 96-bit nonce, and NIST SP 800-38D caps such use at
2^32 invocations per key. Each DEK counts its seals; the count is written to the keystore every
`FLUSH_EVERY` seals (and at close), read back as the sum over all processes, and sealing stops
at `INVOCATION_LIMIT` = 2^24 with `KeyExhausted` until the DEK is rotated. A crash loses at most
`FLUSH_EVERY` counts per key and process, far inside the 2^32 - 2^24 margin. Keys are
per-customer, so the limit is a backstop: 16.7 million messages from one customer.
"""

from __future__ import annotations

import collections
import dataclasses
import datetime as dt
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Protocol

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import ColumnElement, Connection, Table, bindparam, func, select, update

from anxin.crypto import aead
from anxin.crypto.aead import FieldRef
from anxin.crypto.errors import (
    DecryptionFailed,
    KeyDestroyed,
    KeyExhausted,
    UnknownKey,
    UnwrapFailed,
)
from anxin.crypto.keystore import Keystore, data_keys, index_keys, keks, policies
from anxin.crypto.provider import KeyProvider

KEY_BYTES = 32
INVOCATION_LIMIT = 2**24
FLUSH_EVERY = 4096
DEFAULT_KEK_ROTATION_DAYS = 90
# How long a process trusts its list of a tenant's active index keys. Every lookup needs the
# list, and reading it costs ~0.2 ms; index rotation waits this long after each change of the
# list, so no process acts on a stale one at a step where it matters (see keys/rotation.py).
INDEX_KEYS_TTL = 1.0


class _Usage:
    """Seals of one DEK: `base` as last read from the keystore, `pending` made here since.

    `checkpoint` is when the slow path runs (a flush, or the limit): one comparison per seal.
    """

    __slots__ = ("base", "checkpoint", "pending")

    def __init__(self, base: int, limit: int) -> None:
        self.base = base
        self.pending = 0
        self.checkpoint = _checkpoint(base, limit)


def _checkpoint(base: int, limit: int) -> int:
    return max(1, min(FLUSH_EVERY, limit - base))


class DataKey:
    """An unwrapped DEK, ready to seal and open one owner's fields."""

    __slots__ = ("_flush", "_key", "limit", "owner_id", "tenant_id", "usage", "version")

    def __init__(
        self,
        *,
        tenant_id: str,
        owner_id: str,
        version: int,
        cipher: AESGCM,
        usage: _Usage,
        limit: int,
        flush: Callable[[DataKey], None],
    ) -> None:
        self.tenant_id = tenant_id
        self.owner_id = owner_id
        self.version = version
        self._key = aead.SealingKey(cipher, version)
        self.usage = usage
        self.limit = limit
        self._flush = flush

    def __repr__(self) -> str:
        return f"DataKey(owner_id={self.owner_id!r}, version={self.version})"

    def seal(self, ref: FieldRef, plaintext: str) -> bytes:
        usage = self.usage
        usage.pending += 1
        if usage.pending >= usage.checkpoint:
            self._count(usage)
        return self._key.seal(ref, plaintext.encode())

    def open(self, ref: FieldRef, blob: bytes) -> str:
        return self._key.open(ref, blob).decode()

    def _count(self, usage: _Usage) -> None:
        """Stop at the limit; otherwise hand the pending count to the keystore."""
        if usage.base + usage.pending > self.limit:
            usage.pending -= 1
            raise KeyExhausted(
                f"data key v{self.version} of {self.owner_id} reached {self.limit} seals; "
                f"run `anxin keys rotate --dek`"
            )
        self._flush(self)


class Sealer(Protocol):
    def seal(self, ref: FieldRef, plaintext: str) -> bytes: ...

    def open(self, ref: FieldRef, blob: bytes) -> str: ...


class OwnerKeys:
    """An owner's keys as services use them: new values are sealed under the owner's current
    DEK version, and each stored value is opened under the version its header names. So a
    reader never cares whether a DEK rotation has reached this owner yet."""

    __slots__ = ("_current", "_keyring", "_owner_id", "_tenant_id")

    def __init__(self, keyring: Keyring, tenant_id: str, owner_id: str, current: int) -> None:
        self._keyring = keyring
        self._tenant_id = tenant_id
        self._owner_id = owner_id
        self._current = current

    def seal(self, ref: FieldRef, plaintext: str) -> bytes:
        return self._key(self._current).seal(ref, plaintext)

    def open(self, ref: FieldRef, blob: bytes) -> str:
        return self._key(aead.key_version_of(blob)).open(ref, blob)

    def _key(self, version: int) -> DataKey:
        return self._keyring.data_key(
            tenant_id=self._tenant_id, owner_id=self._owner_id, version=version
        )


@dataclasses.dataclass(frozen=True, slots=True)
class IndexKey:
    version: int
    key: bytes = dataclasses.field(repr=False)


def dek_context(tenant_id: str, owner_id: str, version: int, kek_version: int) -> bytes:
    return f"anxin.dek.v1\x00{tenant_id}\x00{owner_id}\x00{version}\x00{kek_version}".encode()


def index_context(tenant_id: str, version: int, kek_version: int) -> bytes:
    return f"anxin.index-key.v1\x00{tenant_id}\x00{version}\x00{kek_version}".encode()


class Keyring:
    def __init__(
        self,
        provider: KeyProvider,
        keystore: Keystore,
        *,
        cache_size: int = 50_000,
        invocation_limit: int = INVOCATION_LIMIT,
        index_keys_ttl: float = INDEX_KEYS_TTL,
    ) -> None:
        self.provider = provider
        self.index_keys_ttl = index_keys_ttl
        self.keystore = keystore
        self.invocation_limit = invocation_limit
        self._cache_size = cache_size
        self._data_keys: collections.OrderedDict[tuple[str, int], DataKey] = (
            collections.OrderedDict()
        )
        self._index_keys: dict[tuple[str, int], IndexKey] = {}
        self._active_index: dict[str, tuple[float, list[IndexKey]]] = {}
        self._lock = threading.Lock()

    # --- tenants and KEKs -----------------------------------------------------------------

    def create_tenant_keys(self, *, tenant_id: str, now: dt.datetime) -> None:
        """A new tenant's KEK v1 (in the provider), first index key and rotation policy.

        Idempotent, so a tenant creation that failed after this step can simply be retried.
        """
        self.add_kek(tenant_id=tenant_id, version=1, now=now)
        with self.keystore.begin() as conn:
            policy = select(policies.c.tenant_id).where(_tenant(policies, tenant_id))
            if conn.execute(policy).first() is None:
                conn.execute(
                    policies.insert().values(
                        tenant_id=tenant_id, kek_rotation_days=DEFAULT_KEK_ROTATION_DAYS
                    )
                )
        self.add_index_key(tenant_id=tenant_id, version=1, now=now)

    def add_kek(self, *, tenant_id: str, version: int, now: dt.datetime) -> None:
        """Make KEK `version` in the provider, then record it; safe to repeat after a crash."""
        self.provider.create_kek(tenant_id=tenant_id, version=version)
        with self.keystore.begin() as conn:
            exists = conn.execute(
                select(keks.c.version).where(_tenant(keks, tenant_id), keks.c.version == version)
            ).first()
            if exists is None:
                conn.execute(
                    keks.insert().values(
                        tenant_id=tenant_id,
                        version=version,
                        provider=self.provider.name,
                        created_at=now,
                    )
                )

    def current_kek_version(self, conn: Connection, *, tenant_id: str) -> int:
        """The newest KEK version not retired: the one that wraps new keys."""
        version = conn.execute(
            select(func.max(keks.c.version)).where(
                _tenant(keks, tenant_id), keks.c.retired_at.is_(None)
            )
        ).scalar()
        if version is None:
            raise UnknownKey(f"tenant {tenant_id} has no active KEK")
        return int(version)

    # --- blind-index keys -----------------------------------------------------------------

    def add_index_key(self, *, tenant_id: str, version: int, now: dt.datetime) -> None:
        """A new blind-index key version (random, wrapped); safe to repeat after a crash."""
        self._store_index_key(tenant_id=tenant_id, version=version, now=now)
        self.forget_index_keys(tenant_id)

    def _store_index_key(self, *, tenant_id: str, version: int, now: dt.datetime) -> None:
        with self.keystore.begin() as conn:
            exists = conn.execute(
                select(index_keys.c.version).where(
                    _tenant(index_keys, tenant_id), index_keys.c.version == version
                )
            ).first()
            if exists is not None:
                return
            kek_version = self.current_kek_version(conn, tenant_id=tenant_id)
            wrapped = self.provider.wrap(
                tenant_id=tenant_id,
                kek_version=kek_version,
                key=AESGCM.generate_key(bit_length=256),
                context=index_context(tenant_id, version, kek_version),
            )
            conn.execute(
                index_keys.insert().values(
                    tenant_id=tenant_id,
                    version=version,
                    kek_version=kek_version,
                    wrapped=wrapped,
                    created_at=now,
                )
            )

    def index_keys(self, *, tenant_id: str) -> list[IndexKey]:
        """The tenant's active index keys, newest first.

        Read from the keystore at most every `index_keys_ttl` seconds, so a rotation started by
        another process is seen within that time: while an index is rebuilt, new entries are
        written and lookups answered under every active version.
        """
        now = time.monotonic()
        cached = self._active_index.get(tenant_id)
        if cached is not None and now - cached[0] < self.index_keys_ttl:
            return cached[1]
        with self.keystore.connect() as conn:
            rows = conn.execute(
                select(index_keys.c.version, index_keys.c.kek_version, index_keys.c.wrapped)
                .where(_tenant(index_keys, tenant_id), index_keys.c.retired_at.is_(None))
                .order_by(index_keys.c.version.desc())
            ).all()
        if not rows:
            raise UnknownKey(f"tenant {tenant_id} has no blind-index key")
        active = [self._index_key(tenant_id, r.version, r.kek_version, r.wrapped) for r in rows]
        self._active_index[tenant_id] = (now, active)
        return active

    def index_key(self, *, tenant_id: str) -> IndexKey:
        """The newest active index key."""
        return self.index_keys(tenant_id=tenant_id)[0]

    def _index_key(
        self, tenant_id: str, version: int, kek_version: int, wrapped: bytes
    ) -> IndexKey:
        cached = self._index_keys.get((tenant_id, version))
        if cached is not None:
            return cached
        secret = self.unwrap_for(
            tenant_id,
            f"index key v{version}",
            kek_version,
            wrapped,
            index_context(tenant_id, version, kek_version),
        )
        key = IndexKey(version=version, key=secret)
        self._index_keys[(tenant_id, version)] = key
        return key

    # --- data keys ------------------------------------------------------------------------

    def new_data_key(self, *, tenant_id: str, owner_id: str, now: dt.datetime) -> DataKey:
        return self.new_data_keys(tenant_id=tenant_id, owner_ids=[owner_id], now=now)[owner_id]

    def new_data_keys(
        self, *, tenant_id: str, owner_ids: Iterable[str], now: dt.datetime
    ) -> dict[str, DataKey]:
        """Fresh v1 DEKs for new owners, stored wrapped in one keystore transaction.

        They are committed before the records that use them, so a failed unit of work leaves an
        unused key behind, never a record without its key.
        """
        return self.ensure_data_keys(
            tenant_id=tenant_id, versions=dict.fromkeys(owner_ids, 1), now=now
        )

    def ensure_data_keys(
        self, *, tenant_id: str, versions: Mapping[str, int], now: dt.datetime
    ) -> dict[str, DataKey]:
        """DEK `versions[owner]` of each owner: created where missing, reused where a killed
        rotation already made it (so rerunning the rotation never collides with its own keys)."""
        with self.keystore.begin() as conn:
            existing = {
                r.owner_id
                for r in conn.execute(
                    select(data_keys.c.owner_id, data_keys.c.version).where(
                        data_keys.c.owner_id.in_(list(versions))
                    )
                )
                if r.version == versions[r.owner_id]
            }
            made = self._insert_keys(
                conn, tenant_id, {o: v for o, v in versions.items() if o not in existing}, now
            )
        for key in made.values():
            self._remember(key)
        for owner_id in existing:
            made[owner_id] = self.data_key(
                tenant_id=tenant_id, owner_id=owner_id, version=versions[owner_id]
            )
        return made

    def _insert_keys(
        self, conn: Connection, tenant_id: str, versions: Mapping[str, int], now: dt.datetime
    ) -> dict[str, DataKey]:
        if not versions:
            return {}
        kek_version = self.current_kek_version(conn, tenant_id=tenant_id)
        made: dict[str, DataKey] = {}
        rows: list[dict[str, object]] = []
        for owner_id, version in versions.items():
            secret = AESGCM.generate_key(bit_length=256)
            wrapped = self.provider.wrap(
                tenant_id=tenant_id,
                kek_version=kek_version,
                key=secret,
                context=dek_context(tenant_id, owner_id, version, kek_version),
            )
            rows.append(
                {
                    "owner_id": owner_id,
                    "version": version,
                    "tenant_id": tenant_id,
                    "kek_version": kek_version,
                    "wrapped": wrapped,
                    "created_at": now,
                    "invocations": 0,
                }
            )
            made[owner_id] = self._make(tenant_id, owner_id, version, secret, used=0)
        conn.execute(data_keys.insert(), rows)
        return made

    def data_key(self, *, tenant_id: str, owner_id: str, version: int) -> DataKey:
        with self._lock:
            cached = self._data_keys.get((owner_id, version))
            if cached is not None:
                self._data_keys.move_to_end((owner_id, version))
                return cached
        with self.keystore.connect() as conn:
            row = conn.execute(_DATA_KEY_ROW, {"owner_id": owner_id, "version": version}).first()
        if row is None or row.tenant_id != tenant_id:
            raise UnknownKey(f"no data key v{version} for {owner_id}")
        if row.destroyed_at is not None:
            raise KeyDestroyed(f"the data key v{version} of {owner_id} was destroyed")
        secret = self.unwrap_for(
            tenant_id,
            f"data key v{version} of {owner_id}",
            row.kek_version,
            row.wrapped,
            dek_context(tenant_id, owner_id, version, row.kek_version),
        )
        key = self._make(tenant_id, owner_id, version, secret, used=row.invocations)
        self._remember(key)
        return key

    def owner_keys(self, *, tenant_id: str, owner_id: str, current_version: int) -> OwnerKeys:
        return OwnerKeys(self, tenant_id, owner_id, current_version)

    def destroy_data_keys(
        self, *, tenant_id: str, owner_id: str, now: dt.datetime, below: int | None = None
    ) -> int:
        """Destroy every DEK version of an owner (or only versions below `below`).

        The wrapped bytes are overwritten, not merely flagged, and the SQLite WAL is scrubbed, so
        no copy of the keystore made from now on can bring the key back.
        """
        self.flush_usage()
        condition = [data_keys.c.owner_id == owner_id, data_keys.c.tenant_id == tenant_id]
        if below is not None:
            condition.append(data_keys.c.version < below)
        with self.keystore.begin() as conn:
            destroyed = conn.execute(
                update(data_keys)
                .where(*condition, data_keys.c.destroyed_at.is_(None))
                .values(wrapped=b"", destroyed_at=now)
            ).rowcount
        self.forget(owner_id)
        self.keystore.scrub()
        return int(destroyed)

    def forget(self, owner_id: str) -> None:
        """Drop cached keys of an owner, e.g. after its DEK is destroyed or rotated."""
        with self._lock:
            for cache_key in [k for k in self._data_keys if k[0] == owner_id]:
                del self._data_keys[cache_key]

    def forget_index_keys(self, tenant_id: str) -> None:
        self._index_keys = {k: v for k, v in self._index_keys.items() if k[0] != tenant_id}
        self._active_index.pop(tenant_id, None)

    def flush_usage(self) -> None:
        """Write pending seal counts of every cached key to the keystore."""
        with self._lock:
            keys = [k for k in self._data_keys.values() if k.usage.pending]
        self._flush_all(keys)

    def close(self) -> None:
        self.flush_usage()
        self.provider.close()
        self.keystore.dispose()

    # --- internals ------------------------------------------------------------------------

    def _make(
        self, tenant_id: str, owner_id: str, version: int, secret: bytes, *, used: int
    ) -> DataKey:
        return DataKey(
            tenant_id=tenant_id,
            owner_id=owner_id,
            version=version,
            cipher=AESGCM(secret),
            usage=_Usage(used, self.invocation_limit),
            limit=self.invocation_limit,
            flush=self._flush,
        )

    def _flush(self, key: DataKey) -> None:
        self._flush_all([key])

    def _flush_all(self, keys: list[DataKey]) -> None:
        """Add pending seal counts to the keystore, all in one (durable, so costly) commit."""
        pending = [(key, key.usage.pending) for key in keys if key.usage.pending]
        if not pending:
            return
        for key, _count in pending:
            key.usage.pending = 0
        with self.keystore.begin() as conn:
            for key, count in pending:
                total = conn.execute(
                    _ADD_INVOCATIONS,
                    {"owner": key.owner_id, "key_version": key.version, "count": count},
                ).scalar()
                # The stored total includes every process's seals; it becomes this process's.
                usage = key.usage
                usage.base = usage.base + count if total is None else int(total)
                usage.checkpoint = _checkpoint(usage.base, key.limit)

    def unwrap_for(
        self, tenant_id: str, what: str, kek_version: int, wrapped: bytes, context: bytes
    ) -> bytes:
        """Unwrap through the provider; any failure becomes `UnwrapFailed` naming `what`."""
        try:
            return self.provider.unwrap(
                tenant_id=tenant_id, kek_version=kek_version, wrapped=wrapped, context=context
            )
        except (DecryptionFailed, UnknownKey) as exc:
            raise UnwrapFailed(
                f"{what} of tenant {tenant_id} failed to unwrap under KEK v{kek_version}: "
                f"{exc.detail}",
                tenant_id=tenant_id,
                what=what,
                reason=exc.code,
            ) from None

    def _remember(self, key: DataKey) -> None:
        evicted: list[DataKey] = []
        with self._lock:
            self._data_keys[(key.owner_id, key.version)] = key
            if len(self._data_keys) > self._cache_size:
                # Evict a sixteenth at a time, so a bulk import that streams new keys through
                # the cache pays one keystore commit per slice rather than one per customer.
                target = max(1, self._cache_size - self._cache_size // 16)
                while len(self._data_keys) > target:
                    evicted.append(self._data_keys.popitem(last=False)[1])
        self._flush_all(evicted)


# Built once: a cold lookup reads one DEK, and building this SELECT cost more than running it.
_DATA_KEY_ROW = select(
    data_keys.c.tenant_id,
    data_keys.c.kek_version,
    data_keys.c.wrapped,
    data_keys.c.destroyed_at,
    data_keys.c.invocations,
).where(data_keys.c.owner_id == bindparam("owner_id"), data_keys.c.version == bindparam("version"))

# (An UPDATE's bound parameters may not share a column's name.)
_ADD_INVOCATIONS = (
    update(data_keys)
    .where(
        data_keys.c.owner_id == bindparam("owner"), data_keys.c.version == bindparam("key_version")
    )
    .values(invocations=data_keys.c.invocations + bindparam("count"))
    .returning(data_keys.c.invocations)
)


def _tenant(table: Table, tenant_id: str) -> ColumnElement[bool]:
    return table.c.tenant_id == tenant_id
