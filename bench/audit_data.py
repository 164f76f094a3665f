"""Large audit logs for the benchmarks, written fast but valid: real seq and leaf hashes.

Rows are what `audit_service.append_many` would write (same columns, same stored text for the
JSON and time columns, leaf hashes from the real `entry_leaf_hash`), but built by a pool of
worker processes (one per core) and written by the raw driver: `executemany` in transactions of
`_TX` rows on SQLite, COPY on PostgreSQL. Going through append_many would take about a minute per
million events; this is what makes ten million affordable.

The generated log: one tenant, `days` days from `START`, events evenly spread in time (so
occurred_at grows with seq as in a real log), each by one of `actors` staff members chosen at
random, a mix of customer reads, lookups and message reads.
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import random
import sqlite3
import time
import uuid
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Engine

from anxin.audit.entry import entry_leaf_hash

START = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
COLUMNS = (
    "tenant_id",
    "seq",
    "occurred_at",
    "actor_type",
    "actor_id",
    "action",
    "object_type",
    "object_id",
    "customer_id",
    "fields",
    "client_addr",
    "outcome",
    "detail",
    "leaf_hash",
)
_ACTIONS = (
    ("contact:customer:read", "customer", ("name", "phone")),
    ("contact:customer:lookup", "customer", ("phone",)),
    ("contact:customer:history", "customer", ()),
    ("contact:message:read", "message", ("text",)),
)
_CHUNK = 20_000
_TX = 500_000


def actor_id(n: int) -> str:
    return str(uuid.UUID(int=(7 << 64) + n))


def _chunk(spec: tuple[str, int, int, int, int, int, str]) -> list[tuple[Any, ...]]:
    """Rows [low, high) of the log, as tuples in COLUMNS order for the given backend."""
    tenant_id, low, high, total, days, actors, backend = spec
    rng = random.Random(low)
    step_us = days * 86_400_000_000 // total
    rows: list[tuple[Any, ...]] = []
    for seq in range(low, high):
        action, object_type, fields = _ACTIONS[rng.randrange(len(_ACTIONS))]
        customer = str(uuid.UUID(int=rng.getrandbits(128)))
        occurred_at = START + dt.timedelta(microseconds=seq * step_us)
        detail = {"reason": "inbound call", "conversation": seq % 9973}
        row = {
            "tenant_id": tenant_id,
            "seq": seq,
            "occurred_at": occurred_at,
            "actor_type": "user",
            "actor_id": actor_id(rng.randrange(actors)),
            "action": action,
            "object_type": object_type,
            "object_id": customer,
            "customer_id": customer,
            "fields": sorted(fields),
            "client_addr": "10.20.30.40",
            "outcome": "success",
            "detail": detail,
        }
        leaf = entry_leaf_hash(row)
        if backend == "sqlite":
            # As SQLAlchemy stores them: naive UTC text, JSON with default separators.
            stored_time: Any = occurred_at.strftime("%Y-%m-%d %H:%M:%S.%f")
            stored_fields: Any = json.dumps(row["fields"])
            stored_detail: Any = json.dumps(detail)
        else:
            stored_time, stored_fields, stored_detail = (
                occurred_at,
                json.dumps(row["fields"]),
                json.dumps(detail),
            )
        rows.append(
            (
                tenant_id,
                seq,
                stored_time,
                "user",
                row["actor_id"],
                action,
                object_type,
                customer,
                customer,
                stored_fields,
                "10.20.30.40",
                "success",
                stored_detail,
                leaf,
            )
        )
    return rows


def _chunks(
    tenant_id: str, total: int, days: int, actors: int, backend: str, processes: int
) -> Iterator[list[tuple[Any, ...]]]:
    specs = [
        (tenant_id, low, min(total, low + _CHUNK), total, days, actors, backend)
        for low in range(0, total, _CHUNK)
    ]
    if processes <= 1:
        yield from map(_chunk, specs)
        return
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        yield from pool.imap(_chunk, specs)


def generate(
    engine: Engine,
    tenant_id: str,
    total: int,
    *,
    days: int = 100,
    actors: int = 200,
    processes: int = 2,
) -> float:
    """Append `total` events to the (empty) log of `tenant_id`; returns seconds taken.

    `engine` must be an owner engine on PostgreSQL (COPY as the table owner, no row security).
    """
    started = time.perf_counter()
    backend = engine.dialect.name
    raw = engine.raw_connection()
    try:
        driver: Any = raw.driver_connection
        if backend == "sqlite":
            _write_sqlite(driver, _chunks(tenant_id, total, days, actors, backend, processes))
        else:
            _write_postgres(driver, _chunks(tenant_id, total, days, actors, backend, processes))
    finally:
        raw.close()
    elapsed = time.perf_counter() - started
    print(f"  generated {total:,} events in {elapsed:.1f} s", flush=True)
    return elapsed


def _progress(done: int, started: float) -> None:
    elapsed = time.perf_counter() - started
    print(f"  {done:,} events, {elapsed:.0f} s, {done / elapsed:,.0f}/s", flush=True)


def _write_sqlite(conn: sqlite3.Connection, chunks: Iterator[list[tuple[Any, ...]]]) -> None:
    # Column names are this module's constants; values are bound.
    placeholders = ", ".join("?" * len(COLUMNS))
    insert = f"INSERT INTO audit_events ({', '.join(COLUMNS)}) VALUES ({placeholders})"  # noqa: S608
    started = time.perf_counter()
    done = 0
    in_tx = 0
    conn.execute("BEGIN")
    for rows in chunks:
        conn.executemany(insert, rows)
        done += len(rows)
        in_tx += len(rows)
        if in_tx >= _TX:
            conn.execute("COMMIT")
            _progress(done, started)
            conn.execute("BEGIN")
            in_tx = 0
    conn.execute("COMMIT")


def _write_postgres(conn: Any, chunks: Iterator[list[tuple[Any, ...]]]) -> None:
    started = time.perf_counter()
    done = 0
    with conn.cursor() as cursor:
        for rows in chunks:
            with cursor.copy(f"COPY audit_events ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            done += len(rows)
            if done % _TX == 0:
                conn.commit()
                _progress(done, started)
    conn.commit()
