"""The keystore: wrapped data keys, blind-index keys and KEK bookkeeping, apart from the records.

Why a separate database: crypto-shredding must reach copies. If a customer's wrapped DEK sat in
the records database, a backup or `pg_dump` of that database taken before the erasure would still
hold it, and the tenant KEK (which must survive the erasure) would unwrap it. Keeping wrapped
keys in their own store means a copy of the records holds no key at all; destroying a DEK here
makes every copy of that customer's ciphertext unreadable, while the keystore's own backups are
kept apart with a short retention (docs/security-model.md). The design is the one of Spotify's
"Padlock" and of most per-subject key vaults.

Default: a SQLite file next to the key file with `secure_delete` on, so a destroyed key's bytes
are overwritten in the file rather than left in a free page; the WAL is checkpointed and
truncated after destruction for the same reason. Any SQLAlchemy URL (PostgreSQL) also works.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Select,
    String,
    Table,
    create_engine,
    event,
    select,
    tuple_,
)
from sqlalchemy.engine import make_url

from anxin.crypto.errors import KeystoreError
from anxin.db.base import NAMING_CONVENTION, UtcDateTime

SCHEMA_VERSION = 1

metadata = MetaData(naming_convention=NAMING_CONVENTION)

keystore_meta = Table(
    "keystore_meta",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("schema_version", Integer, nullable=False),
)

# One row per tenant KEK version. The provider holds the key; this table says which versions
# exist, which one wraps new keys (the newest not retired) and when each was made.
keks = Table(
    "keks",
    metadata,
    Column("tenant_id", String(36), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("provider", String(16), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("retired_at", UtcDateTime, nullable=True),
    Column("destroyed_at", UtcDateTime, nullable=True),
)

index_keys = Table(
    "index_keys",
    metadata,
    Column("tenant_id", String(36), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("kek_version", Integer, nullable=False),
    Column("wrapped", LargeBinary, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("retired_at", UtcDateTime, nullable=True),
)

data_keys = Table(
    "data_keys",
    metadata,
    Column("owner_id", String(36), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("tenant_id", String(36), nullable=False),
    Column("kek_version", Integer, nullable=False),
    # Emptied (not just flagged) when destroyed: the bytes must not survive in the store.
    Column("wrapped", LargeBinary, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("destroyed_at", UtcDateTime, nullable=True),
    # Seals made under this key, flushed in batches; bounds random-nonce reuse (see keyring).
    Column("invocations", Integer, nullable=False, default=0),
    Index("ix_data_keys_tenant_kek", "tenant_id", "kek_version"),
    # Rotation and check walk a tenant's keys in key order; without this SQLite sorts the
    # tenant's remaining keys for every batch, and a 1M-key rotation slows to a crawl.
    Index("ix_data_keys_tenant_walk", "tenant_id", "owner_id", "version"),
)

_WRITE = "anxin.keystore.write"  # connection flag: this transaction writes

DekCursor = tuple[str, int]  # (owner_id, version) of the last data key row handled


def data_key_page(query: Select[Any], *, after: DekCursor | None, limit: int) -> Select[Any]:
    """The next `limit` data-key rows of `query` in key order after `after`: the keyset walk
    that rotation and check share, so a resumed walk never skips or repeats a key."""
    query = query.order_by(data_keys.c.owner_id, data_keys.c.version).limit(limit)
    if after is None:
        return query
    return query.where(tuple_(data_keys.c.owner_id, data_keys.c.version) > tuple_(*after))


policies = Table(
    "key_policies",
    metadata,
    Column("tenant_id", String(36), primary_key=True),
    Column("kek_rotation_days", Integer, nullable=False),
    Column("index_rotation_days", Integer, nullable=True),
)

# A rotation in progress: what it targets and how far it got, so a killed run resumes.
jobs = Table(
    "key_jobs",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("tenant_id", String(36), nullable=False),
    Column("kind", String(8), nullable=False),
    Column("target_version", Integer, nullable=True),
    Column("cursor", String(64), nullable=True),
    Column("done", Integer, nullable=False, default=0),
    Column("started_at", UtcDateTime, nullable=False),
    Column("finished_at", UtcDateTime, nullable=True),
    Index("ix_key_jobs_open", "tenant_id", "kind", "finished_at"),
)


class Keystore:
    """Short transactions on the keystore database; each call commits on its own."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def open(cls, url: str, *, create: bool = False) -> Keystore:
        """Open (and with `create`, make) the keystore; refuse one that is missing or newer."""
        store = cls(_engine(url, create=create))
        if create:
            store._create_schema()
        store._check_schema(url)
        return store

    @contextlib.contextmanager
    def begin(self) -> Iterator[Connection]:
        """A write transaction. On SQLite it takes the write lock up front (BEGIN IMMEDIATE), so
        two writers queue instead of failing on upgrade; readers (`connect`) never take it, so
        lookups go on while a rotation batch holds it."""
        with self.engine.connect() as conn:
            conn.info[_WRITE] = True
            try:
                with conn.begin():
                    yield conn
            finally:
                conn.info.pop(_WRITE, None)

    @contextlib.contextmanager
    def connect(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            yield conn

    def scrub(self) -> None:
        """Push destroyed key bytes out of the SQLite write-ahead log into the (zeroed) file."""
        if self.engine.dialect.name == "sqlite":
            with self.engine.connect() as conn:
                # On the driver connection: outside a transaction, where a checkpoint may run.
                raw = conn.connection.driver_connection
                if raw is not None:
                    raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def dispose(self) -> None:
        self.engine.dispose()

    def _create_schema(self) -> None:
        metadata.create_all(self.engine)
        with self.begin() as conn:
            if conn.execute(select(keystore_meta.c.id)).first() is None:
                conn.execute(keystore_meta.insert().values(id=1, schema_version=SCHEMA_VERSION))

    def _check_schema(self, url: str) -> None:
        shown = make_url(url).render_as_string(hide_password=True)
        try:
            with self.connect() as conn:
                version = conn.execute(select(keystore_meta.c.schema_version)).scalar()
        except Exception:
            raise KeystoreError(f"no keystore at {shown}; run `anxin init`") from None
        if version != SCHEMA_VERSION:
            raise KeystoreError(
                f"keystore at {shown} has schema {version}; this Anxin expects {SCHEMA_VERSION}"
            )


def _engine(url: str, *, create: bool) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_size=4, max_overflow=4, pool_recycle=1800)
    path = parsed.database
    if path and not path.startswith(":"):
        _ensure_private_file(Path(path), create=create)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")  # a lost key write is lost data
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        # A cold repeat-caller lookup reads one DEK; with a million keys the table outgrows the
        # default 2 MB page cache, and memory-mapped reads keep that seek off the syscall path.
        cursor.execute("PRAGMA cache_size=-32768")
        cursor.execute("PRAGMA mmap_size=268435456")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.info.get(_WRITE) else "BEGIN")

    return engine


def _ensure_private_file(path: Path, *, create: bool) -> None:
    """Create the SQLite file 0600 before SQLite does (it would honour the umask instead)."""
    if path.exists():
        return
    if not create:
        raise KeystoreError(f"no keystore at {path}; run `anxin init`")
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
