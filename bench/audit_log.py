"""Audit log at scale (issue 7): proofs and verification at 1M events, actor search at 10M.

    PYTHONPATH=src python -m bench.audit_log million [--backend sqlite|postgres|both]
        [--events 1000000] [--proofs 2000] [--processes 2]
    PYTHONPATH=src python -m bench.audit_log search [--events 10000000] [--days 100]
        [--actors 200] [--queries 20]

`million`, per backend, on a fresh store: generates a log of `--events` events
(bench/audit_data.py), makes a checkpoint through `checkpoints.make_checkpoint` (which stores
the subtree hashes), then times `--proofs` random inclusion proofs and consistency proofs at
the checkpoint's size through `StoredTree` (target p99 at most 1 ms), checking each against the
checkpoint's root, and the verification of the whole log against the checkpoint (target at most
10 s). Verification calls `anxin.audit.verification` when that module exists; until then it
measures the raw work: every row in seq order through a Core select, its leaf hash recomputed
from the canonical entry and compared, all leaves folded into a CompactRange, the root compared
with the checkpoint's (in one process, and split over `--processes`).

`search` generates a log of `--events` events for one tenant over `--days` days by `--actors`
staff members on SQLite once, cached under /work/scratch/bench-cache/ (ANXIN_BENCH_CACHE) (with
`--backend postgres`: in a database of its own, every run, dropped after), and
times "events of actor X on day D" (cold: the kernel's page cache dropped when allowed and a new
connection; warm: the same query again), with SQLite's query plan. `--actor-index` measures it
again with an index on (tenant_id, actor_id, occurred_at), built on the cached store and dropped.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import multiprocessing
import os
import random
import statistics
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Connection, Engine, Table, create_engine, select, text

from anxin.audit import checkpoints, merkle
from anxin.audit.entry import entry_leaf_hash
from anxin.audit.models import AuditEvent, AuditNode
from anxin.audit.stored_tree import StoredTree
from anxin.cli.bootstrap import build_runtime, initialize
from anxin.config import Settings
from anxin.db.database import Database, create_db_engine
from anxin.identity.deps import Runtime
from bench import audit_data
from bench.common import record, store, summary_ms, tenant

CACHE = Path(os.environ.get("ANXIN_BENCH_CACHE", "/work/scratch/bench-cache"))
_TABLE = cast(Table, AuditEvent.__table__)
_E = _TABLE.c
_N = cast(Table, AuditNode.__table__).c


def _owner(rt: Runtime) -> Engine:
    return create_db_engine(rt.settings.effective_database_url, restricted=False)


# -- one million: checkpoint, proofs, verification -------------------------------------------


def _checkpoint(rt: Runtime, tenant_id: str) -> tuple[checkpoints.StoredCheckpoint, float]:
    started = time.perf_counter()
    with rt.db.unit_of_work(tenant_id=tenant_id) as session:
        stored, _new = checkpoints.make_checkpoint(
            session.connection(),
            tenant_id=tenant_id,
            key=rt.audit_signing_key(),
            origin_prefix=rt.settings.audit_origin_prefix,
            now=rt.clock.now(),
        )
    return stored, time.perf_counter() - started


def _proofs(
    rt: Runtime,
    tenant_id: str,
    head: checkpoints.StoredCheckpoint,
    count: int,
) -> Any:
    rng = random.Random(7)
    n = head.tree_size
    inclusion: list[float] = []
    consistency: list[float] = []
    with rt.db.unit_of_work(tenant_id=tenant_id) as session:
        tree = StoredTree(session.connection(), tenant_id)

        for _ in range(count):
            index = rng.randrange(n)
            t0 = time.perf_counter()
            proof = tree.inclusion_proof(index, n)
            inclusion.append(time.perf_counter() - t0)
            leaf = tree.leaf_hash(index)
            assert merkle.verify_inclusion(leaf, index, n, proof, head.root_hash)
        old_roots = {}
        olds = [rng.randrange(1, n) for _ in range(count)]
        for old in olds:
            old_roots[old] = tree.root(old)
        for old in olds:
            t0 = time.perf_counter()
            proof = tree.consistency_proof(old, n)
            consistency.append(time.perf_counter() - t0)
            assert merkle.verify_consistency(old, n, old_roots[old], head.root_hash, proof)
    return {"inclusion_proof": summary_ms(inclusion), "consistency_proof": summary_ms(consistency)}


def _rows_in_order(conn: Connection, tenant_id: str, low: int, high: int) -> Iterator[Any]:
    query = (
        select(_TABLE)
        .where(_E.tenant_id == tenant_id, _E.seq >= low, _E.seq < high)
        .order_by(_E.seq)
    )
    yield from conn.execution_options(yield_per=10_000).execute(query)


def _leaves_checked(conn: Connection, tenant_id: str, low: int, high: int) -> list[bytes]:
    """Recompute every leaf hash in [low, high) from its row; raise on the first mismatch."""
    leaves: list[bytes] = []
    expected = low
    for row in _rows_in_order(conn, tenant_id, low, high):
        mapping = row._mapping
        if mapping["seq"] != expected:
            raise AssertionError(f"gap at seq {expected}")
        leaf = entry_leaf_hash(mapping)
        if leaf != bytes(mapping["leaf_hash"]):
            raise AssertionError(f"leaf hash mismatch at seq {expected}")
        leaves.append(leaf)
        expected += 1
    if expected != high:
        raise AssertionError(f"log ends at {expected}, expected {high}")
    return leaves


def _verify_one_process(rt: Runtime, tenant_id: str, head: checkpoints.StoredCheckpoint) -> Any:
    with rt.db.unit_of_work(tenant_id=tenant_id) as session:
        conn = session.connection()
        t0 = time.perf_counter()
        fetched = sum(1 for _ in _rows_in_order(conn, tenant_id, 0, head.tree_size))
        fetch_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        c0 = time.process_time()
        compact = merkle.CompactRange()
        for row in _rows_in_order(conn, tenant_id, 0, head.tree_size):
            mapping = row._mapping
            leaf = entry_leaf_hash(mapping)
            assert leaf == bytes(mapping["leaf_hash"])
            compact.append(leaf)
        total_s = time.perf_counter() - t0
        cpu_s = time.process_time() - c0
    assert fetched == head.tree_size
    assert compact.root() == head.root_hash
    return {
        "fetch_rows_only_s": round(fetch_s, 2),
        "verify_s": round(total_s, 2),
        "verify_cpu_s": round(cpu_s, 2),
    }


def _verify_worker(args: tuple[str, str, int, int]) -> bytes:
    url, tenant_id, low, high = args
    # Read-only: a plain engine on SQLite (the application's takes the write lock at BEGIN,
    # which would queue the workers one behind the other), the owner on PostgreSQL.
    if url.startswith("sqlite"):
        engine = create_engine(url)
    else:
        engine = create_db_engine(url, restricted=False)
    try:
        with engine.connect() as conn:
            return b"".join(_leaves_checked(conn, tenant_id, low, high))
    finally:
        engine.dispose()


def _verify_parallel(
    rt: Runtime, tenant_id: str, head: checkpoints.StoredCheckpoint, processes: int
) -> float:
    """Rows read and rehashed in `processes` seq ranges at once; leaves folded here, in order."""
    n = head.tree_size
    step = -(-n // processes)
    specs = [
        (rt.settings.effective_database_url, tenant_id, low, min(n, low + step))
        for low in range(0, n, step)
    ]
    t0 = time.perf_counter()
    compact = merkle.CompactRange()
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        for packed in pool.imap(_verify_worker, specs):
            for i in range(0, len(packed), merkle.HASH_SIZE):
                compact.append(packed[i : i + merkle.HASH_SIZE])
    elapsed = time.perf_counter() - t0
    assert compact.size == n
    assert compact.root() == head.root_hash
    return elapsed


def _verification_module(rt: Runtime, tenant_id: str) -> Any:
    """`verification.verify_log` (the verify helper's branch), timed, when importable."""
    try:
        module: Any = importlib.import_module("anxin.audit.verification")
    except ImportError:
        return None
    log_origin = checkpoints.origin(rt.settings.audit_origin_prefix, tenant_id)
    verifier = rt.audit_signing_key().verifier(log_origin)
    t0 = time.perf_counter()
    c0 = time.process_time()
    with rt.db.unit_of_work(tenant_id=tenant_id) as session:
        report = module.verify_log(
            session.connection(), tenant_id, verifier=verifier, origin=log_origin
        )
    elapsed = time.perf_counter() - t0
    cpu = time.process_time() - c0
    return {
        "verify_log_s": round(elapsed, 2),
        "verify_log_cpu_s": round(cpu, 2),
        "ok": report.ok,
        "tree_size": report.tree_size,
    }


def million(args: argparse.Namespace) -> None:
    results: dict[str, object] = {"events": args.events, "proofs": args.proofs}
    for backend in _backends(args.backend):
        print(f"{backend}: generating {args.events:,} events", flush=True)
        with store(backend) as rt:
            tenant_id = cast(str, tenant(rt).tenant_id)
            owner = _owner(rt)
            try:
                generate_s = audit_data.generate(owner, tenant_id, args.events)
                if backend == "postgres":
                    with owner.begin() as conn:
                        conn.execute(text("ANALYZE audit_events"))
            finally:
                owner.dispose()
            head, checkpoint_s = _checkpoint(rt, tenant_id)
            print(f"  checkpoint in {checkpoint_s:.1f} s", flush=True)
            if backend == "postgres":
                # As autovacuum would have by now: audit_nodes was analyzed while empty.
                owner = _owner(rt)
                with owner.begin() as conn:
                    conn.execute(text("ANALYZE audit_nodes"))
                owner.dispose()
            proofs = {}
            if args.proofs:
                proofs["stored_tree"] = _proofs(rt, tenant_id, head, args.proofs)
            print(f"  proofs {proofs}", flush=True)
            verify: dict[str, Any] = {}
            if args.verify:
                verify = _verify_one_process(rt, tenant_id, head)
                print(f"  verify (one process) {verify}", flush=True)
                verify["verify_parallel_s"] = round(
                    _verify_parallel(rt, tenant_id, head, args.processes), 2
                )
                verify["parallel_processes"] = args.processes
                print(f"  verify {verify}", flush=True)
            module = _verification_module(rt, tenant_id) if args.verify else None
        results[backend] = {
            "generate_s": round(generate_s, 1),
            "checkpoint_with_nodes_s": round(checkpoint_s, 1),
            "proofs": proofs,
            "verification_baseline": verify,
            "verification_module": module
            or ("anxin.audit.verification not importable" if args.verify else "skipped"),
        }
    results["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    record("audit_million", results)


# -- ten million: actor search ---------------------------------------------------------------


def _cached_store(events: int, days: int, actors: int) -> tuple[Settings, str]:
    """The SQLite store with the generated log, made once and reused."""
    home = CACHE / f"audit-{events}-{days}d-{actors}a"
    ready = home / "ready.json"
    settings = Settings(home=home / "var")
    if ready.exists():
        return settings, json.loads(ready.read_text())["tenant_id"]
    print(f"generating {events:,} events into {home} (once)", flush=True)
    initialize(settings)
    rt = build_runtime(settings)
    try:
        tenant_id = cast(str, tenant(rt).tenant_id)
        owner = _owner(rt)
        try:
            generate_s = audit_data.generate(owner, tenant_id, events, days=days, actors=actors)
            t0 = time.perf_counter()
            with owner.begin() as conn:
                conn.execute(text("ANALYZE"))
            analyze_s = time.perf_counter() - t0
        finally:
            owner.dispose()
    finally:
        rt.close()
    ready.write_text(
        json.dumps({"tenant_id": tenant_id, "generate_s": generate_s, "analyze_s": analyze_s})
    )
    return settings, tenant_id


def _search_query(tenant_id: str, actor: str, day: dt.datetime) -> Any:
    return (
        select(_TABLE)
        .where(
            _E.tenant_id == tenant_id,
            _E.occurred_at >= day,
            _E.occurred_at < day + dt.timedelta(days=1),
            _E.actor_id == actor,
        )
        .order_by(_E.seq)
    )


def _plan_query(tenant_id: str, actor: str, day: dt.datetime) -> Any:
    """The statement whose plan is shown: the search helper's when importable."""
    try:
        module: Any = importlib.import_module("anxin.audit.search")
    except ImportError:
        return _search_query(tenant_id, actor, day)
    where = module.EventFilter(since=day, until=day + dt.timedelta(days=1), actor_id=actor)
    return module.search_query(tenant_id, where, module.Page(limit=module.MAX_LIMIT))


def _search_core(conn: Connection, tenant_id: str, actor: str, day: dt.datetime) -> list[Any]:
    return list(conn.execute(_search_query(tenant_id, actor, day)).all())


def _search_function() -> tuple[str, Any]:
    """`search.search` (the search helper's branch), every page, when importable; the
    equivalent Core select until then."""
    try:
        module: Any = importlib.import_module("anxin.audit.search")
    except ImportError:
        return "Core select (anxin.audit.search not importable)", _search_core

    def call(conn: Connection, tenant_id: str, actor: str, day: dt.datetime) -> list[Any]:
        where = module.EventFilter(since=day, until=day + dt.timedelta(days=1), actor_id=actor)
        found: list[Any] = []
        after = None
        while True:
            page = module.Page(after=after, limit=module.MAX_LIMIT)
            result = module.search(conn, tenant_id=tenant_id, where=where, page=page)
            found += result.events
            if result.next_cursor is None:
                return found
            after = result.next_cursor

    return "anxin.audit.search.search (pages of MAX_LIMIT)", call


def _drop_os_cache() -> bool:
    """Drop the kernel's page cache for a truly cold read, when allowed (root, not a container)."""
    try:
        os.sync()
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
    except OSError:
        return False
    return True


_ACTOR_INDEX = "ix_bench_audit_events_actor_time"


def _measure_search(url: str, tenant_id: str, cases: list[tuple[str, dt.datetime]]) -> Any:
    label, search_fn = _search_function()
    cold: list[float] = []
    warm: list[float] = []
    counts: list[int] = []
    os_cache_dropped = False
    for actor, day in cases:
        os_cache_dropped = _drop_os_cache()
        db = Database(create_db_engine(url))  # a new connection: SQLite's page cache is empty
        try:
            with db.unit_of_work(tenant_id=tenant_id) as session:
                conn = session.connection()
                t0 = time.perf_counter()
                rows = search_fn(conn, tenant_id, actor, day)
                cold.append(time.perf_counter() - t0)
                for _ in range(5):
                    t0 = time.perf_counter()
                    again = search_fn(conn, tenant_id, actor, day)
                    warm.append(time.perf_counter() - t0)
                assert len(again) == len(rows)
                counts.append(len(rows))
        finally:
            db.dispose()
    actor, day = cases[0]
    db = Database(create_db_engine(url))  # as the application reads: on PostgreSQL, under RLS
    try:
        with db.unit_of_work(tenant_id=tenant_id) as session:
            conn = session.connection()
            compiled = _plan_query(tenant_id, actor, day).compile(conn)
            if conn.dialect.name == "sqlite":
                explain = f"EXPLAIN QUERY PLAN {compiled}"
                plan = conn.exec_driver_sql(explain, tuple(compiled.params.values())).all()
            else:
                explain = f"EXPLAIN (ANALYZE, BUFFERS) {compiled}"
                plan = conn.exec_driver_sql(explain, compiled.params).all()
    finally:
        db.dispose()
    return {
        "search": label,
        "os_page_cache_dropped_before_cold": os_cache_dropped,
        "rows_per_query_median": statistics.median(counts),
        "cold": summary_ms(cold),
        "warm": summary_ms(warm),
        "query_plan": [str(row[-1]) for row in plan],
    }


def search(args: argparse.Namespace) -> None:
    if args.backend == "postgres":
        # Not cached: a database of its own, generated, measured and dropped.
        with store("postgres") as rt:
            tenant_id = cast(str, tenant(rt).tenant_id)
            owner = _owner(rt)
            try:
                print(f"generating {args.events:,} events on PostgreSQL", flush=True)
                audit_data.generate(
                    owner, tenant_id, args.events, days=args.days, actors=args.actors
                )
                with owner.begin() as conn:
                    conn.execute(text("ANALYZE audit_events"))
                    size = conn.execute(text("SELECT pg_database_size(current_database())"))
                    size_gb = float(size.scalar_one()) / 2**30
            finally:
                owner.dispose()
            _search_on(args, rt.settings.effective_database_url, tenant_id, size_gb, "postgres")
        return
    settings, tenant_id = _cached_store(args.events, args.days, args.actors)
    url = settings.effective_database_url
    size_gb = Path(url.removeprefix("sqlite:///")).stat().st_size / 2**30
    _search_on(args, url, tenant_id, size_gb, "sqlite")


def _search_on(
    args: argparse.Namespace, url: str, tenant_id: str, size_gb: float, backend: str
) -> None:
    rng = random.Random(11)
    cases = [
        (
            audit_data.actor_id(rng.randrange(args.actors)),
            audit_data.START + dt.timedelta(days=rng.randrange(args.days - 1)),
        )
        for _ in range(args.queries)
    ]
    result: dict[str, object] = {
        "backend": backend,
        "events": args.events,
        "days": args.days,
        "actors": args.actors,
        "database_gb": round(size_gb, 2),
        "schema_indexes": _measure_search(url, tenant_id, cases),
    }
    print(result, flush=True)
    if args.actor_index:
        # What an index led by the actor would buy, on the cached store, dropped afterwards.
        engine = create_db_engine(url, restricted=False)
        try:
            t0 = time.perf_counter()
            with engine.begin() as conn:
                columns = "tenant_id, actor_id, occurred_at"
                conn.execute(text(f"CREATE INDEX {_ACTOR_INDEX} ON audit_events ({columns})"))
            build_s = time.perf_counter() - t0
            measured = _measure_search(url, tenant_id, cases)
        finally:
            with engine.begin() as conn:
                conn.execute(text(f"DROP INDEX IF EXISTS {_ACTOR_INDEX}"))
            engine.dispose()
        result["with_actor_time_index"] = {"index_build_s": round(build_s, 1), **measured}
    result["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    record(f"audit_search_{backend}", result)


def _backends(choice: str) -> list[str]:
    return ["sqlite", "postgres"] if choice == "both" else [choice]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    one = sub.add_parser("million")
    one.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    one.add_argument("--events", type=int, default=1_000_000)
    one.add_argument("--proofs", type=int, default=2000)
    one.add_argument("--processes", type=int, default=2)
    one.add_argument("--no-verify", dest="verify", action="store_false")
    ten = sub.add_parser("search")
    ten.add_argument("--events", type=int, default=10_000_000)
    ten.add_argument("--days", type=int, default=100)
    ten.add_argument("--actors", type=int, default=200)
    ten.add_argument("--queries", type=int, default=20)
    ten.add_argument("--actor-index", action="store_true")
    # PostgreSQL: generated in a database of its own each run (not cached), dropped after.
    ten.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args()
    million(args) if args.command == "million" else search(args)


if __name__ == "__main__":
    main()
