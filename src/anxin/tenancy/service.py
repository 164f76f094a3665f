"""Tenant use cases. Only the platform operator creates tenants; creating one makes its keys."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from anxin.audit import service as audit_service
from anxin.audit.actions import AuditAction
from anxin.crypto.keyring import Keyring
from anxin.kernel.clock import Clock
from anxin.kernel.errors import AnxinError
from anxin.kernel.ids import new_id
from anxin.kernel.principal import STAFF_ROLES, Principal, Role
from anxin.tenancy.errors import InvalidTenant, TenantExists, TenantNotFound
from anxin.tenancy.models import Tenant

NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
REGIONS = frozenset(
    {
        "cn-north",
        "cn-east",
        "cn-south",
        "eu-central",
        "eu-west",
        "us-east",
        "us-west",
        "ap-southeast",
    }
)


class OperatorOnly(AnxinError):
    code = "access.denied"
    status = 403
    title = "Only the platform operator manages tenants"


def add_tenant(
    session: Session,
    *,
    principal: Principal,
    keyring: Keyring,
    clock: Clock,
    name: str,
    region: str,
) -> Tenant:
    if principal.role is not Role.OPERATOR:
        raise OperatorOnly()
    if not NAME_PATTERN.match(name):
        raise InvalidTenant("tenant names are 2-63 characters of a-z, 0-9 and '-'")
    if region not in REGIONS:
        raise InvalidTenant(f"unknown region; choose one of {', '.join(sorted(REGIONS))}")
    if session.scalars(select(Tenant).where(Tenant.name == name)).first() is not None:
        raise TenantExists(f"tenant {name!r} already exists")
    now = clock.now()
    tenant = Tenant(id=new_id(), name=name, region=region, created_at=now)
    session.add(tenant)
    session.flush()
    keyring.create_tenant_keys(tenant_id=tenant.id, now=now)
    audit_service.append(
        session,
        principal=principal,
        action=AuditAction.TENANT_CREATE,
        object_type="tenant",
        object_id=tenant.id,
        now=now,
        detail={"region": region},
    )
    audit_service.append(
        session,
        principal=principal,
        action=AuditAction.KEY_CREATE,
        object_type="key",
        object_id=tenant.id,
        now=now,
        detail={"keys": ["kek:v1", "index:v1"], "provider": keyring.provider.name},
    )
    return tenant


def require_second_factor(
    session: Session, *, principal: Principal, clock: Clock, name: str, roles: list[str]
) -> Tenant:
    """Set the roles whose users must verify a second factor at every login (none: [])."""
    if principal.role is not Role.OPERATOR:
        raise OperatorOnly()
    unknown = sorted(set(roles) - {r.value for r in STAFF_ROLES})
    if unknown:
        names = ", ".join(sorted(r.value for r in STAFF_ROLES))
        raise InvalidTenant(f"unknown roles {', '.join(unknown)}; choose from {names}")
    tenant = get_by_name(session, name=name)
    tenant.second_factor_roles = sorted(set(roles))
    audit_service.append(
        session,
        principal=principal,
        action=AuditAction.TENANT_SECOND_FACTOR,
        object_type="tenant",
        object_id=tenant.id,
        now=clock.now(),
        detail={"roles": tenant.second_factor_roles},
    )
    return tenant


def list_tenants(session: Session) -> list[Tenant]:
    return list(session.scalars(select(Tenant).order_by(Tenant.name)))


def get_by_name(session: Session, *, name: str) -> Tenant:
    tenant = session.scalars(select(Tenant).where(Tenant.name == name)).first()
    if tenant is None or tenant.disabled_at is not None:
        raise TenantNotFound(f"no active tenant named {name!r}")
    return tenant
