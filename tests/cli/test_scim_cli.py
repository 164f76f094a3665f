"""`anxin scim token|tokens|revoke` in real subprocesses, then the token against the app."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.cli.test_commands import anxin

from anxin.app import create_app
from anxin.cli.bootstrap import build_runtime
from anxin.config import Settings
from anxin.identity.models import ScimToken

pytestmark = pytest.mark.slow


def test_token_is_shown_once_stored_hashed_and_revocable(tmp_path: Path) -> None:
    home = tmp_path / "var"
    assert anxin(home, "init").returncode == 0
    assert anxin(home, "tenant", "add", "initech").returncode == 0
    made = anxin(home, "scim", "token", "--tenant", "initech", "--json")
    assert made.returncode == 0, made.stderr
    created = json.loads(made.stdout)
    token = created["token"]
    assert token.startswith("axscim_")
    listed = anxin(home, "scim", "tokens", "--tenant", "initech", "--json")
    assert token not in listed.stdout
    assert created["id"] in listed.stdout

    rt = build_runtime(Settings(home=home))
    try:
        with rt.db.unit_of_work(tenant_id=None) as session:
            row = session.scalars(select(ScimToken)).one()
            assert row.token_hash == hashlib.sha256(token.encode()).digest()
        with TestClient(create_app(rt), base_url="https://testserver") as client:
            headers = {"Authorization": f"Bearer {token}"}
            assert client.get("/scim/v2/Users", headers=headers).status_code == 200
            revoked = anxin(home, "scim", "revoke", created["id"], "--tenant", "initech")
            assert revoked.returncode == 0, revoked.stderr
            assert client.get("/scim/v2/Users", headers=headers).status_code == 401
    finally:
        rt.close()
    wrong_tenant = anxin(home, "scim", "token", "--tenant", "nope")
    assert wrong_tenant.returncode != 0
