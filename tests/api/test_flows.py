"""The HTTP API from the outside: a gateway feeds a call, an agent serves it."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from anxin.audit.models import AuditEvent


def _new_call(client, gateway, phone="+86 138 1234 5678", agent="agent"):
    response = client.post(
        "/api/v1/conversations",
        json={
            "phone": phone,
            "channel": "voice",
            "dialed_number": "4008001234",
            "queue": "billing",
            "agent": agent,
        },
        headers=gateway,
    )
    assert response.status_code == 201, response.text
    return response.json()


def test_gateway_feeds_and_agent_reads_a_call(client, gateway, login) -> None:
    call = _new_call(client, gateway)
    batch = {
        "messages": [
            {
                "speaker": "customer",
                "text": "我的卡号是6222021234567890",
                "kind": "segment",
                "offset_ms": 1200,
            },
            {"speaker": "agent", "text": "好的，帮您查一下", "kind": "segment", "offset_ms": 4100},
        ]
    }
    appended = client.post(
        f"/api/v1/conversations/{call['id']}/messages",
        json=batch,
        headers={**gateway, "Idempotency-Key": "call-1-part-1"},
    )
    assert appended.status_code == 200, appended.text
    assert appended.json()["last_seq"] == 2
    single = client.post(
        f"/api/v1/conversations/{call['id']}/messages",
        json={"speaker": "customer", "text": "谢谢"},
        headers={**gateway, "Idempotency-Key": "call-1-part-2"},
    )
    assert single.json()["first_seq"] == 3

    agent = login("agent")
    conversation = client.get(f"/api/v1/conversations/{call['id']}", headers=agent)
    assert conversation.status_code == 200
    assert conversation.json()["status"] == "active"
    messages = client.get(f"/api/v1/conversations/{call['id']}/messages", headers=agent).json()
    assert [m["text"] for m in messages["messages"]][-1] == "谢谢"
    customer = client.get(f"/api/v1/conversations/{call['id']}/customer", headers=agent).json()
    assert customer["phones"] == ["138****5678"]
    history = client.get(f"/api/v1/conversations/{call['id']}/history", headers=agent).json()
    assert history["conversations"][0]["id"] == call["id"]
    mine = client.get("/api/v1/conversations", headers=agent).json()
    assert [c["id"] for c in mine] == [call["id"]]

    closed = client.post(
        f"/api/v1/conversations/{call['id']}/close",
        headers=gateway,
        json={"disposition": "resolved", "satisfaction": 5, "resolution_summary": "已挂失并补卡"},
    )
    assert closed.status_code == 200
    assert closed.json()["status"] == "closed"
    gone = client.get(f"/api/v1/conversations/{call['id']}", headers=agent)
    assert gone.status_code == 403
    assert gone.json()["code"] == "access.denied"


def test_repeat_caller_lookup_in_any_form(client, gateway, login) -> None:
    first = _new_call(client, gateway, phone="13812345678")
    agent = login("agent")
    for form in ("+86 138 1234 5678", "138-1234-5678", "0086 13812345678"):
        response = client.get("/api/v1/customers/lookup", params={"phone": form}, headers=agent)
        assert response.status_code == 200, response.text
        assert response.json()["customer"]["id"] == first["customer_id"]
    posted = client.post("/api/v1/customers/lookup", json={"phone": "13812345678"}, headers=agent)
    assert posted.json()["conversations"][0]["id"] == first["id"]
    missing = client.get("/api/v1/customers/lookup", params={"phone": "13900001111"}, headers=agent)
    assert missing.status_code == 404
    assert missing.json()["code"] == "contact.customer_not_found"


def test_idempotent_retry_returns_the_first_answer(client, gateway) -> None:
    call = _new_call(client, gateway)
    url = f"/api/v1/conversations/{call['id']}/messages"
    headers = {**gateway, "Idempotency-Key": "retry-me"}
    body = {"speaker": "customer", "text": "hello"}
    first = client.post(url, json=body, headers=headers).json()
    second = client.post(url, json=body, headers=headers).json()
    assert first["first_seq"] == second["first_seq"] == 1
    assert second["replayed"] is True
    reused = client.post(url, json={"speaker": "customer", "text": "other"}, headers=headers)
    assert reused.status_code == 422
    assert reused.json()["code"] == "idempotency.key_reused"
    missing = client.post(url, json=body, headers=gateway)
    assert missing.status_code == 400
    assert missing.json()["code"] == "idempotency.key_required"


def test_tickets_from_a_conversation(client, gateway, login) -> None:
    call = _new_call(client, gateway)
    agent = login("agent")
    created = client.post(
        f"/api/v1/conversations/{call['id']}/tickets",
        json={"subject": "补寄银行卡", "priority": "high"},
        headers=agent,
    )
    assert created.status_code == 201, created.text
    ticket = created.json()
    assert client.get(f"/api/v1/tickets/{ticket['id']}", headers=agent).json() == ticket
    listed = client.get(f"/api/v1/conversations/{call['id']}/tickets", headers=agent).json()
    assert listed == [ticket]
    other = login("agent2")
    assert client.get(f"/api/v1/tickets/{ticket['id']}", headers=other).status_code == 403


def test_logout_revokes_the_token(client, login) -> None:
    agent = login("agent")
    assert client.get("/api/v1/me", headers=agent).json()["role"] == "agent"
    assert client.post("/api/v1/auth/logout", headers=agent).status_code == 204
    after = client.get("/api/v1/me", headers=agent)
    assert after.status_code == 401
    assert after.json()["code"] == "identity.session_invalid"


def test_idle_and_absolute_expiry(client, login, world) -> None:
    agent = login("agent")
    world.runtime.clock.advance(dt.timedelta(minutes=29))
    assert client.get("/api/v1/me", headers=agent).status_code == 200
    world.runtime.clock.advance(dt.timedelta(minutes=31))
    assert client.get("/api/v1/me", headers=agent).status_code == 401
    busy = login("agent")
    for _ in range(12 * 3):
        world.runtime.clock.advance(dt.timedelta(minutes=20))
        status = client.get("/api/v1/me", headers=busy).status_code
    assert status == 401  # 12 hours passed: the absolute limit ends even an active session


def test_admin_manages_users_and_a_disabled_user_loses_access_at_once(
    client, login, stepped_up
) -> None:
    assert (
        client.post(
            "/api/v1/users", json={"username": "x.y", "role": "agent"}, headers=login("admin")
        ).json()["code"]
        == "step_up_required"
    )
    admin = stepped_up("admin")
    created = client.post(
        "/api/v1/users", json={"username": "new.agent", "role": "agent"}, headers=admin
    )
    assert created.status_code == 201, created.text
    password = created.json()["password"]
    token = client.post(
        "/api/v1/auth/login", json={"tenant": "acme", "username": "new.agent", "password": password}
    ).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    assert client.post("/api/v1/users/new.agent/disable", headers=admin).status_code == 200
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    names = [u["username"] for u in client.get("/api/v1/users", headers=admin).json()]
    assert "new.agent" in names
    gateway = client.post("/api/v1/gateways", json={"name": "chat-bot"}, headers=admin)
    assert gateway.status_code == 201
    assert gateway.json()["api_key"].startswith("axg_")


def test_refusals_are_audited(client, login, gateway, world) -> None:
    call = _new_call(client, gateway)
    intruder = login("agent2")
    assert client.get(f"/api/v1/conversations/{call['id']}", headers=intruder).status_code == 403
    bad = client.post(
        "/api/v1/auth/login",
        json={"tenant": "acme", "username": "agent", "password": "wrong-password"},
    )
    assert bad.status_code == 401
    with world.runtime.db.unit_of_work(tenant_id=world.acme.id) as session:
        events = session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    denied = [e for e in events if e.outcome == "denied"]
    assert len(denied) == 1
    assert denied[0].object_id == call["id"]
    assert denied[0].actor_id == world.acme.users["agent2"].actor_id
    failed = [e for e in events if e.outcome == "failed"]
    assert len(failed) == 1
    assert failed[0].action == "identity:session:login"
    assert "wrong-password" not in repr(failed[0].detail)


def test_health_ready_and_openapi_need_no_token(client) -> None:
    assert client.get("/api/v1/health").json() == {"status": "ok"}
    assert client.get("/api/v1/ready").json() == {"status": "ready"}
    spec = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/customers/lookup" in spec["paths"]
    response = client.get("/api/v1/health")
    assert response.headers["strict-transport-security"].startswith("max-age=")
