"""POST /conversations/{id}/reveal from the outside: who may, how often, what is audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from anxin.app import create_app
from anxin.audit.models import AuditEvent
from anxin.masking.errors import PolicyInvalid
from anxin.masking.policy import parse_policy

PHONE = "13812345678"
REASON = "customer disputes a charge; confirm the number 13812345678 on file"


def _call(client: TestClient, gateway: dict[str, str], agent: str = "agent") -> str:
    created = client.post(
        "/api/v1/conversations",
        json={"phone": PHONE, "channel": "chat", "agent": agent, "customer": {"name": "王芳"}},
        headers=gateway,
    )
    assert created.status_code == 201, created.text
    cid = str(created.json()["id"])
    appended = client.post(
        f"/api/v1/conversations/{cid}/messages",
        json={"speaker": "customer", "text": f"卡号6222021234567890128，电话{PHONE}"},
        headers={**gateway, "Idempotency-Key": f"k-{cid}"},
    )
    assert appended.status_code == 200, appended.text
    return cid


def _reveal(client: TestClient, headers: dict[str, str], cid: str, **body: object):
    return client.post(
        f"/api/v1/conversations/{cid}/reveal",
        json={"target": "customer.phones", "reason": REASON, **body},
        headers=headers,
    )


def _enrol(client: TestClient, headers: dict[str, str], clock) -> pyotp.TOTP:
    """Enrol and confirm TOTP for the session (which counts as a fresh verification)."""
    enrolled = client.post("/api/v1/me/totp", headers=headers)
    assert enrolled.status_code == 201, enrolled.text
    totp = pyotp.TOTP(enrolled.json()["secret"])
    confirmed = client.post(
        "/api/v1/me/totp/confirm", json={"code": totp.at(clock.now())}, headers=headers
    )
    assert confirmed.status_code == 200, confirmed.text
    return totp


def _verify(client: TestClient, headers: dict[str, str], totp: pyotp.TOTP, clock) -> None:
    verified = client.post(
        "/api/v1/auth/second-factor", json={"code": totp.at(clock.now())}, headers=headers
    )
    assert verified.status_code == 200, verified.text


def _reveal_events(world) -> list[AuditEvent]:
    with world.runtime.db.unit_of_work(tenant_id=None) as session:
        return list(
            session.scalars(
                select(AuditEvent)
                .where(AuditEvent.action == "contact:value:reveal")
                .order_by(AuditEvent.id)
            )
        )


def test_the_assigned_agent_reveals_a_field_and_the_reason_is_audited_redacted(
    client, gateway, stepped_up, world
) -> None:
    cid = _call(client, gateway)
    response = _reveal(client, stepped_up("agent"), cid)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["value"] == ["+8613812345678"]
    assert body["remaining_this_hour"] == 19
    (event,) = _reveal_events(world)
    assert event.outcome == "success"
    assert event.object_type == "customer"
    assert event.fields == ["customer.phones"]
    assert event.detail["reason"] == (
        "customer disputes a charge; confirm the number [CN_MOBILE] on file"
    )
    assert PHONE not in str(event.detail)


def test_a_message_is_revealed_whole(client, gateway, stepped_up) -> None:
    cid = _call(client, gateway)
    response = _reveal(client, stepped_up("agent"), cid, target="message", seq=1)
    assert response.status_code == 200, response.text
    assert response.json()["value"] == f"卡号6222021234567890128，电话{PHONE}"


@pytest.mark.parametrize("role", ["intern", "supervisor", "auditor", "admin", "privacy-officer"])
def test_roles_without_reveal_are_refused_and_the_refusal_audited(
    client, gateway, login, world, role: str
) -> None:
    cid = _call(client, gateway, agent="intern" if role == "intern" else "agent")
    response = _reveal(client, login(role), cid)
    assert response.status_code == 403, response.text
    assert response.json()["code"] == "access.denied"
    with world.runtime.db.unit_of_work(tenant_id=None) as session:
        denied = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "access:decision:deny")
        ).all()
    assert [e.detail["permission"] for e in denied] == ["contact:value:reveal"]


def test_an_agent_not_assigned_or_of_another_tenant_gets_nothing(
    client, gateway, stepped_up
) -> None:
    cid = _call(client, gateway)
    assert _reveal(client, stepped_up("agent2"), cid).status_code == 403
    other_tenant = _reveal(client, stepped_up("agent", tenant="globex"), cid)
    assert other_tenant.status_code == 404
    assert other_tenant.json()["code"] == "contact.conversation_not_found"


def test_a_gateway_cannot_reveal(client, gateway) -> None:
    cid = _call(client, gateway)
    assert _reveal(client, gateway, cid).status_code == 403


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"reason": "short"}, 422, "request.invalid"),
        ({"target": "customer.password"}, 422, "request.invalid"),
        ({"target": "message"}, 422, "invalid_input"),
        ({"target": "message", "seq": 99}, 404, "reveal.not_found"),
        ({"target": "customer.email"}, 404, "reveal.not_found"),
        ({"seq": 1}, 422, "invalid_input"),
        ({"reason": "nul \x00 in the reason"}, 422, "text.control_character"),
        ({"extra": 1}, 422, "request.invalid"),
    ],
)
def test_bad_requests_reveal_nothing_and_count_nothing(
    client, gateway, stepped_up, world, body, status, code
) -> None:
    cid = _call(client, gateway)
    headers = stepped_up("agent")
    response = _reveal(client, headers, cid, **body)
    assert response.status_code == status, response.text
    assert response.json()["code"] == code
    assert _reveal_events(world) == []
    assert _reveal(client, headers, cid).json()["remaining_this_hour"] == 19


LIMITED = """
version: 1
default:
  agent: {contact: masked}
reveal:
  roles: [agent]
  per_hour: 2
"""


@pytest.fixture
def limited_client(world) -> Iterator[TestClient]:
    app = create_app(world.runtime, policy=parse_policy(LIMITED, source="test"))
    with TestClient(app, base_url="https://testserver") as c:
        yield c


def _login(client: TestClient, username: str) -> dict[str, str]:
    response = client.post(
        "/api/v1/auth/login",
        json={"tenant": "acme", "username": username, "password": "correct horse battery staple"},
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def test_the_hourly_limit_is_per_user_and_slides(limited_client, gateway, world, clock) -> None:
    client = limited_client
    cid = _call(client, gateway)
    other = _call(client, gateway, agent="agent2")
    agent = _login(client, "agent")
    totp = _enrol(client, agent, clock)
    assert _reveal(client, agent, cid).json()["remaining_this_hour"] == 1
    clock.advance(dt.timedelta(minutes=29))  # inside the 30-minute idle session expiry
    _verify(client, agent, totp, clock)  # the step-up window is 5 minutes
    assert _reveal(client, agent, cid).json()["remaining_this_hour"] == 0
    refused = _reveal(client, agent, cid)
    assert refused.status_code == 429
    assert refused.json()["code"] == "reveal.rate_limited"
    assert refused.headers["Retry-After"] == str(31 * 60)
    agent2 = _login(client, "agent2")
    _enrol(client, agent2, clock)
    assert _reveal(client, agent2, other).status_code == 200  # per user
    clock.advance(dt.timedelta(minutes=31, seconds=1))  # the first reveal left the window
    agent = _login(client, "agent")
    _verify(client, agent, totp, clock)  # a new login waits for the second factor
    again = _reveal(client, agent, cid)
    assert again.status_code == 200, again.text
    outcomes = [(e.actor_id, e.outcome) for e in _reveal_events(world)]
    agent_id = world.acme.users["agent"].actor_id
    assert outcomes.count((agent_id, "denied")) == 1
    assert outcomes.count((agent_id, "success")) == 3


def test_a_policy_without_the_role_in_reveal_refuses_even_an_agent(world, gateway, clock) -> None:
    policy = parse_policy("version: 1\ndefault:\n  agent: {contact: masked}\n", source="t")
    app = create_app(world.runtime, policy=policy)
    with TestClient(app, base_url="https://testserver") as client:
        cid = _call(client, gateway)
        agent = _login(client, "agent")
        _enrol(client, agent, clock)
        assert _reveal(client, agent, cid).status_code == 403


@pytest.mark.parametrize("role", ["auditor", "admin", "security_officer", "privacy_officer"])
def test_a_policy_naming_a_role_without_reveal_permission_is_refused(role: str) -> None:
    with pytest.raises(PolicyInvalid) as caught:
        parse_policy(f"version: 1\nreveal:\n  roles: [agent, {role}]\n", source="p.yaml")
    assert caught.value.key_path == "reveal.roles"
    assert role in str(caught.value)


def test_without_a_fresh_second_factor_a_reveal_asks_for_step_up(
    client, gateway, login, world, clock
) -> None:
    cid = _call(client, gateway)
    headers = login("agent")
    refused = _reveal(client, headers, cid)
    assert refused.status_code == 403
    assert refused.json()["code"] == "step_up_required"
    totp = _enrol(client, headers, clock)
    assert _reveal(client, headers, cid).status_code == 200
    clock.advance(dt.timedelta(minutes=5, seconds=1))
    stale = _reveal(client, headers, cid)
    assert stale.json()["code"] == "step_up_required"
    _verify(client, headers, totp, clock)
    assert _reveal(client, headers, cid).status_code == 200
    assert [e.outcome for e in _reveal_events(world)] == ["success", "success"]
