"""Temporary grants from the outside: asked for, approved by someone else, effective at once,
gone when they expire or are revoked; every refusal is a problem document and is audited."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from anxin.access.models import Grant
from anxin.audit.models import AuditEvent

READ = "contact:conversation:read_assigned"


def _call_for_agent(client, gateway) -> str:
    response = client.post(
        "/api/v1/conversations",
        json={
            "phone": "+86 138 1234 5678",
            "channel": "voice",
            "dialed_number": "4008001234",
            "queue": "billing",
            "agent": "agent",
        },
        headers=gateway,
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def _ask(client, headers, *, scope_id, permission=READ, scope_type="conversation", minutes=60):
    body = {
        "permission": permission,
        "scope_type": scope_type,
        "duration_minutes": minutes,
        "reason": "covering for agent during escalation ESC-1042",
    }
    if scope_id is not None:
        body["scope_id"] = scope_id
    return client.post("/api/v1/grants", json=body, headers=headers)


def _events(world, action: str) -> list[AuditEvent]:
    with world.runtime.db.unit_of_work(tenant_id=world.acme.id) as session:
        query = select(AuditEvent).where(
            AuditEvent.tenant_id == world.acme.id, AuditEvent.action == action
        )
        rows = session.scalars(query).all()
        session.expunge_all()
        return list(rows)


def _grant_rows(world) -> list[Grant]:
    with world.runtime.db.unit_of_work(tenant_id=None) as session:
        rows = session.scalars(select(Grant)).all()
        session.expunge_all()
        return list(rows)


def test_when_a_scoped_grant_is_approved_then_the_conversation_opens_until_it_expires(
    client, gateway, login, stepped_up, world, clock
) -> None:
    call = _call_for_agent(client, gateway)
    agent2 = login("agent2")
    assert client.get(f"/api/v1/conversations/{call}", headers=agent2).status_code == 403

    asked = _ask(client, agent2, scope_id=call)
    assert asked.status_code == 201, asked.text
    grant = asked.json()
    assert grant["status"] == "requested"
    assert grant["expires_at"] is None
    # Asking is not having.
    assert client.get(f"/api/v1/conversations/{call}", headers=agent2).status_code == 403

    officer = stepped_up("security-officer")
    approved = client.post(
        f"/api/v1/grants/{grant['id']}/approve", json={"reason": "ok"}, headers=officer
    )
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "approved"
    assert approved.json()["decided_by"] == world.acme.users["security_officer"].actor_id
    read = client.get(f"/api/v1/conversations/{call}", headers=agent2)
    assert read.status_code == 200, read.text
    assert read.json()["id"] == call
    # Only that conversation and that permission: the customer behind it stays closed.
    assert client.get(f"/api/v1/conversations/{call}/customer", headers=agent2).status_code == 403

    active = client.get("/api/v1/grants", params={"active": "true"}, headers=agent2).json()
    assert [g["id"] for g in active] == [grant["id"]]

    clock.advance(dt.timedelta(minutes=61))
    agent2 = login("agent2")
    assert client.get(f"/api/v1/conversations/{call}", headers=agent2).status_code == 403
    assert client.get("/api/v1/grants", params={"active": "true"}, headers=agent2).json() == []
    listed = client.get("/api/v1/grants", headers=stepped_up("admin")).json()
    assert [g["status"] for g in listed] == ["expired"]
    assert len(_events(world, "access:grant:expire")) == 1
    assert [e.action for e in _events(world, "access:grant:approve")] == ["access:grant:approve"]


def test_when_a_requester_approves_their_own_grant_then_it_is_refused_and_audited(
    client, login, stepped_up, world
) -> None:
    admin = stepped_up("admin")
    asked = _ask(
        client, admin, scope_id=None, permission="contact:pii_report:read", scope_type="report"
    )
    assert asked.status_code == 201, asked.text
    refused = client.post(f"/api/v1/grants/{asked.json()['id']}/approve", json={}, headers=admin)
    assert refused.status_code == 403
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["code"] == "access.self_approval"
    assert [g.status for g in _grant_rows(world)] == ["requested"]
    denied = _events(world, "access:decision:deny")
    assert [(e.object_type, e.object_id, e.outcome) for e in denied] == [
        ("grant", asked.json()["id"], "denied")
    ]
    assert client.get("/api/v1/reports/pii", headers=admin).status_code == 403


def test_when_an_approver_lacks_the_approval_permission_then_nothing_changes(
    client, gateway, login, world
) -> None:
    call = _call_for_agent(client, gateway)
    grant = _ask(client, login("agent2"), scope_id=call).json()
    for username in ("supervisor", "agent", "auditor", "privacy-officer"):
        refused = client.post(
            f"/api/v1/grants/{grant['id']}/approve", json={}, headers=login(username)
        )
        assert refused.status_code == 403, username
        assert refused.json()["code"] == "access.denied"
    assert [g.status for g in _grant_rows(world)] == ["requested"]
    assert len(_events(world, "access:decision:deny")) == 4


def test_when_another_tenant_looks_at_a_grant_then_it_does_not_exist(
    client, gateway, login, stepped_up, world
) -> None:
    call = _call_for_agent(client, gateway)
    grant = _ask(client, login("agent2"), scope_id=call).json()
    globex = stepped_up("security-officer", tenant="globex")
    for method, path in [
        ("get", f"/api/v1/grants/{grant['id']}"),
        ("post", f"/api/v1/grants/{grant['id']}/approve"),
        ("post", f"/api/v1/grants/{grant['id']}/revoke"),
    ]:
        kwargs = {"json": {}} if method == "post" else {}
        response = getattr(client, method)(path, headers=globex, **kwargs)
        assert response.status_code == 404, (path, response.text)
        assert response.json()["code"] == "access.grant_not_found"
    assert client.get("/api/v1/grants", headers=globex).json() == []
    assert [g.status for g in _grant_rows(world)] == ["requested"]
    # Another user of the same tenant without approval rights does not see it either.
    other = client.get(f"/api/v1/grants/{grant['id']}", headers=login("agent"))
    assert other.status_code == 404


@pytest.mark.parametrize(
    ("permission", "scope_type", "scope_id"),
    [
        pytest.param("identity:user:manage", "user", None, id="user management"),
        pytest.param("contact:value:reveal", "conversation", "x1", id="reveal"),
        pytest.param("access:grant:approve", "grant", None, id="approving grants"),
        pytest.param(READ, "conversation", None, id="already held, every object"),
        pytest.param(READ, "ticket", "x1", id="wrong scope type"),
    ],
)
def test_when_a_permission_is_not_grantable_then_the_request_is_refused(
    client, login, world, permission, scope_type, scope_id
) -> None:
    refused = _ask(
        client, login("agent2"), scope_id=scope_id, permission=permission, scope_type=scope_type
    )
    assert refused.status_code == 403, refused.text
    assert refused.json()["code"] == "access.not_grantable"
    assert _grant_rows(world) == []
    assert len(_events(world, "access:decision:deny")) == 1


@pytest.mark.parametrize(
    ("change", "location"),
    [
        pytest.param({"role": "admin"}, "role", id="role"),
        pytest.param(
            {"tenant_id": "00000000-0000-0000-0000-000000000000"}, "tenant_id", id="tenant"
        ),
        pytest.param({"user_id": "someone-else"}, "user_id", id="for someone else"),
        pytest.param({"status": "approved"}, "status", id="pre-approved"),
        pytest.param({"duration_minutes": "60"}, "duration_minutes", id="number as text"),
        pytest.param({"duration_minutes": True}, "duration_minutes", id="boolean"),
        pytest.param({"duration_minutes": 0}, "duration_minutes", id="zero"),
        pytest.param({"duration_minutes": 7 * 24 * 60 + 1}, "duration_minutes", id="over 7 days"),
        pytest.param({"permission": "everything"}, "permission", id="unknown permission"),
        pytest.param({"reason": "   "}, "reason", id="blank reason"),
        pytest.param({"scope_id": "../../etc"}, "scope_id", id="odd scope id"),
    ],
)
def test_when_a_request_body_is_bad_then_422_and_nothing_is_created(
    client, login, world, change, location
) -> None:
    body = {
        "permission": READ,
        "scope_type": "conversation",
        "scope_id": "c1",
        "duration_minutes": 60,
        "reason": "ESC-1042",
        **change,
    }
    response = client.post("/api/v1/grants", json=body, headers=login("agent2"))
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["code"] == "request.invalid"
    assert location in [e["loc"][-1] for e in problem["errors"]]
    assert _grant_rows(world) == []


def test_when_a_body_carries_a_role_then_the_attempt_is_audited_with_field_names(
    client, login, world
) -> None:
    agent2 = login("agent2")
    body = {"permission": READ, "scope_type": "conversation", "duration_minutes": 5,
            "reason": "x", "role": "admin", "tenant_id": "t"}  # fmt: skip
    assert client.post("/api/v1/grants", json=body, headers=agent2).status_code == 422
    events = _events(world, "access:request:reject")
    assert len(events) == 1
    assert events[0].actor_id == world.acme.users["agent2"].actor_id
    assert events[0].detail == {"path": "/api/v1/grants", "fields": ["role", "tenant_id"]}


def test_when_a_grant_is_denied_or_revoked_then_it_never_or_no_longer_counts(
    client, gateway, login, stepped_up, world
) -> None:
    call = _call_for_agent(client, gateway)
    agent2 = login("agent2")
    admin = stepped_up("admin")
    first = _ask(client, agent2, scope_id=call).json()
    denied = client.post(
        f"/api/v1/grants/{first['id']}/deny", json={"reason": "not needed"}, headers=admin
    )
    assert denied.json()["status"] == "denied"
    late = client.post(f"/api/v1/grants/{first['id']}/approve", json={}, headers=admin)
    assert late.status_code == 409
    assert late.json()["code"] == "access.grant_not_pending"
    assert client.get(f"/api/v1/conversations/{call}", headers=agent2).status_code == 403

    second = _ask(client, agent2, scope_id=call).json()
    client.post(f"/api/v1/grants/{second['id']}/approve", json={}, headers=admin)
    assert client.get(f"/api/v1/conversations/{call}", headers=agent2).status_code == 200
    revoked = client.post(f"/api/v1/grants/{second['id']}/revoke", json={}, headers=admin)
    assert revoked.json()["status"] == "revoked"
    assert client.get(f"/api/v1/conversations/{call}", headers=agent2).status_code == 403
    statuses = {g["id"]: g["status"] for g in client.get("/api/v1/grants", headers=admin).json()}
    assert statuses == {first["id"]: "denied", second["id"]: "revoked"}


def test_when_a_type_wide_grant_is_approved_then_an_intern_reads_the_report(
    client, login, stepped_up, world
) -> None:
    intern = login("intern")
    assert client.get("/api/v1/reports/pii", headers=intern).status_code == 403
    grant = _ask(
        client, intern, scope_id=None, permission="contact:pii_report:read", scope_type="report"
    ).json()
    officer = stepped_up("security-officer")
    client.post(f"/api/v1/grants/{grant['id']}/approve", json={}, headers=officer)
    assert client.get("/api/v1/reports/pii", headers=intern).status_code == 200
    # The holder sees only their own grants; another agent sees none.
    assert [g["id"] for g in client.get("/api/v1/grants", headers=intern).json()] == [grant["id"]]
    assert client.get("/api/v1/grants", headers=login("agent")).json() == []
