"""Every output that carries customer data goes through the masking policy, seen from outside.

A call is fed with personal data in the customer's fields, in messages, in a ticket subject and
in the resolution summary; then each reading endpoint is asked by each role that may read it,
under the built-in policy and under a file with a per-tenant override.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from anxin.app import create_app
from anxin.masking.policy import parse_policy

PHONE = "13812345678"
ID_NUMBER = "11010519491231002X"
CARD = "6222021234567890128"  # UnionPay, Luhn-valid
EMAIL = "nana.oy@example.com"
RAW = (PHONE, "12345678", ID_NUMBER, "19491231", CARD, "nana.oy")

MESSAGE = f"我的卡号是{CARD}，身份证{ID_NUMBER}，电话{PHONE}"


def _feed(client: TestClient, gateway: dict[str, str], agent: str = "agent") -> str:
    created = client.post(
        "/api/v1/conversations",
        json={
            "phone": PHONE,
            "channel": "voice",
            "agent": agent,
            "queue": "billing",
            "customer": {
                "name": "欧阳娜娜",
                "email": EMAIL,
                "id_number": ID_NUMBER,
                "address": "北京市朝阳区建国路88号",
            },
        },
        headers=gateway,
    )
    assert created.status_code == 201, created.text
    conversation_id = str(created.json()["id"])
    appended = client.post(
        f"/api/v1/conversations/{conversation_id}/messages",
        json={"messages": [{"speaker": "customer", "text": MESSAGE}]},
        headers={**gateway, "Idempotency-Key": f"feed-{conversation_id}"},
    )
    assert appended.status_code == 200, appended.text
    return conversation_id


def _agent_reads(client: TestClient, headers: dict[str, str], cid: str) -> dict[str, Any]:
    """Every agent-facing read of one conversation, by endpoint."""
    ticket = client.post(
        f"/api/v1/conversations/{cid}/tickets",
        json={"subject": f"回电 {PHONE} 核对卡号"},
        headers=headers,
    )
    assert ticket.status_code == 201, ticket.text
    return {
        "ticket.create": ticket.json(),
        "ticket": client.get(f"/api/v1/tickets/{ticket.json()['id']}", headers=headers).json(),
        "tickets": client.get(f"/api/v1/conversations/{cid}/tickets", headers=headers).json(),
        "messages": client.get(f"/api/v1/conversations/{cid}/messages", headers=headers).json(),
        "customer": client.get(f"/api/v1/conversations/{cid}/customer", headers=headers).json(),
        "history": client.get(f"/api/v1/conversations/{cid}/history", headers=headers).json(),
        "conversation": client.get(f"/api/v1/conversations/{cid}", headers=headers).json(),
        "lookup": client.get(
            "/api/v1/customers/lookup", params={"phone": PHONE}, headers=headers
        ).json(),
        "lookup.post": client.post(
            "/api/v1/customers/lookup", json={"phone": PHONE}, headers=headers
        ).json(),
    }


@pytest.mark.parametrize("role", ["agent", "intern"])
def test_no_read_returns_a_raw_number_to_frontline_staff(client, gateway, login, role) -> None:
    cid = _feed(client, gateway, agent=role)
    reads = _agent_reads(client, login(role), cid)
    for endpoint, body in reads.items():
        dumped = json.dumps(body, ensure_ascii=False)
        assert "problem" not in dumped, (endpoint, dumped)
        for raw in RAW:
            assert raw not in dumped, (endpoint, raw)


def test_an_agent_sees_the_defaults_styles(client, gateway, login) -> None:
    cid = _feed(client, gateway)
    reads = _agent_reads(client, login("agent"), cid)
    customer = reads["customer"]
    assert customer == {
        **customer,
        "name": "欧阳娜娜",  # identity: full, to greet the caller
        "phones": ["138****5678"],
        "email": "n***@example.com",
        "id_number": "110105********002X",
        "address": "北京市朝阳区****",
    }
    (message,) = reads["messages"]["messages"]
    assert message["text"] == (
        "我的卡号是6222 **** **** *** 0128，身份证110105********002X，电话138****5678"
    )
    assert reads["ticket"]["subject"] == "回电 138****5678 核对卡号"


def test_an_intern_sees_the_name_masked(client, gateway, login) -> None:
    cid = _feed(client, gateway, agent="intern")
    customer = client.get(f"/api/v1/conversations/{cid}/customer", headers=login("intern"))
    assert customer.json()["name"] == "欧***"


def test_the_summary_a_gateway_sends_comes_back_to_it_as_placeholders(client, gateway) -> None:
    cid = _feed(client, gateway)
    closed = client.post(
        f"/api/v1/conversations/{cid}/close",
        json={"disposition": "resolved", "resolution_summary": f"已回拨 {PHONE}"},
        headers=gateway,
    )
    assert closed.status_code == 200, closed.text
    assert closed.json()["resolution_summary"] == "已回拨 [CN_MOBILE]"


OVERRIDE = """
version: 1
default:
  agent:
    {contact: masked, government_id: masked, financial: masked, identity: masked, location: hidden}
tenants:
  acme:
    agent: {contact: full, government_id: redacted}
"""


@pytest.fixture
def override_client(world) -> Iterator[TestClient]:
    app = create_app(world.runtime, policy=parse_policy(OVERRIDE, source="test"))
    with TestClient(app, base_url="https://testserver") as c:
        yield c


def _gateway_of(world, tenant: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {getattr(world, tenant).gateway_key}"}


def _login_to(client: TestClient, tenant: str) -> dict[str, str]:
    response = client.post(
        "/api/v1/auth/login",
        json={"tenant": tenant, "username": "agent", "password": "correct horse battery staple"},
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def test_a_tenant_override_changes_that_tenant_only(override_client, world) -> None:
    seen = {}
    for tenant in ("acme", "globex"):
        cid = _feed(override_client, _gateway_of(world, tenant))
        headers = _login_to(override_client, tenant)
        customer = override_client.get(f"/api/v1/conversations/{cid}/customer", headers=headers)
        messages = override_client.get(f"/api/v1/conversations/{cid}/messages", headers=headers)
        seen[tenant] = (customer.json(), messages.json()["messages"][0]["text"])
    acme_customer, acme_text = seen["acme"]
    assert acme_customer["phones"] == [PHONE]  # contact: full for acme's agents
    assert acme_customer["email"] == EMAIL
    assert acme_customer["id_number"] == "[GOVERNMENT_ID]"
    assert acme_customer["address"] is None  # location: hidden from the default section
    assert acme_text == f"我的卡号是6222 **** **** *** 0128，身份证[CN_ID]，电话{PHONE}"
    globex_customer, globex_text = seen["globex"]
    assert globex_customer["phones"] == ["138****5678"]
    assert globex_customer["name"] == "欧***"
    assert (
        globex_text
        == "我的卡号是6222 **** **** *** 0128，身份证110105********002X，电话138****5678"
    )


def test_a_nul_in_a_looked_up_value_is_refused_with_its_code(client, login) -> None:
    headers = login("supervisor")
    response = client.get(
        "/api/v1/conversations/mentioning", params={"email": "a\x00@example.com"}, headers=headers
    )
    assert response.status_code == 422
    assert response.json()["code"] == "text.control_character"
    lookup = client.get(
        "/api/v1/customers/lookup", params={"phone": "138\x0012345678"}, headers=login("agent")
    )
    assert lookup.status_code == 422
    assert lookup.json()["code"] == "text.control_character"
