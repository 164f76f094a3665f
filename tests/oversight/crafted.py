"""A crafted set of audit events in acme (and one in globex) whose answers are known."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from anxin.audit import service as audit_service
from anxin.audit.actions import AuditAction, Outcome
from anxin.audit.service import last_seq

T0 = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)


def at(day: int, hour: int, minute: int = 0, second: int = 0) -> dt.datetime:
    return T0 + dt.timedelta(days=day - 1, hours=hour, minutes=minute, seconds=second)


A = AuditAction
# label: (when, who, action, object type, object id, customer, fields, outcome, client address)
EVENTS: dict[str, tuple[Any, ...]] = {
    "e1": (at(1, 8), "agent", A.CUSTOMER_READ, "customer", "c1", "c1", ["phone", "name"],
           Outcome.SUCCESS, "10.0.0.1"),
    "e2": (at(1, 9), "agent", A.VALUE_REVEAL, "conversation", "v1", "c1", ["phone"],
           Outcome.SUCCESS, "10.0.0.1"),
    "e3": (at(1, 10), "agent2", A.CUSTOMER_READ, "customer", "c2", "c2", ["name"],
           Outcome.SUCCESS, "10.0.0.2"),
    "e4": (at(1, 23, 59, 59), "agent2", A.ACCESS_DENIED, "conversation", "v9", None, [],
           Outcome.DENIED, "10.0.0.2"),
    "e5": (at(2, 0), "supervisor", A.MESSAGE_FIND_MENTIONS, "conversation", None, None, [],
           Outcome.SUCCESS, "10.0.0.3"),
    "e6": (at(2, 12), "agent", A.VALUE_REVEAL, "conversation", "v1", "c1", ["phone"],
           Outcome.DENIED, "10.0.0.1"),
    "e7": (at(2, 13), "agent", A.CUSTOMER_LOOKUP, "customer", "c2", "c2", ["phone"],
           Outcome.SUCCESS, "10.0.0.1"),
    "e8": (at(3, 0), "gateway", A.CONVERSATION_CREATE, "conversation", "v2", "c3", [],
           Outcome.SUCCESS, None),
    "e9": (at(3, 1), "admin", A.USER_CREATE, "user", "u1", None, [], Outcome.SUCCESS, None),
}  # fmt: skip


def add_events(world: Any) -> dict[str, int]:
    """Append EVENTS to acme's log (and one read of customer id c1 to globex's); returns the
    seq of each label."""
    drafts = []
    for (
        when,
        who,
        action,
        object_type,
        object_id,
        customer,
        fields,
        outcome,
        addr,
    ) in EVENTS.values():
        principal = world.acme.gateway if who == "gateway" else world.acme.users[who]
        drafts.append(
            audit_service.Event(
                principal=dataclasses.replace(principal, client_addr=addr),
                action=action,
                object_type=object_type,
                object_id=object_id,
                now=when,
                fields=fields,
                outcome=outcome,
                customer_id=customer,
            )
        )
    with world.runtime.db.unit_of_work(tenant_id=world.acme.id) as session:
        first = last_seq(session.connection(), world.acme.id) + 1
        audit_service.append_many(session, drafts)
    with world.runtime.db.unit_of_work(tenant_id=world.globex.id) as session:
        audit_service.append(
            session,
            principal=world.globex.users["agent"],
            action=A.CUSTOMER_READ,
            object_type="customer",
            object_id="c1",
            customer_id="c1",
            now=at(1, 8, 30),
            fields=["phone"],
        )
    return {label: first + i for i, label in enumerate(EVENTS)}
