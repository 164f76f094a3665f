"""authorize() with temporary grants, as a table of pure decisions (no database)."""

from __future__ import annotations

import pytest

from anxin.access.errors import AccessDenied
from anxin.access.permissions import Permission
from anxin.access.service import authorize
from anxin.kernel.principal import ActorType, GrantKey, Principal, Role

READ = Permission.CONVERSATION_READ_ASSIGNED
REPORT = Permission.PII_REPORT_READ


def _principal(role: Role, grants: frozenset[GrantKey] = frozenset()) -> Principal:
    return Principal(
        tenant_id="t1",
        actor_type=ActorType.USER,
        actor_id="u1",
        role=role,
        name="someone",
        grants=grants,
    )


C1 = frozenset({(READ.value, "conversation", "c1")})
ANY_REPORT = frozenset({(REPORT.value, "report", None)})
ANY_CONVERSATION = frozenset({(READ.value, "conversation", None)})


def case(name, role, grants, permission, object_type, object_id, *, condition, tenant, allowed):
    return pytest.param(
        role, grants, permission, object_type, object_id, condition, tenant, allowed, id=name
    )


NONE: frozenset[GrantKey] = frozenset()
CASES = [
    case("agent without grant, not assigned", Role.AGENT, NONE, READ, "conversation", "c1",
         condition=False, tenant=None, allowed=False),
    case("agent assigned: role and condition", Role.AGENT, NONE, READ, "conversation", "c1",
         condition=True, tenant=None, allowed=True),
    case("scoped grant stands in for the condition", Role.AGENT, C1, READ, "conversation", "c1",
         condition=False, tenant=None, allowed=True),
    case("scoped grant covers no other object", Role.AGENT, C1, READ, "conversation", "c2",
         condition=False, tenant=None, allowed=False),
    case("scoped grant covers no other permission", Role.AGENT, C1,
         Permission.CUSTOMER_READ_ASSIGNED, "conversation", "c1",
         condition=False, tenant=None, allowed=False),
    case("scoped grant covers no other object type", Role.AGENT, C1, READ, "ticket", "c1",
         condition=False, tenant=None, allowed=False),
    case("scoped grant never crosses tenants", Role.AGENT, C1, READ, "conversation", "c1",
         condition=False, tenant="t2", allowed=False),
    case("type-wide grant acts like a role permission", Role.INTERN, ANY_REPORT, REPORT,
         "report", None, condition=True, tenant=None, allowed=True),
    case("type-wide grant keeps the condition", Role.SUPERVISOR, ANY_CONVERSATION, READ,
         "conversation", "c1", condition=False, tenant=None, allowed=False),
    case("no grant, no role permission", Role.INTERN, NONE, REPORT, "report", None,
         condition=True, tenant=None, allowed=False),
    case("type-wide grant never crosses tenants", Role.INTERN, ANY_REPORT, REPORT, "report",
         None, condition=True, tenant="t2", allowed=False),
]  # fmt: skip


@pytest.mark.parametrize(
    ("role", "grants", "permission", "object_type", "object_id", "condition", "tenant", "allowed"),
    CASES,
)
def test_when_grants_are_present_then_authorize_decides(
    role: Role,
    grants: frozenset[GrantKey],
    permission: Permission,
    object_type: str,
    object_id: str | None,
    condition: bool,
    tenant: str | None,
    allowed: bool,
) -> None:
    principal = _principal(role, grants)
    if allowed:
        authorize(
            principal,
            permission,
            object_type=object_type,
            object_id=object_id,
            condition=condition,
            tenant_id=tenant,
        )
        return
    with pytest.raises(AccessDenied):
        authorize(
            principal,
            permission,
            object_type=object_type,
            object_id=object_id,
            condition=condition,
            tenant_id=tenant,
        )
