"""Shared benchmark plumbing: a fresh store on SQLite or PostgreSQL, timing and reporting."""

from __future__ import annotations

import contextlib
import json
import os
import platform
import statistics
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from anxin.cli.bootstrap import build_runtime, initialize
from anxin.config import Settings
from anxin.identity.deps import Runtime
from anxin.kernel.principal import Principal, operator_principal, system_principal
from anxin.tenancy import service as tenancy_service

PG_ADMIN = os.environ.get(
    "ANXIN_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
RESULTS = Path(__file__).parent / "results"


@contextlib.contextmanager
def store(backend: str) -> Iterator[Runtime]:
    """A fresh, initialized store with production settings, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="anxin-bench-") as tmp, _database(backend) as url:
        settings = Settings(home=Path(tmp) / "var", database_url=url)
        initialize(settings)
        runtime = build_runtime(settings)
        try:
            yield runtime
        finally:
            runtime.close()


@contextlib.contextmanager
def _database(backend: str) -> Iterator[str | None]:
    if backend == "sqlite":
        yield None
        return
    name = f"anxin_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(PG_ADMIN).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def tenant(runtime: Runtime, name: str = "bench") -> Principal:
    with runtime.db.unit_of_work(tenant_id=None) as session:
        row = tenancy_service.add_tenant(
            session,
            principal=operator_principal("bench"),
            keyring=runtime.keyring,
            clock=runtime.clock,
            name=name,
            region="cn-east",
        )
    return system_principal(row.id, name="bench")


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def summary_ms(samples_s: list[float]) -> dict[str, float]:
    ms = [s * 1000 for s in samples_s]
    return {
        "p50_ms": round(statistics.median(ms), 3),
        "p99_ms": round(percentile(ms, 0.99), 3),
        "max_ms": round(max(ms), 3),
        "n": len(ms),
    }


def machine() -> dict[str, str | int]:
    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {
        "cpu": cpu,
        "cores": os.cpu_count() or 0,
        "python": platform.python_version(),
        "system": platform.platform(),
    }


def record(name: str, result: dict[str, object]) -> None:
    RESULTS.mkdir(exist_ok=True)
    payload = {"machine": machine(), **result}
    (RESULTS / f"{name}.json").write_text(json.dumps(payload, indent=2, ensure_ascii=False))
    print(json.dumps(payload, indent=2, ensure_ascii=False))
