"""Audit append throughput (issue 7) through `anxin.audit.service`, on SQLite and PostgreSQL.

    PYTHONPATH=src python -m bench.audit_append [--backend sqlite|postgres|both] [--events N]
        [--batch B] [--prefill N] [--profile] [--indexes] [--ab OLD_SRC]

Modes, each on a fresh store (migrated schema, WAL on SQLite, a database of its own on
PostgreSQL) and each appending to a log that already holds `--prefill` events:

- `single`: one `append()` per unit of work, as a request that does one thing;
- `in_tx`: `--batch` calls of `append()` inside one unit of work (a request touching many
  records, each audited by its own call);
- `batched_B`: `append_many()` of B events per unit of work, for B in 100, 1000 and `--batch`.

`--profile` runs cProfile over the batched path and groups the time by what it was spent on.
`--indexes` repeats the batched run with each secondary index of audit_events dropped, on a
scratch store, to show what maintaining it costs. Target: 20,000 events/s batched on SQLite.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import importlib.util
import io
import os
import pstats
import statistics
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

from sqlalchemy import text

from anxin.audit import service as audit_service
from anxin.audit.actions import AuditAction
from anxin.db.database import create_db_engine
from anxin.identity.deps import Runtime
from anxin.kernel.principal import ActorType, Principal, Role
from bench.common import record, store, tenant

INDEXES = ("ux_audit_events_log_seq", "ix_audit_events_tenant_time")


def agent(tenant_id: str | None, n: int = 0) -> Principal:
    """A staff member of the tenant, as a request would carry it (ids are UUID-sized)."""
    return Principal(
        tenant_id=tenant_id,
        actor_type=ActorType.USER,
        actor_id=str(uuid.UUID(int=n + 1)),
        role=Role.AGENT,
        name="bench",
        client_addr="10.20.30.40",
    )


def events(principal: Principal, count: int) -> Iterator[audit_service.Event]:
    """Customer reads, the most common audited action: two fields and a short detail."""
    now = dt.datetime.now(dt.UTC)
    for i in range(count):
        customer = str(uuid.UUID(int=i))
        yield audit_service.Event(
            principal=principal,
            action=AuditAction.CUSTOMER_READ,
            object_type="customer",
            object_id=customer,
            customer_id=customer,
            now=now + dt.timedelta(microseconds=i),
            fields=("phone", "name"),
            detail={"reason": "inbound call", "conversation": i},
        )


class Clock:
    """Wall time and this process's CPU time: on a shared two-core machine the CPU time per
    event (SQLite's work included, PostgreSQL's server not) moves much less than the rate."""

    def __init__(self) -> None:
        self.wall = time.perf_counter()
        self.cpu = time.process_time()

    def rate(self, total: int) -> dict[str, float]:
        wall = time.perf_counter() - self.wall
        cpu = time.process_time() - self.cpu
        return {
            "events_per_s": round(total / wall),
            "cpu_us_per_event": round(cpu / total * 1e6, 1),
        }


def _single(rt: Runtime, principal: Principal, total: int) -> dict[str, float]:
    drafts = list(events(principal, total))
    started = Clock()
    for e in drafts:
        with rt.db.unit_of_work(tenant_id=principal.tenant_id) as session:
            audit_service.append(
                session,
                principal=e.principal,
                action=e.action,
                object_type=e.object_type,
                object_id=e.object_id,
                now=e.now,
                fields=e.fields,
                detail=e.detail,
                customer_id=e.customer_id,
            )
    return started.rate(total)


def _in_tx(rt: Runtime, principal: Principal, total: int, batch: int) -> dict[str, float]:
    drafts = list(events(principal, total))
    started = Clock()
    for low in range(0, total, batch):
        with rt.db.unit_of_work(tenant_id=principal.tenant_id) as session:
            for e in drafts[low : low + batch]:
                audit_service.append(
                    session,
                    principal=e.principal,
                    action=e.action,
                    object_type=e.object_type,
                    object_id=e.object_id,
                    now=e.now,
                    fields=e.fields,
                    detail=e.detail,
                    customer_id=e.customer_id,
                )
    return started.rate(total)


def _batched(
    rt: Runtime,
    principal: Principal,
    total: int,
    batch: int,
    profiler: cProfile.Profile | None = None,
) -> dict[str, float]:
    drafts = list(events(principal, total))
    started = Clock()
    if profiler:
        profiler.enable()
    for low in range(0, total, batch):
        with rt.db.unit_of_work(tenant_id=principal.tenant_id) as session:
            audit_service.append_many(session, drafts[low : low + batch])
    if profiler:
        profiler.disable()
    return started.rate(total)


def _prefill(rt: Runtime, principal: Principal, count: int, *, analyze: bool = True) -> None:
    """Start from a log that is not empty, so index depth and max(seq) are realistic."""
    drafts = list(events(principal, count))
    for low in range(0, count, 5000):
        with rt.db.unit_of_work(tenant_id=principal.tenant_id) as session:
            audit_service.append_many(session, drafts[low : low + 5000])
    if rt.db.dialect == "postgresql" and analyze:
        # As autovacuum would have by now. Without statistics (the table was analyzed while
        # empty), PostgreSQL computes max(seq) from a bitmap scan of every row of the tenant
        # instead of one step down the (tenant_id, seq) index: O(n) per append.
        owner = create_db_engine(rt.settings.effective_database_url, restricted=False)
        try:
            with owner.begin() as conn:
                conn.execute(text("ANALYZE audit_events"))
        finally:
            owner.dispose()


# What each profiled function is spent on; cumulative times, so nested entries overlap.
_CATEGORIES = {
    "append_many (all of it)": ("service.py", "append_many"),
    "entry serialization (entry_bytes)": ("entry.py", "entry_bytes"),
    "  of which json.dumps": ("__init__.py", "dumps"),
    "  of which timestamp()": ("entry.py", "timestamp"),
    "sha256 (merkle.leaf_hash)": ("merkle.py", "leaf_hash"),
    "row building (_row)": ("service.py", "_row"),
    "max(seq) query + lock (last_seq)": ("service.py", "last_seq"),
    "INSERT (Connection.execute)": ("base.py", "execute"),
    "  of which driver executemany": ("default.py", "do_executemany"),
    "commit": ("session.py", "commit"),
}


def _profile(rt: Runtime, principal: Principal, total: int, batch: int) -> dict[str, object]:
    profiler = cProfile.Profile()
    rate = _batched(rt, principal, total, batch, profiler)["events_per_s"]
    stats = pstats.Stats(profiler)
    raw = stats.stats  # type: ignore[attr-defined]
    total_s = sum(tt for (_cc, _nc, tt, _ct, _callers) in raw.values())
    shares: dict[str, float] = {}
    for label, (filename, name) in _CATEGORIES.items():
        cumulative = sum(
            ct
            for (file, _line, func), (_cc, _nc, _tt, ct, _callers) in raw.items()
            if func == name and os.path.basename(file) == filename
        )
        shares[label] = round(cumulative / total_s, 3)
    text_out = io.StringIO()
    pstats.Stats(profiler, stream=text_out).sort_stats("tottime").print_stats(15)
    print(text_out.getvalue())
    return {"events_per_s_under_profiler": rate, "share_of_profiled_time": shares}


def _load(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _ab(rt: Runtime, principal: Principal, old_src: Path, rounds: int, batch: int) -> Any:
    """CPU time of append_many from another checkout's service.py and entry.py against this
    one's, alternating batches on one store so that load from other work hits both alike."""
    old_entry = _load(old_src / "anxin/audit/entry.py", "bench_old_entry")
    old_service = _load(old_src / "anxin/audit/service.py", "bench_old_service")
    old_service.entry_leaf_hash = old_entry.entry_leaf_hash  # type: ignore[attr-defined]
    drafts = list(events(principal, batch))
    cpu: dict[str, list[float]] = {"old": [], "new": []}
    for _ in range(rounds):
        for label, module in (("old", old_service), ("new", audit_service)):
            with rt.db.unit_of_work(tenant_id=principal.tenant_id) as session:
                t0 = time.thread_time()
                module.append_many(session, drafts)
                cpu[label].append(time.thread_time() - t0)
    return {
        f"{label}_cpu_us_per_event_median": round(statistics.median(v) / batch * 1e6, 1)
        for label, v in cpu.items()
    }


def _drop_indexes(rt: Runtime, names: tuple[str, ...]) -> None:
    # As the owner on PostgreSQL: the runtime's role may not alter the table.
    owner = create_db_engine(rt.settings.effective_database_url, restricted=False)
    try:
        with owner.begin() as conn:
            for name in names:
                conn.execute(text(f"DROP INDEX {name}"))
    finally:
        owner.dispose()


def _run_backend(backend: str, args: argparse.Namespace) -> dict[str, object]:
    result: dict[str, object] = {}
    sizes = sorted({100, 1000, args.batch})
    with store(backend) as rt:
        principal = agent(tenant(rt).tenant_id)
        _prefill(rt, principal, args.prefill, analyze=not args.no_analyze)
        result["single"] = _single(rt, principal, args.events // 20)
        result[f"in_tx_{args.batch}"] = _in_tx(rt, principal, args.events // 2, args.batch)
        for size in sizes:
            result[f"batched_{size}"] = _batched(rt, principal, args.events, size)
        if args.profile:
            result["profile_batched"] = _profile(rt, principal, args.events, args.batch)
        if args.ab:
            result["append_many_ab"] = _ab(rt, principal, args.ab, 30, args.batch)
    if args.indexes:
        variants: dict[str, tuple[str, ...]] = {
            "all_indexes": (),
            "without_tenant_time": ("ix_audit_events_tenant_time",),
            "without_log_seq": ("ux_audit_events_log_seq",),
            "without_both": INDEXES,
        }
        for label, dropped in variants.items():
            with store(backend) as rt:
                principal = agent(tenant(rt).tenant_id)
                _drop_indexes(rt, dropped)
                _prefill(rt, principal, args.prefill, analyze=not args.no_analyze)
                rate = _batched(rt, principal, args.events, args.batch)
            result[f"index_effect_batched_{args.batch}_{label}"] = rate
            print(f"{backend} {label}: {rate}", flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--prefill", type=int, default=100_000)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--indexes", action="store_true")
    parser.add_argument("--no-analyze", action="store_true", help="PostgreSQL: keep stale stats")
    # e.g. a `git archive f4ddddd src` extracted: its audit/service.py and entry.py
    parser.add_argument("--ab", type=Path, help="another checkout's src/ to compare against")
    args = parser.parse_args()
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    results: dict[str, object] = {
        "events": args.events,
        "batch": args.batch,
        "prefill": args.prefill,
        "load_average_before": [round(x, 2) for x in os.getloadavg()],
    }
    for backend in backends:
        results[backend] = _run_backend(backend, args)
        print(backend, results[backend], flush=True)
    results["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    record("audit_append", results)


if __name__ == "__main__":
    main()
