"""Engines and units of work.

The edge (an HTTP request, a CLI command, a job) owns the transaction: it opens one unit of work,
services add and flush inside it, and the edge commits once, so an action and its audit event
commit or vanish together (STYLE.md habit 1).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, create_engine, event, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

# Importing scoping also registers the tenant filter on every Session.
from anxin.db.scoping import TENANT_KEY

TENANT_ROLE = "anxin_tenant"
PLATFORM_SCOPE = "*"
# SET LOCAL through set_config (a SET statement takes no parameters); built once, as it runs in
# every unit of work on PostgreSQL.
_SET_TENANT = select(func.set_config("anxin.tenant_id", bindparam("tenant"), True))


def create_db_engine(url: str, *, pool_size: int = 8, restricted: bool = True) -> Engine:
    """An engine tuned for the backend: WAL and IMMEDIATE transactions on SQLite.

    On PostgreSQL a `restricted` engine's connections act as the `anxin_tenant` role, which
    row-level security applies to; migrations use an unrestricted engine (the owner).
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        _tune_sqlite(engine)
        return engine
    if parsed.get_backend_name() != "postgresql":
        raise ValueError("database_url must be a sqlite:// or postgresql+psycopg:// URL")
    # No pre-ping: it costs a round trip on every checkout; stale connections are recycled and
    # a failed statement rolls its unit of work back like any other error.
    engine = create_engine(url, pool_size=pool_size, max_overflow=pool_size, pool_recycle=1800)
    if restricted:
        _restrict_postgres(engine)
    return engine


def _restrict_postgres(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # For the connection's lifetime, not per transaction: switching roles per transaction
        # makes PostgreSQL re-plan every RLS-dependent prepared statement (~0.3 ms each).
        dbapi_conn.autocommit = True
        with dbapi_conn.cursor() as cursor:
            cursor.execute(f"SET ROLE {TENANT_ROLE}")
        dbapi_conn.autocommit = False


def _tune_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Take transaction control from pysqlite so SAVEPOINT works and BEGIN is ours to choose.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        # A bigger page cache and memory-mapped reads keep index seeks off the syscall path
        # once the customer tables outgrow SQLite's 2 MB default cache.
        cursor.execute("PRAGMA cache_size=-65536")
        cursor.execute("PRAGMA mmap_size=268435456")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # Every unit of work writes (at least its audit event). A deferred BEGIN that later
        # upgrades to a write lock can fail with SQLITE_BUSY without waiting; IMMEDIATE waits.
        conn.exec_driver_sql("BEGIN IMMEDIATE")


class Database:
    """Opens units of work on an engine."""

    def __init__(self, engine: Engine) -> None:
        self.bind = engine
        self._sessions = sessionmaker(bind=engine, expire_on_commit=False)
        # SQLite admits one writer at a time, and every unit of work writes (its audit event).
        # Queueing writers on a lock here is fair and immediate; leaving it to SQLite's busy
        # handler makes waiting threads sleep in growing steps (seconds at p99 under load).
        self._writer: contextlib.AbstractContextManager[object] = (
            threading.RLock() if self.dialect == "sqlite" else contextlib.nullcontext()
        )

    @property
    def dialect(self) -> str:
        return self.bind.dialect.name

    @contextlib.contextmanager
    def unit_of_work(self, *, tenant_id: str | None) -> Iterator[Session]:
        """One transaction, scoped to a tenant (or to the platform when tenant_id is None).

        Commits when the block ends normally and rolls back on any exception.
        """
        with self._writer, self._sessions() as session:
            self.scope(session, tenant_id=tenant_id)
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def scope(self, session: Session, *, tenant_id: str | None) -> None:
        """Narrow an open unit of work to one tenant (or widen it to the platform).

        Used after a request authenticates inside its own transaction: the token lookup needs
        platform scope, the work that follows must see one tenant only.
        """
        scoped = TENANT_KEY in session.info
        previous = session.info.get(TENANT_KEY)
        session.info[TENANT_KEY] = tenant_id
        if self.dialect != "postgresql" or (scoped and tenant_id == previous):
            return
        # SET LOCAL: undone when the transaction ends. '*' is the platform scope; a connection
        # that set nothing sees no tenant's rows at all.
        session.connection().execute(_SET_TENANT, {"tenant": tenant_id or PLATFORM_SCOPE})

    def ping(self) -> None:
        """Raise if the database does not answer; used by the readiness probe."""
        with self._sessions() as session:
            session.execute(text("SELECT 1"))

    def dispose(self) -> None:
        self.bind.dispose()
