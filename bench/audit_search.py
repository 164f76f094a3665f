"""Audit search and reports on a large log (issue 7): query plans and timings.

    PYTHONPATH=src python -m bench.audit_search [--backend sqlite|postgres] [--events 1000000]

Fills one tenant's log with `--events` rows spread evenly over a year (200 actors, 50,000
customers, 2% denied) and another tenant's with a tenth as many, written straight into
audit_events (the leaf hashes are placeholders: nothing here verifies the tree), then prints
each query's plan and times it. The only indexes are (tenant_id, seq) and
(tenant_id, occurred_at); the point is that a time range narrows every search to that range.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time
from collections.abc import Callable
from typing import Any, cast

from sqlalchemy import Connection, Select, Table, create_engine, insert, text

from anxin.audit import reports, search
from anxin.audit.models import AuditEvent
from anxin.audit.search import EventFilter, Order, Page
from bench.common import record, store

TENANT = "00000000-0000-7000-8000-0000000000aa"
OTHER = "00000000-0000-7000-8000-0000000000bb"
START = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
YEAR = dt.timedelta(days=365)
ACTIONS = ["contact:customer:read", "contact:message:read", "contact:conversation:read",
           "contact:value:reveal", "identity:session:login", "access:decision:deny"]  # fmt: skip


def fill(conn: Connection, tenant_id: str, count: int, rng: random.Random) -> None:
    table = cast(Table, AuditEvent.__table__)
    step = YEAR / count
    for low in range(0, count, 20_000):
        rows = []
        for seq in range(low, min(count, low + 20_000)):
            denied = rng.random() < 0.02
            rows.append(
                {
                    "tenant_id": tenant_id,
                    "seq": seq,
                    "occurred_at": START + step * seq,
                    "actor_type": "user",
                    "actor_id": f"actor-{rng.randrange(200):03d}",
                    "action": "access:decision:deny" if denied else rng.choice(ACTIONS[:5]),
                    "object_type": "customer",
                    "object_id": None,
                    "customer_id": f"customer-{rng.randrange(50_000):05d}",
                    "fields": ["phone"],
                    "client_addr": f"10.0.{rng.randrange(4)}.{rng.randrange(250)}",
                    "outcome": "denied" if denied else "success",
                    "detail": {},
                    "leaf_hash": bytes(32),
                }
            )
        conn.execute(insert(table), rows)


def plan(conn: Connection, query: Select[Any]) -> list[str]:
    compiled = query.compile(dialect=conn.dialect)
    if conn.dialect.name == "sqlite":
        params = tuple(compiled.params[name] for name in compiled.positiontup or [])
        rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}", params).all()
        return [str(row[-1]) for row in rows]
    rows = conn.exec_driver_sql(f"EXPLAIN {compiled}", compiled.params).all()
    return [str(row[0]) for row in rows]


def timed(run: Callable[[], object], repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - t0)
    return round(best * 1000, 2)


def cases() -> dict[str, tuple[EventFilter, Page]]:
    day = START + dt.timedelta(days=200)
    return {
        "newest page, no filter": (EventFilter(), Page(order=Order.DESC)),
        "page after a cursor": (EventFilter(), Page(after=400_000)),
        "one day": (EventFilter(since=day, until=day + dt.timedelta(days=1)), Page()),
        "one day, one actor": (
            EventFilter(since=day, until=day + dt.timedelta(days=1), actor_id="actor-007"),
            Page(),
        ),
        "a week, one customer": (
            EventFilter(since=day, until=day + dt.timedelta(days=7), customer_id="customer-00042"),
            Page(),
        ),
        "a month, denied, descending": (
            EventFilter(since=day, until=day + dt.timedelta(days=30), outcome="denied"),
            Page(order=Order.DESC),
        ),
        "action prefix, no range": (EventFilter(action="access:"), Page()),
        "one customer, no range (full scan)": (EventFilter(customer_id="customer-00042"), Page()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--events", type=int, default=1_000_000)
    args = parser.parse_args()
    rng = random.Random(7)
    results: dict[str, Any] = {"backend": args.backend, "events": args.events, "queries": {}}
    with store(args.backend) as runtime:
        owner = create_engine(runtime.settings.effective_database_url)
        with owner.begin() as conn:
            _measure(conn, args, rng, results)
        owner.dispose()
    record(f"audit_search_{args.backend}", results)


def _measure(
    conn: Connection, args: argparse.Namespace, rng: random.Random, results: dict[str, Any]
) -> None:
    t0 = time.perf_counter()
    fill(conn, TENANT, args.events, rng)
    fill(conn, OTHER, args.events // 10, rng)
    results["fill_s"] = round(time.perf_counter() - t0, 1)
    conn.execute(text("ANALYZE"))
    for name, (where, page) in cases().items():
        query = search.search_query(TENANT, where, page)
        ms = timed(lambda w=where, p=page: search.search(conn, tenant_id=TENANT, where=w, page=p))
        results["queries"][name] = {"ms": ms, "plan": plan(conn, query)}
    day = START + dt.timedelta(days=200)
    week = {"since": day, "until": day + dt.timedelta(days=7)}
    results["reports"] = {
        "user, one week": timed(
            lambda: reports.user_activity(conn, tenant_id=TENANT, actor_id="actor-007", **week)
        ),
        "customer, one week": timed(
            lambda: reports.customer_activity(
                conn, tenant_id=TENANT, customer_id="customer-00042", **week
            )
        ),
        "customer, all time": timed(
            lambda: reports.customer_activity(
                conn, tenant_id=TENANT, customer_id="customer-00042", since=None, until=None
            ),
            repeat=1,
        ),
        "daily, one week": timed(lambda: reports.daily(conn, tenant_id=TENANT, **week)),
    }


if __name__ == "__main__":
    main()
