"""Shared command plumbing: settings and a runtime, built once per command."""

from __future__ import annotations

import atexit

from anxin.cli.bootstrap import build_runtime
from anxin.config import Settings, load_settings
from anxin.identity.deps import Runtime
from anxin.kernel.principal import Principal, system_principal
from anxin.tenancy import service as tenancy_service


def settings() -> Settings:
    return load_settings()


def runtime() -> Runtime:
    """The command's runtime, closed when the process exits (flushing key usage counts)."""
    rt = build_runtime(load_settings())
    atexit.register(rt.close)
    return rt


def tenant_admin(rt: Runtime, tenant_name: str) -> Principal:
    """Whoever runs the CLI holds the key file and the database: they act as the platform
    itself inside the named tenant (bootstrap an admin, add a gateway)."""
    with rt.db.unit_of_work(tenant_id=None) as session:
        tenant = tenancy_service.get_by_name(session, name=tenant_name)
    return system_principal(tenant.id, name="cli")
