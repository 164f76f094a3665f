"""Who is acting. Services receive a Principal and decide; routes never do."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum


class Role(enum.StrEnum):
    """Staff roles of a tenant (DESIGN.md 'Who uses it'), plus the non-human actors."""

    AGENT = "agent"
    INTERN = "intern"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"
    AUDITOR = "auditor"
    SECURITY_OFFICER = "security_officer"
    PRIVACY_OFFICER = "privacy_officer"
    GATEWAY = "gateway"
    OPERATOR = "operator"
    SYSTEM = "system"


STAFF_ROLES: frozenset[Role] = frozenset(
    {
        Role.AGENT,
        Role.INTERN,
        Role.SUPERVISOR,
        Role.ADMIN,
        Role.AUDITOR,
        Role.SECURITY_OFFICER,
        Role.PRIVACY_OFFICER,
    }
)


# An active temporary grant as authorize() sees it: (permission, scope type, scope id or None
# for any object of that type). Loaded per request; see access/grants.py.
GrantKey = tuple[str, str, str | None]


class ActorType(enum.StrEnum):
    USER = "user"
    GATEWAY = "gateway"
    OPERATOR = "operator"
    SYSTEM = "system"


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Principal:
    """An authenticated actor acting inside one tenant (or none, for the platform operator)."""

    tenant_id: str | None
    actor_type: ActorType
    actor_id: str
    role: Role
    name: str
    session_id: str | None = None
    client_addr: str | None = None
    # The session's last second-factor verification, for step-up checks (None: never).
    second_factor_at: dt.datetime | None = None
    # Active, approved, unexpired temporary grants; empty unless the edge loaded them.
    grants: frozenset[GrantKey] = frozenset()

    @property
    def is_staff(self) -> bool:
        return self.actor_type is ActorType.USER


def operator_principal(name: str = "cli") -> Principal:
    """The platform operator at the command line: may manage tenants, never read tenant data."""
    return Principal(
        tenant_id=None, actor_type=ActorType.OPERATOR, actor_id=name, role=Role.OPERATOR, name=name
    )


def system_principal(tenant_id: str, *, name: str = "system") -> Principal:
    """A trusted job of the platform itself (demo seeding, benchmarks), scoped to one tenant."""
    return Principal(
        tenant_id=tenant_id, actor_type=ActorType.SYSTEM, actor_id=name, role=Role.SYSTEM, name=name
    )
