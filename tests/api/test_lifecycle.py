"""Account lifecycle from the outside: leave dates, offboarding, the leavers and privileged
reports."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from tests.conftest import START

from anxin.access.models import Grant
from anxin.audit.models import AuditEvent

TODAY = START.date()


def _leave(client, headers, username, day):
    return client.put(
        f"/api/v1/users/{username}/leave-date",
        json={"leave_on": day.isoformat() if day else None},
        headers=headers,
    )


def _actions(world, tenant_id) -> list[str]:
    with world.runtime.db.unit_of_work(tenant_id=tenant_id) as session:
        query = select(AuditEvent.action).where(AuditEvent.tenant_id == tenant_id)
        return list(session.scalars(query.order_by(AuditEvent.id)))


def test_when_an_admin_sets_a_leave_date_then_it_is_stored_and_audited(
    client, login, stepped_up, world
):
    admin = stepped_up("admin")
    response = _leave(client, admin, "agent2", TODAY + dt.timedelta(days=10))
    assert response.status_code == 200, response.text
    assert response.json()["leave_on"] == "2026-12-04"
    assert "identity:user:leave_date" in _actions(world, world.acme.id)
    cleared = _leave(client, admin, "agent2", None)
    assert cleared.json()["leave_on"] is None


@pytest.mark.parametrize(
    ("username", "body", "status", "code"),
    [
        pytest.param("agent2", {"leave_on": "2026-12-01", "role": "admin"}, 422,
                     "request.invalid", id="role"),
        pytest.param("agent2", {"leave_on": "2026-12-01", "tenant_id": "x"}, 422,
                     "request.invalid", id="tenant"),
        pytest.param("agent2", {"leave_on": "tomorrow"}, 422, "request.invalid", id="not a date"),
        pytest.param("agent2", {"leave_on": 20261201}, 422, "request.invalid", id="number"),
        pytest.param("agent2", {}, 422, "request.invalid", id="missing"),
        pytest.param("nobody", {"leave_on": "2026-12-01"}, 404, "identity.user_not_found",
                     id="unknown user"),
    ],
)  # fmt: skip
def test_when_a_leave_date_body_is_bad_then_nothing_changes(
    client, login, stepped_up, world, username, body, status, code
) -> None:
    response = client.put(
        f"/api/v1/users/{username}/leave-date", json=body, headers=stepped_up("admin")
    )
    assert response.status_code == status, response.text
    assert response.json()["code"] == code
    assert "identity:user:leave_date" not in _actions(world, world.acme.id)


def test_when_a_non_admin_sets_a_leave_date_then_denied_and_audited(
    client, login, stepped_up, world
):
    for username in ("agent", "supervisor", "security-officer"):
        refused = _leave(client, login(username), "agent2", TODAY)
        assert refused.status_code == 403
        assert refused.json()["code"] == "access.denied"
    assert _actions(world, world.acme.id).count("access:decision:deny") == 3
    globex_admin = stepped_up("admin", tenant="globex")
    assert _leave(client, globex_admin, "agent2", TODAY).json()["leave_on"] == TODAY.isoformat()
    leavers = client.get("/api/v1/users/reports/leavers", headers=stepped_up("admin")).json()
    assert leavers == []  # globex's agent2 is not acme's


def test_when_a_leaver_is_still_active_a_day_after_access_ended_then_reported(
    client, login, stepped_up, world, clock
) -> None:
    admin = stepped_up("admin")
    _leave(client, admin, "agent2", TODAY - dt.timedelta(days=3))  # ended 2 days ago: overdue
    _leave(client, admin, "intern", TODAY - dt.timedelta(days=1))  # ended 9 hours ago: not yet
    _leave(client, admin, "agent", TODAY + dt.timedelta(days=5))  # still employed
    report = client.get("/api/v1/users/reports/leavers", headers=admin)
    assert report.status_code == 200
    assert [r["username"] for r in report.json()] == ["agent2"]

    clock.advance(dt.timedelta(hours=16))  # 25 hours after the intern's access ended
    officer = stepped_up("security-officer")
    names = [
        r["username"] for r in client.get("/api/v1/users/reports/leavers", headers=officer).json()
    ]
    assert names == ["agent2", "intern"]
    refused = client.get("/api/v1/users/reports/leavers", headers=login("agent"))
    assert refused.status_code == 403


def test_privileged_report_lists_privileged_roles_and_their_last_use(
    client, login, stepped_up, world, clock
):
    login("auditor")
    clock.advance(dt.timedelta(minutes=5))
    admin = stepped_up("admin")
    rows = client.get("/api/v1/users/reports/privileged", headers=admin).json()
    assert sorted((r["username"], r["role"]) for r in rows) == [
        ("admin", "admin"),
        ("auditor", "auditor"),
        ("privacy-officer", "privacy_officer"),
        ("security-officer", "security_officer"),
    ]
    by_name = {r["username"]: r for r in rows}
    assert by_name["auditor"]["last_login_at"] == "2026-11-24T09:00:00Z"
    assert by_name["admin"]["last_seen_at"] == "2026-11-24T09:05:00Z"
    assert by_name["privacy-officer"]["last_login_at"] is None
    assert (
        client.get("/api/v1/users/reports/privileged", headers=login("supervisor")).status_code
        == 403
    )


def test_when_a_user_is_offboarded_then_sessions_and_grants_end_at_once(
    client, gateway, login, stepped_up, world
) -> None:
    agent2 = login("agent2")
    grant = client.post(
        "/api/v1/grants",
        json={"permission": "contact:pii_report:read", "scope_type": "report",
              "duration_minutes": 60, "reason": "QA-7"},
        headers=agent2,
    ).json()  # fmt: skip
    admin = stepped_up("admin")
    client.post(f"/api/v1/grants/{grant['id']}/approve", json={}, headers=admin)
    assert client.get("/api/v1/reports/pii", headers=agent2).status_code == 200

    refused = client.post("/api/v1/users/agent2/offboard", json={"role": "agent"}, headers=admin)
    assert refused.status_code == 422
    done = client.post("/api/v1/users/agent2/offboard", headers=admin)
    assert done.status_code == 200, done.text
    assert done.json()["grants_revoked"] == 1
    assert done.json()["leave_on"] == TODAY.isoformat()
    assert client.get("/api/v1/me", headers=agent2).status_code == 401
    with world.runtime.db.unit_of_work(tenant_id=world.acme.id) as session:
        assert session.scalars(select(Grant.status)).all() == ["revoked"]
    actions = _actions(world, world.acme.id)
    assert {"identity:user:disable", "access:grant:revoke", "identity:user:offboard"} <= set(
        actions
    )
    assert client.post("/api/v1/users/agent2/offboard", headers=login("agent")).status_code == 403
