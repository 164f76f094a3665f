"""Pure decisions about conversations: the status machine and who may touch which one."""

from __future__ import annotations

import enum

from anxin.kernel.principal import Principal, Role


class Status(enum.StrEnum):
    QUEUED = "queued"
    ACTIVE = "active"
    WRAP_UP = "wrap_up"
    CLOSED = "closed"


# queued -> active -> wrap_up -> closed; a call abandoned in the queue or cut off while active
# closes directly. Nothing leaves `closed`: a returning customer opens a new conversation.
TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.QUEUED: frozenset({Status.ACTIVE, Status.CLOSED}),
    Status.ACTIVE: frozenset({Status.WRAP_UP, Status.CLOSED}),
    Status.WRAP_UP: frozenset({Status.CLOSED}),
    Status.CLOSED: frozenset(),
}

APPENDABLE = frozenset({Status.QUEUED, Status.ACTIVE, Status.WRAP_UP})


def can_transition(current: Status, target: Status) -> bool:
    return target in TRANSITIONS[current]


def is_current_assignee(
    principal: Principal, *, assigned_agent_id: str | None, status: str
) -> bool:
    """Agents see only their current conversation: assigned to them and not yet closed."""
    return (
        principal.actor_id == assigned_agent_id
        and status != Status.CLOSED
        and principal.role in {Role.AGENT, Role.INTERN}
    )


def acts_on_any_conversation(principal: Principal) -> bool:
    """Gateways and platform jobs feed every conversation of their tenant."""
    return principal.role in {Role.GATEWAY, Role.SYSTEM}
