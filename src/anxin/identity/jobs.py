"""Scheduled jobs over every tenant: expire grants, disable leavers and dormant accounts, and
sign a checkpoint of every audit log with new events (the platform's too), last, so it covers
what the other jobs recorded.

Each job runs per tenant in a unit of work of its own, so one tenant's work commits (with its
audit events) independently of the next. `anxin jobs run` calls this; the server's scheduler
can call the same function later.
"""

from __future__ import annotations

import dataclasses
import enum
import logging
import threading
from collections.abc import Callable

from sqlalchemy.orm import Session

from anxin.access import grants
from anxin.audit import schedule
from anxin.audit.signing_key import SigningKey
from anxin.db.database import Database
from anxin.identity import lifecycle
from anxin.kernel.clock import Clock
from anxin.kernel.principal import operator_principal, system_principal
from anxin.tenancy import service as tenancy_service


class Job(enum.StrEnum):
    GRANTS = "grants"
    LEAVERS = "leavers"
    DORMANT = "dormant"
    CHECKPOINTS = "checkpoints"


log = logging.getLogger(__name__)

PLATFORM = "platform"  # the tenant column of the platform log's checkpoint result


@dataclasses.dataclass(frozen=True, slots=True)
class JobResult:
    job: Job
    tenant: str
    count: int
    usernames: tuple[str, ...] = ()
    # Checkpoints: the signed size, and why publishing to the witness failed (if it did).
    tree_size: int | None = None
    witness_error: str | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class CheckpointConfig:
    """What the checkpoints job needs; the key is read from its file when the job runs."""

    key: Callable[[], SigningKey]
    origin_prefix: str
    witness: schedule.WitnessSettings | None = None


def run_jobs(
    db: Database,
    *,
    clock: Clock,
    jobs: frozenset[Job],
    dormant_days: int,
    checkpoint: CheckpointConfig | None = None,
) -> list[JobResult]:
    """Run the chosen jobs for every active tenant, in a fixed order (grants first,
    checkpoints last; checkpoints only with `checkpoint` given)."""
    tenants = active_tenants(db)
    results: list[JobResult] = []
    for job in Job:
        if job not in jobs:
            continue
        if job is Job.CHECKPOINTS:
            if checkpoint is not None:
                results += checkpoint_logs(db, tenants, clock=clock, config=checkpoint)
            continue
        for tenant_id, name in tenants:
            with db.unit_of_work(tenant_id=tenant_id) as session:
                results.append(_run_one(session, job, tenant_id, name, clock, dormant_days))
    return results


def _run_one(
    session: Session, job: Job, tenant_id: str, name: str, clock: Clock, dormant_days: int
) -> JobResult:
    if job is Job.GRANTS:
        return JobResult(job, name, grants.expire_due(session, tenant_id=tenant_id, clock=clock))
    if job is Job.LEAVERS:
        names = lifecycle.disable_leavers(session, tenant_id=tenant_id, clock=clock)
    else:
        names = lifecycle.disable_dormant(
            session, tenant_id=tenant_id, clock=clock, days=dormant_days
        )
    return JobResult(job, name, len(names), tuple(names))


def checkpoint_logs(
    db: Database,
    tenants: list[tuple[str, str]],
    *,
    clock: Clock,
    config: CheckpointConfig,
) -> list[JobResult]:
    """Checkpoint every given tenant's log and the platform log that have new events, and
    publish each new checkpoint to the witness. A publish failure is reported in the result,
    never raised: the checkpoint is stored either way."""
    key = config.key()
    results: list[JobResult] = []
    logs = [(system_principal(t, name="jobs"), name) for t, name in tenants]
    logs.append((operator_principal("jobs"), PLATFORM))
    for principal, name in logs:
        run = schedule.checkpoint_log(
            db,
            principal=principal,
            key=key,
            origin_prefix=config.origin_prefix,
            now=clock.now(),
            witness=config.witness,
            scheduled=True,
        )
        size = run.checkpoint.tree_size if run.checkpoint else None
        results.append(
            JobResult(
                Job.CHECKPOINTS,
                name,
                1 if run.new else 0,
                tree_size=size,
                witness_error=run.witness_error,
            )
        )
    return results


def active_tenants(db: Database) -> list[tuple[str, str]]:
    with db.unit_of_work(tenant_id=None) as session:
        return [
            (t.id, t.name) for t in tenancy_service.list_tenants(session) if t.disabled_at is None
        ]


class Periodic:
    """A daemon thread running one task at an interval until `stop()`."""

    def __init__(self, stop: threading.Event, thread: threading.Thread) -> None:
        self._stop = stop
        self._thread = thread

    def stop(self) -> None:
        """Ask the thread to stop and wait for the round in progress to end."""
        self._stop.set()
        self._thread.join(timeout=60)


def checkpoint_periodically(
    db: Database, *, clock: Clock, config: CheckpointConfig, every_s: float
) -> Periodic:
    """Run the checkpoints job every `every_s` seconds in a daemon thread (`anxin serve`).
    A failing round is logged and the next one tries again: the server keeps serving, and
    nothing is lost (the rows wait for the next checkpoint)."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(every_s):
            try:
                for result in checkpoint_logs(db, active_tenants(db), clock=clock, config=config):
                    if result.witness_error:
                        log.warning(
                            "audit checkpoint of %s not published: %s",
                            result.tenant,
                            result.witness_error,
                        )
            except Exception:
                log.exception("scheduled audit checkpoints failed")

    thread = threading.Thread(target=loop, name="audit-checkpoints", daemon=True)
    thread.start()
    return Periodic(stop, thread)
