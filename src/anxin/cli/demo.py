"""Seeding the demo tenant and writing demo-credentials.json (mode 0600)."""

from __future__ import annotations

import ipaddress
import json

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import select

from anxin.cli.output import console
from anxin.config import Settings
from anxin.demo.seed import (
    DEMO_TENANT,
    DemoCredentials,
    DemoPlan,
    create_demo_tenant,
    seed_contacts,
)
from anxin.identity.deps import Runtime
from anxin.kernel.files import write_private
from anxin.tenancy.models import Tenant


def demo_exists(rt: Runtime) -> bool:
    with rt.db.unit_of_work(tenant_id=None) as session:
        return (
            session.scalars(select(Tenant.id).where(Tenant.name == DEMO_TENANT)).first() is not None
        )


def seed_demo(rt: Runtime, *, customers: int) -> DemoCredentials:
    credentials = create_demo_tenant(rt.db, keyring=rt.keyring, clock=rt.clock)
    with rt.db.unit_of_work(tenant_id=None) as session:
        tenant_id = session.scalars(select(Tenant.id).where(Tenant.name == DEMO_TENANT)).one()
    plan = DemoPlan(customers=customers, conversations_for=min(customers, 200))
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=False) as progress:
        task = progress.add_task("seeding demo customers", total=customers)
        seed_contacts(
            rt.db,
            keyring=rt.keyring,
            clock=rt.clock,
            tenant_id=tenant_id,
            agent_username=credentials.users["agent"][0],
            plan=plan,
            progress=lambda n: progress.advance(task, n),
        )
    write_credentials(rt.settings, credentials)
    return credentials


def write_credentials(settings: Settings, credentials: DemoCredentials) -> None:
    host = settings.host
    if ipaddress.ip_address(host).is_unspecified if _is_ip(host) else False:
        host = "127.0.0.1"
    document = {
        "base_url": f"https://{host}:{settings.port}",
        "ca_cert": str(settings.effective_ca_cert.resolve()),
        "tenant": credentials.tenant,
        "users": {
            role: {"username": username, "password": password}
            for role, (username, password) in credentials.users.items()
        },
        "gateway_api_key": credentials.gateway_api_key,
    }
    payload = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    write_private(settings.credentials_file, payload.encode())


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True
