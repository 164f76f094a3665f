"""Scheduled jobs over every tenant: expire grants, disable leavers and dormant accounts.

Each job runs per tenant in a unit of work of its own, so one tenant's work commits (with its
audit events) independently of the next. `anxin jobs run` calls this; the server's scheduler
can call the same function later.
"""

from __future__ import annotations

import dataclasses
import enum

from sqlalchemy.orm import Session

from anxin.access import grants
from anxin.db.database import Database
from anxin.identity import lifecycle
from anxin.kernel.clock import Clock
from anxin.tenancy import service as tenancy_service


class Job(enum.StrEnum):
    GRANTS = "grants"
    LEAVERS = "leavers"
    DORMANT = "dormant"


@dataclasses.dataclass(frozen=True, slots=True)
class JobResult:
    job: Job
    tenant: str
    count: int
    usernames: tuple[str, ...] = ()


def run_jobs(
    db: Database, *, clock: Clock, jobs: frozenset[Job], dormant_days: int
) -> list[JobResult]:
    """Run the chosen jobs for every active tenant, in a fixed order (grants first)."""
    with db.unit_of_work(tenant_id=None) as session:
        tenants = [
            (t.id, t.name) for t in tenancy_service.list_tenants(session) if t.disabled_at is None
        ]
    results: list[JobResult] = []
    for job in Job:
        if job not in jobs:
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
