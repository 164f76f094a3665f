"""Filling a tenant's audit log and signing it, as several audit tests need."""

from __future__ import annotations

from anxin.audit import checkpoints
from anxin.audit import service as audit_service
from anxin.audit.actions import AuditAction

PREFIX = "anxin.example/audit"


def append_reads(world, tenant_id: str, count: int) -> None:
    """`count` customer reads by the tenant's agent, committed together."""
    tenant = world.acme if tenant_id == world.acme.id else world.globex
    now = world.runtime.clock.now()
    drafts = [
        audit_service.Event(
            principal=tenant.users["agent"],
            action=AuditAction.CUSTOMER_READ,
            object_type="customer",
            object_id=f"c{i}",
            customer_id=f"c{i}",
            now=now,
            fields=["phone", "name"],
            detail={"n": i, "note": "读取"},
        )
        for i in range(count)
    ]
    with world.runtime.db.unit_of_work(tenant_id=tenant_id) as session:
        audit_service.append_many(session, drafts)


def make_checkpoint(world, tenant_id: str) -> tuple[checkpoints.StoredCheckpoint, bool]:
    with world.runtime.db.unit_of_work(tenant_id=tenant_id) as session:
        return checkpoints.make_checkpoint(
            session.connection(),
            tenant_id=tenant_id,
            key=world.runtime.audit_signing_key(),
            origin_prefix=PREFIX,
            now=world.runtime.clock.now(),
        )
