"""A tenant's own type from the recognizer file, end to end: detected at ingestion for that
tenant only, stored redacted, masked by its class, counted in the supervisors' report."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from anxin.app import create_app
from anxin.contact.models import Message, MessageEntity
from anxin.pii.tenant_recognizers import load_tenant_recognizers

FILE = """
version: 1
tenants:
  acme:
    - name: acme_employee_no
      type: EMPLOYEE_ID
      class: government_id
      sensitivity: high
      regex: '(?<![A-Z0-9])E\\d{6}(?!\\d)'
      context: [工号]
      context_required: true
"""
TEXT = "我的工号E123456，电话13812345678"


@pytest.fixture
def client(world, tmp_path: Path) -> Iterator[TestClient]:
    path = tmp_path / "recognizers.yaml"
    path.write_text(FILE, encoding="utf-8")
    app = create_app(world.runtime, recognizers=load_tenant_recognizers(path))
    with TestClient(app, base_url="https://testserver") as c:
        yield c


def _feed(client: TestClient, world, tenant: str) -> str:
    gateway = {"Authorization": f"Bearer {getattr(world, tenant).gateway_key}"}
    created = client.post(
        "/api/v1/conversations",
        json={"phone": "13900000000", "channel": "chat", "agent": "agent", "queue": "hr"},
        headers=gateway,
    )
    assert created.status_code == 201, created.text
    cid = str(created.json()["id"])
    appended = client.post(
        f"/api/v1/conversations/{cid}/messages",
        json={"speaker": "customer", "text": TEXT},
        headers={**gateway, "Idempotency-Key": "k"},
    )
    assert appended.status_code == 200, appended.text
    return cid


def test_the_tenants_type_is_found_stored_masked_and_counted(client, world, login) -> None:
    acme = _feed(client, world, "acme")
    globex = _feed(client, world, "globex")
    with world.runtime.db.unit_of_work(tenant_id=None) as session:
        rows = session.execute(select(Message.conversation_id, Message.text_redacted)).all()
        redacted = {row.conversation_id: row.text_redacted for row in rows}
        types = session.scalars(
            select(MessageEntity.type).where(MessageEntity.conversation_id == acme)
        ).all()
    assert redacted[acme] == "我的工号[EMPLOYEE_ID]，电话[CN_MOBILE]"
    assert redacted[globex] == "我的工号E123456，电话[CN_MOBILE]"  # not globex's type
    assert sorted(types) == ["CN_MOBILE", "EMPLOYEE_ID"]
    page = client.get(f"/api/v1/conversations/{acme}/messages", headers=login("agent"))
    assert page.json()["messages"][0]["text"] == "我的工号*******，电话138****5678"
    report = client.get("/api/v1/reports/pii", headers=login("supervisor")).json()
    assert {t["type"]: t["count"] for t in report["types"]} == {"CN_MOBILE": 1, "EMPLOYEE_ID": 1}
