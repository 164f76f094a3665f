"""Rotation jobs: what a rotation targets and how far it got, kept in the keystore.

A rotation opens a job (or resumes the unfinished one of the same tenant and kind), moves a
cursor forward after every committed batch, and closes the job at the end. Killed anywhere, the
next run resumes from the cursor; each batch is idempotent, so redoing the last one is harmless.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

from sqlalchemy import Connection, select, update

from anxin.crypto.keystore import Keystore, jobs
from anxin.kernel.ids import new_id


@dataclasses.dataclass(frozen=True, slots=True)
class Job:
    id: str
    tenant_id: str
    kind: str
    target_version: int | None
    cursor: str | None
    done: int
    started_at: dt.datetime
    resumed: bool


def open_job(
    keystore: Keystore,
    *,
    tenant_id: str,
    kind: str,
    now: dt.datetime,
    target: Callable[[Connection], int | None],
) -> Job:
    """The unfinished job of this tenant and kind, or a new one aimed at `target(conn)`."""
    with keystore.begin() as conn:
        row = conn.execute(
            select(jobs).where(
                jobs.c.tenant_id == tenant_id, jobs.c.kind == kind, jobs.c.finished_at.is_(None)
            )
        ).first()
        if row is not None:
            return Job(
                row.id,
                tenant_id,
                kind,
                row.target_version,
                row.cursor,
                row.done,
                row.started_at,
                resumed=True,
            )
        job = Job(new_id(), tenant_id, kind, target(conn), None, 0, now, resumed=False)
        conn.execute(
            jobs.insert().values(
                id=job.id,
                tenant_id=tenant_id,
                kind=kind,
                target_version=job.target_version,
                cursor=None,
                done=0,
                started_at=now,
            )
        )
        return job


def advance(keystore: Keystore, job: Job, *, cursor: str, done: int) -> None:
    with keystore.begin() as conn:
        conn.execute(update(jobs).where(jobs.c.id == job.id).values(cursor=cursor, done=done))


def finish(keystore: Keystore, job: Job, *, now: dt.datetime, done: int) -> None:
    with keystore.begin() as conn:
        conn.execute(update(jobs).where(jobs.c.id == job.id).values(finished_at=now, done=done))


def open_jobs(keystore: Keystore, *, tenant_id: str) -> list[Job]:
    with keystore.connect() as conn:
        rows = conn.execute(
            select(jobs).where(jobs.c.tenant_id == tenant_id, jobs.c.finished_at.is_(None))
        ).all()
    return [
        Job(r.id, tenant_id, r.kind, r.target_version, r.cursor, r.done, r.started_at, True)
        for r in rows
    ]
