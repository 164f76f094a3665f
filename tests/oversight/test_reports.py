"""The user, customer and daily reports over the crafted events, and their own records."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from tests.oversight.crafted import add_events, at

from anxin.audit.actions import AuditAction
from anxin.audit.models import AuditEvent
from anxin.oversight import service
from anxin.oversight.errors import TimeRangeInvalid

RANGE = {"since": at(1, 0), "until": at(4, 0)}


def _run(world, report, who: str = "auditor", **kwargs):
    principal = world.acme.users[who]
    with world.runtime.db.unit_of_work(tenant_id=world.acme.id) as session:
        return report(session, principal=principal, clock=world.runtime.clock, **kwargs)


def _last_event(world) -> AuditEvent:
    with world.runtime.db.unit_of_work(tenant_id=world.acme.id) as session:
        query = select(AuditEvent).where(AuditEvent.tenant_id == world.acme.id)
        return session.scalars(query.order_by(AuditEvent.seq.desc()).limit(1)).one()


def test_the_user_report_counts_what_the_user_did(world) -> None:
    add_events(world)
    activity = _run(world, service.user_report, "security_officer", user="agent", **RANGE)
    assert activity.actor_id == world.acme.users["agent"].actor_id
    assert activity.events == 4
    assert (activity.first_at, activity.last_at) == (at(1, 8), at(2, 13))
    assert activity.actions == {
        "contact:customer:lookup": 1,
        "contact:customer:read": 1,
        "contact:value:reveal": 2,
    }
    assert activity.outcomes == {"denied": 1, "success": 3}
    assert activity.customers == {"c1": 3, "c2": 1}
    assert activity.fields == {"name": 1, "phone": 4}
    narrower = _run(world, service.user_report, user="agent", since=at(2, 0), until=at(2, 13))
    assert narrower.events == 1  # e6 only: e7 at `until` is outside
    recorded = _last_event(world)
    assert recorded.action == AuditAction.AUDIT_USER_REPORT
    assert (recorded.object_type, recorded.object_id) == ("user", activity.actor_id)
    assert recorded.detail == {"since": at(2, 0).isoformat(), "until": at(2, 13).isoformat(),
                               "events": 1}  # fmt: skip


def test_the_customer_report_lists_who_touched_the_customer_in_this_tenant(world) -> None:
    seqs = add_events(world)
    report = _run(world, service.customer_report, "privacy_officer", customer_id="c1")
    activity = report.activity
    agent = world.acme.users["agent"].actor_id
    # globex's read of its own customer c1 is not acme's business.
    assert [a.seq for a in activity.accesses] == [seqs["e1"], seqs["e2"], seqs["e6"]]
    assert activity.events == 3
    assert not activity.truncated
    assert activity.actors == {agent: 3}
    assert activity.fields == {"name": 1, "phone": 3}
    first = activity.accesses[0]
    assert (first.occurred_at, first.action, first.fields) == (
        at(1, 8), "contact:customer:read", ["name", "phone"]
    )  # fmt: skip
    assert [a.outcome for a in activity.accesses] == ["success", "success", "denied"]
    assert report.people[agent].username == "agent"
    assert report.people[agent].role == "agent"
    recorded = _last_event(world)
    assert recorded.action == AuditAction.AUDIT_CUSTOMER_REPORT
    assert (recorded.object_type, recorded.object_id, recorded.customer_id) == (
        "customer", "c1", None
    )  # fmt: skip


def test_the_daily_report_summarises_each_utc_day(world) -> None:
    add_events(world)
    since, until, days = _run(world, service.daily_report, "security_officer", **RANGE)
    assert (since, until) == (at(1, 0), at(4, 0))
    assert [d.day for d in days] == [dt.date(2030, 1, 1), dt.date(2030, 1, 2), dt.date(2030, 1, 3)]
    one, two, three = days
    assert (one.events, one.actors, one.denied, one.reveals) == (4, 2, 1, 1)
    assert one.actions == {
        "access:decision:deny": 1,
        "contact:customer:read": 2,
        "contact:value:reveal": 1,
    }
    assert one.outcomes == {"denied": 1, "success": 3}
    # A refused reveal is a denial, not a reveal.
    assert (two.events, two.actors, two.denied, two.reveals) == (3, 2, 1, 0)
    assert (three.events, three.actors, three.denied, three.reveals) == (2, 2, 0, 0)
    assert _last_event(world).action == AuditAction.AUDIT_DAILY_REPORT


def test_the_daily_report_defaults_to_the_last_week_and_refuses_more_than_a_year(world) -> None:
    since, until, _ = _run(world, service.daily_report)
    now = world.runtime.clock.now()
    assert since <= now - dt.timedelta(days=7) < now < until
    with pytest.raises(TimeRangeInvalid):
        _run(world, service.daily_report, since=at(1, 0), until=at(1, 0) + dt.timedelta(days=367))
    with pytest.raises(TimeRangeInvalid):
        _run(world, service.user_report, user="agent", since=at(2, 0), until=at(1, 0))
