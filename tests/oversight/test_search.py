"""Searching a tenant's audit log through oversight.service: every filter, keyset pages that
are complete and stable, one tenant only, and each search recorded in the log it searched."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from sqlalchemy import select
from tests.oversight.crafted import EVENTS, add_events, at

from anxin.access.errors import AccessDenied
from anxin.audit.actions import AuditAction
from anxin.audit.export import ExportFormat
from anxin.audit.models import AuditEvent
from anxin.audit.search import EventFilter, Order, Page
from anxin.kernel.principal import operator_principal, system_principal
from anxin.oversight import service
from anxin.oversight.errors import TimeRangeInvalid

ALL = set(EVENTS)


def _search(world: Any, where: EventFilter, page: Page | None = None, who: str = "auditor"):
    tenant = world.acme if who != "globex" else world.globex
    principal = tenant.users["auditor"]
    with world.runtime.db.unit_of_work(tenant_id=tenant.id) as session:
        return service.search_events(
            session,
            principal=principal,
            clock=world.runtime.clock,
            where=where,
            page=page or Page(limit=1000),
        )


def _labels(seqs: dict[str, int], events) -> set[str]:
    by_seq = {s: label for label, s in seqs.items()}
    return {by_seq.get(e.seq, f"other:{e.action}") for e in events}


CASES = [
    ({}, ALL),
    ({"since": at(1, 10), "until": at(2, 0)}, {"e3", "e4"}),  # half-open: e5 at `until` is out
    ({"since": at(1, 9), "until": at(1, 9, 0, 1)}, {"e2"}),
    ({"actor_id": "agent"}, {"e1", "e2", "e6", "e7"}),  # a username, resolved to the user's id
    ({"action": "contact:value:reveal"}, {"e2", "e6"}),
    ({"action": "contact:customer:"}, {"e1", "e3", "e7"}),  # a prefix
    ({"action": "contact:customer"}, set()),  # exact unless it ends in ':'
    ({"action": "access:"}, {"e4"}),
    ({"object_type": "user"}, {"e9"}),
    ({"object_type": "conversation", "object_id": "v1"}, {"e2", "e6"}),
    ({"customer_id": "c2"}, {"e3", "e7"}),
    ({"outcome": "denied"}, {"e4", "e6"}),
    ({"client_addr": "10.0.0.2"}, {"e3", "e4"}),
    ({"actor_id": "agent", "outcome": "denied", "customer_id": "c1"}, {"e6"}),
]


@pytest.mark.parametrize(("given", "expected"), CASES)
def test_each_filter_selects_exactly_its_events(world, given, expected) -> None:
    seqs = add_events(world)
    # Every case within the crafted days (world setup happened years before), through the
    # time index; and the same without a time range where the filter alone suffices.
    ranged = {"since": at(1, 0), "until": at(4, 0)} | given
    assert _labels(seqs, _search(world, EventFilter(**ranged)).events) == expected
    if "since" not in given and given.get("action") != "contact:customer":
        found = _search(world, EventFilter(**given)).events
        crafted = _labels(seqs, [e for e in found if seqs["e1"] <= e.seq <= seqs["e9"]])
        assert crafted == expected


def test_an_actor_id_works_as_well_as_a_username(world) -> None:
    seqs = add_events(world)
    gateway = world.acme.gateway.actor_id
    assert _labels(seqs, _search(world, EventFilter(actor_id=gateway)).events) == {"e8"}
    user_id = world.acme.users["agent2"].actor_id
    assert _labels(seqs, _search(world, EventFilter(actor_id=user_id)).events) == {"e3", "e4"}


@pytest.mark.parametrize("order", list(Order))
@pytest.mark.parametrize("ranged", [False, True])
def test_pages_cover_every_match_once_in_order(world, order, ranged) -> None:
    add_events(world)
    add_events(world)
    # Neither filter matches the searches' own events (audit:..., at the frozen clock's time).
    where = (
        EventFilter(since=at(1, 0), until=at(4, 0)) if ranged else EventFilter(action="contact:")
    )
    expected = [e.seq for e in _search(world, where).events]
    assert len(expected) == (18 if ranged else 14)
    if order is Order.DESC:
        expected.reverse()
    seen: list[int] = []
    cursor: int | None = None
    while True:
        cursor_kw = {"after": cursor} if order is Order.ASC else {"before": cursor}
        found = _search(world, where, Page(limit=5, order=order, **cursor_kw))
        assert len(found.events) <= 5
        seen += [e.seq for e in found.events]
        if found.next_cursor is None:
            break
        cursor = found.next_cursor
    assert seen == expected


def test_earlier_pages_do_not_change_when_events_are_appended(world) -> None:
    seqs = add_events(world)
    where = EventFilter(actor_id="agent")
    first = _search(world, where, Page(limit=2))
    add_events(world)
    again = _search(world, where, Page(limit=2))
    assert [e.seq for e in again.events] == [e.seq for e in first.events]
    rest = _search(world, where, Page(after=first.next_cursor, limit=1000))
    assert [e.seq for e in rest.events][:2] == [seqs["e6"], seqs["e7"]]
    assert len(rest.events) == 2 + 4  # the second batch's four


def test_a_tenant_sees_only_its_own_log(world) -> None:
    add_events(world)
    acme = _search(world, EventFilter(customer_id="c1"))
    globex = _search(world, EventFilter(customer_id="c1"), who="globex")
    assert len(acme.events) == 3
    assert [e.actor_id for e in globex.events] == [world.globex.users["agent"].actor_id]
    acme_ids = {u.actor_id for u in world.acme.users.values()}
    everything = _search(world, EventFilter(), who="globex").events
    assert not acme_ids & {e.actor_id for e in everything}


def test_each_search_is_recorded_with_its_filter(world) -> None:
    add_events(world)
    _search(world, EventFilter(actor_id="agent", since=at(1, 0)), Page(limit=5))
    with world.runtime.db.unit_of_work(tenant_id=world.acme.id) as session:
        last = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.tenant_id == world.acme.id)
            .order_by(AuditEvent.seq.desc())
            .limit(1)
        ).one()
    assert last.action == AuditAction.AUDIT_SEARCH
    assert last.actor_id == world.acme.users["auditor"].actor_id
    assert last.detail["filter"] == {
        "actor_id": world.acme.users["agent"].actor_id,
        "since": at(1, 0).isoformat(),
    }
    assert last.detail["returned"] == 4
    assert last.detail["page"]["limit"] == 5


def test_a_time_range_must_run_forwards(world) -> None:
    with pytest.raises(TimeRangeInvalid):
        _search(world, EventFilter(since=at(2, 0), until=at(2, 0)))


READS = [
    lambda s, p, c: service.search_events(
        s, principal=p, clock=c, where=EventFilter(), page=Page()
    ),
    lambda s, p, c: service.user_report(s, principal=p, clock=c, user="agent"),
    lambda s, p, c: service.customer_report(s, principal=p, clock=c, customer_id="c1"),
    lambda s, p, c: service.daily_report(s, principal=p, clock=c),
    lambda s, p, c: service.latest_checkpoint(s, principal=p, clock=c),
    lambda s, p, c: service.leaves(s, principal=p, clock=c, origin_prefix="x", size=1),
    lambda s, p, c: service.inclusion_proof(
        s, principal=p, clock=c, origin_prefix="x", index=0, size=1
    ),
    lambda s, p, c: service.consistency_proof(
        s, principal=p, clock=c, origin_prefix="x", old_size=0, new_size=1
    ),
]


@pytest.mark.parametrize("who", ["agent", "intern", "supervisor", "admin", "system", "operator"])
def test_roles_without_audit_permissions_are_refused_every_read(world, who) -> None:
    if who == "system":
        principal = system_principal(world.acme.id)
    elif who == "operator":
        principal = dataclasses.replace(operator_principal(), tenant_id=world.acme.id)
    else:
        principal = world.acme.users[who]
    for read in READS:
        with (
            pytest.raises(AccessDenied),
            world.runtime.db.unit_of_work(tenant_id=world.acme.id) as session,
        ):
            read(session, principal, world.runtime.clock)


def test_export_is_refused_to_the_system_principal_and_the_operator(world) -> None:
    for principal in (system_principal(world.acme.id), operator_principal()):
        with (
            pytest.raises(AccessDenied),
            world.runtime.db.unit_of_work(tenant_id=world.acme.id) as session,
        ):
            service.begin_export(
                session,
                principal=principal,
                clock=world.runtime.clock,
                where=EventFilter(),
                fmt=ExportFormat.CSV,
            )
