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


CASES = [
    # (role, grants, permission, object_type, object_id, condition, tenant_id, allowed)
    ("agent without a grant, not assigned", Role.AGENT, set(), READ, "conversation", "c1", False, None, False),
    ("agent assigned (role + condition)", Role.AGENT, set(), READ, "conversation", "c1", True, None, True),
    ("scoped grant stands in for the condition", Role.AGENT, {(READ.value, "conversation", "c1")}, READ, "conversation", "c1", False, None, True),
    ("scoped grant covers no other object", Role.AGENT, {(READ.value, "conversation", "c1")}, READ, "conversation", "c2", False, None, False),
    ("scoped grant covers no other permission", Role.AGENT, {(READ.value, "conversation", "c1")}, Permission.CUSTOMER_READ_ASSIGNED, "conversation", "c1", False, None, False),
    ("scoped grant covers no other object type", Role.AGENT, {(READ.value, "conversation", "c1")}, READ, "ticket", "c1", False, None, False),
    ("scoped grant never crosses tenants", Role.AGENT, {(READ.value, "conversation", "c1")}, READ, "conversation", "c1", False, "t2", False),
    ("type-wide grant acts like a role permission", Role.INTERN, {(REPORT.value, "report", None)}, REPORT, "report", None, True, None, True),
    ("type-wide grant keeps the condition", Role.SUPERVISOR, {(READ.value, "conversation", None)}, READ, "conversation", "c1", False, None, False),
    ("no grant, no role permission", Role.INTERN, set(), REPORT, "report", None, True, None, False),
    ("a grant does not survive into another tenant", Role.INTERN, {(REPORT.value, "report", None)}, REPORT, "report", None, True, "t2", False),
]  # fmt: skip


@pytest.mark.parametrize(
    ("role", "grants", "permission", "object_type", "object_id", "condition", "tenant", "allowed"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_when_grants_are_present_then_authorize_decides(
    role: Role,
    grants: set[GrantKey],
    permission: Permission,
    object_type: str,
    object_id: str | None,
    condition: bool,
    tenant: str | None,
    allowed: bool,
) -> None:
    principal = _principal(role, frozenset(grants))
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
