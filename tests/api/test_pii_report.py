"""GET /reports/pii: supervisors get counts per type and queue, never values; nobody else does."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient

TEXTS = {
    "billing": ["电话13812345678，邮箱a.b@example.com", "卡号6222021234567890128"],
    "sales": ["我是王芳，手机13987654321"],
    None: ["没有个人信息"],
}


def _feed(client: TestClient, gateway: dict[str, str]) -> None:
    for n, (queue, texts) in enumerate(TEXTS.items()):
        body: dict[str, object] = {"phone": f"1390000000{n}", "channel": "chat"}
        if queue is not None:
            body["queue"] = queue
        created = client.post("/api/v1/conversations", json=body, headers=gateway)
        assert created.status_code == 201, created.text
        appended = client.post(
            f"/api/v1/conversations/{created.json()['id']}/messages",
            json={"messages": [{"speaker": "customer", "text": t} for t in texts]},
            headers={**gateway, "Idempotency-Key": f"k{n}"},
        )
        assert appended.status_code == 200, appended.text


@pytest.mark.parametrize("role", ["supervisor", "privacy-officer"])
def test_counts_per_type_and_queue_and_no_values(client, gateway, login, role) -> None:
    _feed(client, gateway)
    response = client.get("/api/v1/reports/pii", headers=login(role))
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["total"] == 5
    assert {t["type"]: t["count"] for t in report["types"]} == {
        "CN_MOBILE": 2,
        "EMAIL": 1,
        "BANK_CARD": 1,
        "PERSON": 1,
    }
    queues = {q["queue"]: q for q in report["queues"]}
    assert set(queues) == {"billing", "sales"}  # the queue-less call detected nothing
    assert queues["billing"]["conversations"] == 1
    assert {t["type"]: t["count"] for t in queues["billing"]["types"]} == {
        "CN_MOBILE": 1,
        "EMAIL": 1,
        "BANK_CARD": 1,
    }
    text = response.text
    for value in ("13812345678", "a.b@example.com", "6222021234567890128", "王芳"):
        assert value not in text


def test_another_tenants_supervisor_counts_nothing_of_ours(client, gateway, login) -> None:
    _feed(client, gateway)
    response = client.get("/api/v1/reports/pii", headers=login("supervisor", tenant="globex"))
    assert response.status_code == 200, response.text
    assert response.json()["total"] == 0


def test_the_range_bounds_the_conversations_counted(client, gateway, login, clock) -> None:
    _feed(client, gateway)
    headers = login("supervisor")
    later = (clock.now() + dt.timedelta(minutes=1)).isoformat()
    response = client.get("/api/v1/reports/pii", params={"since": later}, headers=headers)
    assert response.status_code == 422  # since after the default until (now)
    past = {"since": "2020-01-01T00:00:00", "until": "2020-01-02T00:00:00"}
    assert client.get("/api/v1/reports/pii", params=past, headers=headers).json()["total"] == 0
    too_long = {"since": "2020-01-01T00:00:00", "until": "2022-01-01T00:00:00"}
    refused = client.get("/api/v1/reports/pii", params=too_long, headers=headers)
    assert refused.status_code == 422
    assert refused.json()["code"] == "invalid_input"


@pytest.mark.parametrize("role", ["agent", "intern", "admin", "auditor", "security-officer"])
def test_other_roles_are_refused(client, gateway, login, role) -> None:
    response = client.get("/api/v1/reports/pii", headers=login(role))
    assert response.status_code == 403
    assert response.json()["code"] == "access.denied"
    assert client.get("/api/v1/reports/pii", headers=gateway).status_code == 403


def test_the_catalogue_is_served_to_any_signed_in_caller(client, login) -> None:
    assert client.get("/api/v1/pii/classes").status_code == 401
    response = client.get("/api/v1/pii/classes", headers=login("intern"))
    assert response.status_code == 200
    by_type = {row["type"]: row for row in response.json()}
    assert by_type["CN_ID"]["class"] == "government_id"
    assert by_type["CN_ID"]["pipl_sensitive"] is True
    assert len(by_type) == 12
