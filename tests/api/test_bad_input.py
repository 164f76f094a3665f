"""Bad input gets problem+json with a stable code, and nothing is stored."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from anxin.audit.models import AuditEvent
from anxin.contact.models import Conversation, Customer, Message

PROBLEM = "application/problem+json"


def _totals(world) -> tuple[int, ...]:
    with world.runtime.db.unit_of_work(tenant_id=None) as session:
        return tuple(
            int(session.scalar(select(func.count()).select_from(m)) or 0)
            for m in (Customer, Conversation, Message, AuditEvent)
        )


def _assert_problem(response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["code"] == code
    assert body["status"] == status
    assert body["type"].endswith(code)
    assert body["title"]


@pytest.fixture
def call(client, gateway) -> dict:
    response = client.post(
        "/api/v1/conversations",
        headers=gateway,
        json={"phone": "13812345678", "channel": "chat", "agent": "agent"},
    )
    return response.json()


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (b'{"phone": "1381234', 400, "request.malformed_json"),
        (b'{"phone": "13812345678", "channel": "voice", "is_admin": true}', 422, "request.invalid"),
        (b'{"phone": "13812345678", "channel": "fax"}', 422, "request.invalid"),
        (b'{"phone": "12345", "channel": "voice"}', 422, "pii.invalid_phone"),
        (b'{"phone": "not a phone!", "channel": "voice"}', 422, "pii.invalid_phone"),
        (
            b'{"phone": "13812345678", "channel": "voice", "agent": "nobody"}',
            422,
            "contact.agent_not_found",
        ),
        (b"[]", 422, "request.invalid"),
    ],
)
def test_bad_conversation_bodies(client, gateway, world, body, status, code) -> None:
    before = _totals(world)
    response = client.post(
        "/api/v1/conversations",
        content=body,
        headers={**gateway, "Content-Type": "application/json"},
    )
    _assert_problem(response, status, code)
    after = _totals(world)
    assert after[:3] == before[:3]
    # A field the body may not carry (an escalation attempt) is itself recorded; nothing else.
    assert after[3] - before[3] == (1 if b"is_admin" in body else 0)


def test_validation_errors_do_not_echo_values(client, gateway) -> None:
    response = client.post(
        "/api/v1/conversations",
        headers=gateway,
        json={"phone": "13812345678", "channel": "110105194912310026"},
    )
    assert "110105194912310026" not in response.text


def test_oversized_body_is_refused(client, gateway, call, world) -> None:
    before = _totals(world)
    huge = {"speaker": "customer", "text": "x" * 2_000_000}
    response = client.post(
        f"/api/v1/conversations/{call['id']}/messages",
        json=huge,
        headers={**gateway, "Idempotency-Key": "big"},
    )
    _assert_problem(response, 413, "request.too_large")
    assert _totals(world) == before


def test_too_long_message_and_too_many_messages(client, gateway, call, world) -> None:
    url = f"/api/v1/conversations/{call['id']}/messages"
    before = _totals(world)
    long = client.post(
        url,
        json={"speaker": "customer", "text": "字" * 20_001},
        headers={**gateway, "Idempotency-Key": "long"},
    )
    _assert_problem(long, 422, "contact.message_too_long")
    many = client.post(
        url,
        headers={**gateway, "Idempotency-Key": "many"},
        json={"messages": [{"speaker": "agent", "text": "hi"}] * 501},
    )
    _assert_problem(many, 422, "contact.batch_too_large")
    assert _totals(world) == before


@pytest.mark.parametrize(
    "authorization",
    [
        "",
        "Bearer ",
        "Bearer axs_forged-token",
        "Bearer axg_forged",
        "Basic YWRtaW46YWRtaW4=",
        "Bearer " + "a" * 5000,
    ],
)
def test_missing_or_forged_tokens(client, authorization) -> None:
    response = client.get("/api/v1/me", headers={"Authorization": authorization})
    _assert_problem(response, 401, "identity.session_invalid")
    assert response.headers["www-authenticate"] == "Bearer"


def test_failed_logins_look_alike(client) -> None:
    attempts = [
        {"tenant": "nope", "username": "agent", "password": "x" * 12},
        {"tenant": "acme", "username": "nobody", "password": "x" * 12},
        {"tenant": "acme", "username": "agent", "password": "x" * 12},
    ]
    bodies = []
    for attempt in attempts:
        response = client.post("/api/v1/auth/login", json=attempt)
        _assert_problem(response, 401, "identity.authentication_failed")
        body = response.json()
        bodies.append((body["title"], body.get("detail")))
    assert len(set(bodies)) == 1


def test_other_tenants_ids_are_not_found(client, call, login) -> None:
    globex_agent = login("agent", tenant="globex")
    for path in (
        f"/api/v1/conversations/{call['id']}",
        f"/api/v1/conversations/{call['id']}/messages",
        f"/api/v1/conversations/{call['id']}/customer",
    ):
        _assert_problem(
            client.get(path, headers=globex_agent), 404, "contact.conversation_not_found"
        )


def test_other_tenants_gateway_cannot_append(client, call, world) -> None:
    globex = {"Authorization": f"Bearer {world.globex.gateway_key}", "Idempotency-Key": "x"}
    response = client.post(
        f"/api/v1/conversations/{call['id']}/messages",
        json={"speaker": "customer", "text": "hi"},
        headers=globex,
    )
    _assert_problem(response, 404, "contact.conversation_not_found")


@pytest.mark.parametrize("path", ["/api/v1/conversations/not-a-uuid", "/api/v1/tickets/../x"])
def test_garbage_ids(client, login, path) -> None:
    response = client.get(path, headers=login("agent"))
    assert response.status_code == 404
    assert response.headers["content-type"].startswith(PROBLEM)


def test_unknown_route_and_method(client) -> None:
    _assert_problem(client.get("/api/v1/nope"), 404, "request.not_found")
    _assert_problem(client.delete("/api/v1/health"), 405, "request.method_not_allowed")


def test_gateway_cannot_read_and_agent_cannot_ingest(client, gateway, call, login) -> None:
    _assert_problem(
        client.get(f"/api/v1/conversations/{call['id']}", headers=gateway), 403, "access.denied"
    )
    agent = login("agent")
    _assert_problem(
        client.post(
            "/api/v1/conversations", headers=agent, json={"phone": "13812345678", "channel": "chat"}
        ),
        403,
        "access.denied",
    )
    _assert_problem(client.get("/api/v1/users", headers=agent), 403, "access.denied")


def test_invalid_idempotency_key(client, gateway, call) -> None:
    response = client.post(
        f"/api/v1/conversations/{call['id']}/messages",
        json={"speaker": "customer", "text": "hi"},
        headers={**gateway, "Idempotency-Key": "x" * 200},
    )
    _assert_problem(response, 400, "idempotency.key_invalid")
