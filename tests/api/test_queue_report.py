"""GET /reports/queues: supervisors see how each queue is doing, in counts and durations only."""

from __future__ import annotations

import datetime as dt

import pytest


def _call(client, gateway, phone: str, queue: str | None, agent: str | None = "agent") -> str:
    body: dict[str, object] = {"phone": phone, "channel": "voice"}
    if queue is not None:
        body["queue"] = queue
    if agent is not None:
        body["agent"] = agent
    created = client.post("/api/v1/conversations", json=body, headers=gateway)
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


def _close(client, gateway, cid: str, **body: object) -> None:
    closed = client.post(
        f"/api/v1/conversations/{cid}/close",
        json={"disposition": "resolved", **body},
        headers=gateway,
    )
    assert closed.status_code == 200, closed.text


def test_a_supervisor_sees_statuses_dispositions_handling_and_satisfaction(
    client, gateway, login, clock
) -> None:
    first = _call(client, gateway, "13900000001", "billing")
    second = _call(client, gateway, "13900000002", "billing")
    _call(client, gateway, "13900000003", "billing", agent=None)  # still queued
    _call(client, gateway, "13900000004", None)
    clock.advance(dt.timedelta(minutes=4))
    _close(client, gateway, first, satisfaction=5)
    clock.advance(dt.timedelta(minutes=2))
    _close(client, gateway, second, satisfaction=3, resolution_summary="回拨13812345678")
    response = client.get("/api/v1/reports/queues", headers=login("supervisor"))
    assert response.status_code == 200, response.text
    queues = {q["queue"]: q for q in response.json()["queues"]}
    billing = queues["billing"]
    assert billing["conversations"] == 3
    assert billing["by_status"] == {"closed": 2, "queued": 1}
    assert billing["by_disposition"] == {"resolved": 2}
    assert (billing["handled"], billing["median_handle_s"]) == (2, 300.0)  # 240 s and 360 s
    assert (billing["rated"], billing["mean_satisfaction"]) == (2, 4.0)
    assert queues[None]["by_status"] == {"active": 1}
    assert "13812345678" not in response.text


@pytest.mark.parametrize("role", ["agent", "intern", "admin", "auditor", "privacy-officer"])
def test_other_roles_are_refused(client, login, role) -> None:
    response = client.get("/api/v1/reports/queues", headers=login(role))
    assert response.status_code == 403
    assert response.json()["code"] == "access.denied"


def test_another_tenant_sees_none_of_our_queues(client, gateway, login) -> None:
    _call(client, gateway, "13900000001", "billing")
    other = client.get("/api/v1/reports/queues", headers=login("supervisor", tenant="globex"))
    assert other.json()["queues"] == []
    bad = client.get(
        "/api/v1/reports/queues",
        params={"since": "2026-12-01T00:00:00Z"},
        headers=login("supervisor"),
    )
    assert bad.status_code == 422
