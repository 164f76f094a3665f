"""GET /conversations/mentioning from the outside: who may ask, what they get, what is audited."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from anxin.audit.models import AuditEvent

MENTION = "我的手机是138-1234-5678，邮箱 li.si@example.com，身份证440106196403030005"


def _call_with(client, headers, text: str, phone: str, key: str) -> str:
    created = client.post(
        "/api/v1/conversations", json={"phone": phone, "channel": "chat"}, headers=headers
    )
    assert created.status_code == 201, created.text
    conversation_id = created.json()["id"]
    appended = client.post(
        f"/api/v1/conversations/{conversation_id}/messages",
        json={
            "messages": [
                {"speaker": "agent", "text": "您好"},
                {"speaker": "customer", "text": text},
            ]
        },
        headers={**headers, "Idempotency-Key": key},
    )
    assert appended.status_code == 200, appended.text
    return conversation_id


@pytest.mark.parametrize("role", ["supervisor", "admin", "security-officer", "privacy-officer"])
def test_investigating_roles_find_the_conversations_that_mentioned_a_value(
    client, gateway, login, clock, role: str
) -> None:
    older = _call_with(client, gateway, MENTION, "13900000001", "k-1")
    clock.advance(dt.timedelta(minutes=5))
    newer = _call_with(client, gateway, "再说一次 +86 138 1234 5678", "13900000002", "k-2")
    _call_with(client, gateway, "没有号码", "13900000003", "k-3")
    headers = login(role)
    for query, expected in (
        ({"phone": "13812345678"}, [(newer, [2]), (older, [2])]),
        ({"email": "LI.SI@example.com"}, [(older, [2])]),
        ({"id_number": "440106196403030005"}, [(older, [2])]),
        ({"phone": "13999999999"}, []),
    ):
        response = client.get("/api/v1/conversations/mentioning", params=query, headers=headers)
        assert response.status_code == 200, response.text
        found = [(c["conversation_id"], c["seqs"]) for c in response.json()["conversations"]]
        assert found == expected, query


@pytest.mark.parametrize("role", ["agent", "intern", "auditor"])
def test_frontline_staff_and_auditors_are_refused(client, gateway, login, role: str) -> None:
    _call_with(client, gateway, MENTION, "13900000001", "k-1")
    response = client.get(
        "/api/v1/conversations/mentioning", params={"phone": "13812345678"}, headers=login(role)
    )
    assert response.status_code == 403
    assert response.json()["code"] == "access.denied"


def test_another_tenants_mentions_are_not_found(client, world, login) -> None:
    globex = {"Authorization": f"Bearer {world.globex.gateway_key}"}
    _call_with(client, globex, MENTION, "13900000001", "k-1")
    response = client.get(
        "/api/v1/conversations/mentioning",
        params={"phone": "13812345678"},
        headers=login("supervisor"),
    )
    assert response.status_code == 200
    assert response.json()["conversations"] == []


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ({"phone": "12345"}, "pii.invalid_phone"),
        ({"email": "not-an-address"}, "pii.invalid_email"),
        ({"id_number": "440106196403030006"}, "pii.invalid_id_number"),
        ({}, "invalid_input"),
        ({"phone": "13812345678", "email": "li.si@example.com"}, "invalid_input"),
    ],
)
def test_malformed_input_is_a_problem_document_with_a_stable_code(
    client, login, query: dict[str, str], code: str
) -> None:
    response = client.get(
        "/api/v1/conversations/mentioning", params=query, headers=login("supervisor")
    )
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == code


def test_the_search_is_audited_with_its_kind_and_never_the_value(client, gateway, login, world):
    _call_with(client, gateway, MENTION, "13900000001", "k-1")
    client.get(
        "/api/v1/conversations/mentioning",
        params={"email": "li.si@example.com"},
        headers=login("privacy-officer"),
    )
    with world.runtime.db.unit_of_work(tenant_id=world.acme.id) as session:
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "contact:message:find_mentions")
        ).one()
    assert event.detail == {"kind": "email", "conversations": 1}
    assert "li.si" not in repr((event.detail, event.fields, event.object_id))
