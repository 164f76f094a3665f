"""Erasure and key failures seen from outside: roles, tenants, problem documents, audit."""

from __future__ import annotations

from sqlalchemy import select, update
from tests.api.test_flows import _new_call

from anxin.audit.models import AuditEvent
from anxin.crypto.keystore import data_keys


def test_the_privacy_officer_erases_and_the_caller_is_no_longer_found(
    client, gateway, login, stepped_up
):
    call = _new_call(client, gateway, phone="13911112222")
    stale = client.delete(
        f"/api/v1/customers/{call['customer_id']}", headers=login("privacy-officer")
    )
    assert stale.json()["code"] == "step_up_required"
    officer = stepped_up("privacy-officer")
    response = client.delete(f"/api/v1/customers/{call['customer_id']}", headers=officer)
    assert response.status_code == 200, response.text
    assert response.json()["keys_destroyed"] == 1
    lookup = client.get(
        "/api/v1/customers/lookup", params={"phone": "13911112222"}, headers=login("agent")
    )
    assert lookup.status_code == 404
    again = client.delete(f"/api/v1/customers/{call['customer_id']}", headers=officer)
    assert again.status_code == 404
    assert again.json()["code"] == "contact.customer_not_found"


def test_other_roles_tenants_and_gateways_cannot_erase(client, gateway, login, stepped_up, world):
    call = _new_call(client, gateway, phone="13911113333")
    path = f"/api/v1/customers/{call['customer_id']}"
    for username in ("agent", "supervisor", "admin", "auditor", "security-officer"):
        response = client.delete(path, headers=login(username))
        assert response.status_code == 403, username
        assert response.json()["code"] == "access.denied"
    assert client.delete(path, headers=gateway).status_code == 403
    foreign = client.delete(path, headers=stepped_up("privacy-officer", tenant="globex"))
    assert foreign.status_code == 404
    assert client.delete(path).status_code == 401
    assert (
        client.delete(
            "/api/v1/customers/not-an-id", headers=stepped_up("privacy-officer")
        ).status_code
        == 404
    )


def test_a_tampered_wrapped_key_is_a_problem_and_an_audit_event(client, gateway, login, world):
    call = _new_call(client, gateway, phone="13911114444")
    keyring = world.runtime.keyring
    with keyring.keystore.begin() as conn:
        wrapped = conn.execute(
            select(data_keys.c.wrapped).where(data_keys.c.owner_id == call["customer_id"])
        ).scalar_one()
        conn.execute(
            update(data_keys)
            .where(data_keys.c.owner_id == call["customer_id"])
            .values(wrapped=wrapped[:-1] + bytes([wrapped[-1] ^ 1]))
        )
    keyring.forget(call["customer_id"])

    response = client.get(f"/api/v1/conversations/{call['id']}/customer", headers=login("agent"))

    assert response.status_code == 500
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["code"] == "crypto.unwrap_failed"
    assert wrapped.hex()[:12] not in response.text
    with world.runtime.db.unit_of_work(tenant_id=world.acme.id) as session:
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "crypto:key:unwrap_failed")
        ).all()
    assert len(events) == 1
    assert events[0].outcome == "failed"
    assert call["customer_id"] in events[0].detail["key"]
