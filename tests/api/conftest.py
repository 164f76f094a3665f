from __future__ import annotations

from collections.abc import Iterator

import pyotp
import pytest
from fastapi.testclient import TestClient

from anxin.app import create_app

PASSWORD = "correct horse battery staple"


@pytest.fixture
def client(world) -> Iterator[TestClient]:
    with TestClient(create_app(world.runtime), base_url="https://testserver") as c:
        yield c


@pytest.fixture
def login(client: TestClient):
    def _login(username: str, tenant: str = "acme") -> dict[str, str]:
        response = client.post(
            "/api/v1/auth/login",
            json={"tenant": tenant, "username": username, "password": PASSWORD},
        )
        assert response.status_code == 200, response.text
        return {"Authorization": f"Bearer {response.json()['token']}"}

    return _login


@pytest.fixture
def stepped_up(client: TestClient, login, clock):
    """Headers of a session whose second factor was verified just now (step-up fresh).

    The first call for a user enrols and confirms TOTP; later calls log in again and verify
    with one of the recovery codes (the frozen clock makes every TOTP code a replay)."""
    recovery: dict[tuple[str, str], list[str]] = {}

    def _stepped_up(username: str, tenant: str = "acme") -> dict[str, str]:
        headers = login(username, tenant)
        codes = recovery.get((username, tenant))
        if codes is not None:
            body = {"recovery_code": codes.pop()}
            verified = client.post("/api/v1/auth/second-factor", json=body, headers=headers)
            assert verified.status_code == 200, verified.text
            return headers
        enrolled = client.post("/api/v1/me/totp", headers=headers)
        assert enrolled.status_code == 201, enrolled.text
        code = pyotp.TOTP(enrolled.json()["secret"]).at(clock.now())
        confirmed = client.post("/api/v1/me/totp/confirm", json={"code": code}, headers=headers)
        assert confirmed.status_code == 200, confirmed.text
        recovery[(username, tenant)] = confirmed.json()["recovery_codes"]
        return headers

    return _stepped_up


@pytest.fixture
def gateway(world) -> dict[str, str]:
    return {"Authorization": f"Bearer {world.acme.gateway_key}"}
