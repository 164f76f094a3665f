"""The scheduled jobs against real stores, moved through time with the frozen clock."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from tests.conftest import PASSWORD

from anxin.access import grants
from anxin.access.permissions import Permission
from anxin.audit.models import AuditEvent
from anxin.identity import lifecycle
from anxin.identity import service as identity_service
from anxin.identity.jobs import Job, run_jobs
from anxin.identity.models import User, UserSession
from anxin.identity.service import SessionPolicy

POLICY = SessionPolicy(idle=dt.timedelta(minutes=30), absolute=dt.timedelta(hours=12))


def _login(world, username: str, tenant: str = "acme") -> None:
    with world.runtime.db.unit_of_work(tenant_id=None) as session:
        identity_service.login(
            session,
            clock=world.runtime.clock,
            policy=POLICY,
            tenant_name=tenant,
            username=username,
            password=PASSWORD,
            client_addr=None,
        )


def _enabled(world, tenant_id: str) -> list[str]:
    with world.runtime.db.unit_of_work(tenant_id=tenant_id) as session:
        query = select(User.username).where(User.disabled_at.is_(None)).order_by(User.username)
        return list(session.scalars(query))


def test_when_accounts_go_unused_for_the_dormant_days_then_the_job_disables_them(
    world, clock
) -> None:
    rt = world.runtime
    clock.advance(dt.timedelta(days=60))
    _login(world, "agent")
    clock.advance(dt.timedelta(days=29))
    nothing = run_jobs(rt.db, clock=clock, jobs=frozenset({Job.DORMANT}), dormant_days=90)
    assert [r.count for r in nothing] == [0, 0]

    clock.advance(dt.timedelta(days=2))  # 91 days after creation, 31 after agent's login
    results = run_jobs(rt.db, clock=clock, jobs=frozenset({Job.DORMANT}), dormant_days=90)
    assert {r.tenant: r.count for r in results} == {"acme": 7, "globex": 8}
    assert _enabled(world, world.acme.id) == ["agent"]
    assert _enabled(world, world.globex.id) == []
    with rt.db.unit_of_work(tenant_id=world.acme.id) as session:
        open_sessions = session.scalars(
            select(UserSession.id).where(UserSession.revoked_at.is_(None))
        ).all()
        assert len(open_sessions) == 1  # agent's own
        dormant = session.scalars(
            select(AuditEvent).where(
                AuditEvent.tenant_id == world.acme.id,
                AuditEvent.action == "identity:user:dormant",
            )
        ).all()
        assert len(dormant) == 7
        assert {e.actor_type for e in dormant} == {"system"}
        assert {e.detail["days"] for e in dormant} == {90}


def test_when_the_dormant_days_are_shorter_then_recent_logins_still_count(world, clock) -> None:
    clock.advance(dt.timedelta(days=8))
    _login(world, "intern")
    run_jobs(world.runtime.db, clock=clock, jobs=frozenset({Job.DORMANT}), dormant_days=10)
    assert len(_enabled(world, world.acme.id)) == 8
    clock.advance(dt.timedelta(days=2, seconds=1))
    run_jobs(world.runtime.db, clock=clock, jobs=frozenset({Job.DORMANT}), dormant_days=10)
    assert _enabled(world, world.acme.id) == ["intern"]


def test_when_a_leave_date_has_passed_then_the_leavers_job_offboards_the_account(
    world, clock
) -> None:
    rt = world.runtime
    admin = world.acme.users["admin"]
    with rt.db.unit_of_work(tenant_id=world.acme.id) as session:
        lifecycle.set_leave_date(
            session, principal=admin, clock=clock, username="agent2", leave_on=clock.now().date()
        )
    run_jobs(rt.db, clock=clock, jobs=frozenset({Job.LEAVERS}), dormant_days=90)
    assert "agent2" in _enabled(world, world.acme.id)  # the last day is still a working day
    clock.advance(dt.timedelta(hours=15))  # just past midnight
    results = run_jobs(rt.db, clock=clock, jobs=frozenset(Job), dormant_days=90)
    assert [(r.job, r.tenant, r.usernames) for r in results if r.count] == [
        (Job.LEAVERS, "acme", ("agent2",))
    ]
    assert "agent2" not in _enabled(world, world.acme.id)


def test_when_grants_end_then_the_grants_job_marks_them_expired(world, clock) -> None:
    rt = world.runtime
    agent2 = world.acme.users["agent2"]
    officer = world.acme.users["security_officer"]
    with rt.db.unit_of_work(tenant_id=world.acme.id) as session:
        asked = grants.request_grant(
            session,
            principal=agent2,
            clock=clock,
            permission=Permission.PII_REPORT_READ,
            scope_type="report",
            scope_id=None,
            duration_minutes=30,
            reason="QA-7",
        )
        grants.approve_grant(
            session, principal=officer, clock=clock, grant_id=asked.id, reason=None
        )
        grant_id = asked.id
        keys = grants.active_keys(
            session, tenant_id=world.acme.id, user_id=agent2.actor_id, now=clock.now()
        )
        assert keys == {("contact:pii_report:read", "report", None)}
    clock.advance(dt.timedelta(minutes=30))
    with rt.db.unit_of_work(tenant_id=world.acme.id) as session:
        # Past expires_at it no longer counts, before any job has run.
        assert not grants.active_keys(
            session, tenant_id=world.acme.id, user_id=agent2.actor_id, now=clock.now()
        )
    results = run_jobs(rt.db, clock=clock, jobs=frozenset({Job.GRANTS}), dormant_days=90)
    assert {r.tenant: r.count for r in results} == {"acme": 1, "globex": 0}
    with rt.db.unit_of_work(tenant_id=world.acme.id) as session:
        assert (
            grants.get_grant(session, principal=agent2, clock=clock, grant_id=grant_id).status
            == "expired"
        )
