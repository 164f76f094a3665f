"""Bad texts over HTTP: too long, not UTF-8, lone surrogates, control characters.

Each is refused with problem+json and a stable code, the error never echoes the text, nothing of
the batch is stored, and the server keeps serving.
"""

from __future__ import annotations

import dataclasses
import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from anxin.app import create_app
from anxin.config import ConfigError, load_settings
from anxin.contact.models import Conversation, IdempotencyRecord, Message, Ticket

PROBLEM = "application/problem+json"
TEN_MB = 10 * 1_048_576


def _rows(world) -> tuple[int, ...]:
    with world.runtime.db.unit_of_work(tenant_id=None) as session:
        return tuple(
            int(session.scalar(select(func.count()).select_from(m)) or 0)
            for m in (Message, IdempotencyRecord, Ticket)
        )


def _assert_problem(response, status: int, code: str, *secrets: str) -> dict:
    assert response.status_code == status, response.text[:500]
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["code"] == code
    assert body["status"] == status
    for secret in secrets:
        assert secret not in response.text
    return body


@pytest.fixture
def call(client, gateway) -> dict:
    response = client.post(
        "/api/v1/conversations",
        headers=gateway,
        json={"phone": "13812345678", "channel": "chat", "agent": "agent"},
    )
    assert response.status_code == 201, response.text
    return response.json()


def _append(client, gateway, call, body: bytes, key: str):
    return client.post(
        f"/api/v1/conversations/{call['id']}/messages",
        content=body,
        headers={**gateway, "Idempotency-Key": key, "Content-Type": "application/json"},
    )


def _still_serving(client, gateway, call) -> None:
    ok = client.post(
        f"/api/v1/conversations/{call['id']}/messages",
        json={"speaker": "customer", "text": "您好\t还在吗?\r\n"},
        headers={**gateway, "Idempotency-Key": "after"},
    )
    assert ok.status_code == 200, ok.text
    assert ok.json()["appended"] == 1


def _batch(*texts: str) -> bytes:
    """A batch whose texts are written as given (raw JSON escapes are kept)."""
    items = ",".join(f'{{"speaker": "customer", "text": "{t}"}}' for t in texts)
    return f'{{"messages": [{items}]}}'.encode()


def test_ten_megabyte_message_is_over_the_body_limit(client, gateway, call, world) -> None:
    before = _rows(world)
    body = _batch("hello", "秘" * (TEN_MB // 3))
    _assert_problem(_append(client, gateway, call, body, "ten-mb"), 413, "request.too_large", "秘")
    assert _rows(world) == before
    _still_serving(client, gateway, call)


def test_ten_megabyte_message_with_a_raised_body_limit(gateway, call, world) -> None:
    settings = world.runtime.settings.model_copy(update={"max_body_bytes": 16 * 1_048_576})
    runtime = dataclasses.replace(world.runtime, settings=settings)
    before = _rows(world)
    with TestClient(create_app(runtime), base_url="https://testserver") as client:
        body = _batch("hello", "x" * TEN_MB)
        problem = _assert_problem(
            _append(client, gateway, call, body, "ten-mb"), 422, "contact.message_too_long", "xxx"
        )
        assert "message 1 " in problem["detail"]
        assert str(settings.max_message_chars) in problem["detail"]
        assert _rows(world) == before
        _still_serving(client, gateway, call)


def test_the_message_limit_must_fit_in_the_body_limit(monkeypatch) -> None:
    monkeypatch.delenv("ANXIN_CONFIG", raising=False)
    monkeypatch.setenv("ANXIN_MAX_BODY_BYTES", "65536")
    monkeypatch.setenv("ANXIN_MAX_MESSAGE_CHARS", "100000")
    with pytest.raises(ConfigError, match="max_message_chars"):
        load_settings()
    monkeypatch.setenv("ANXIN_MAX_MESSAGE_CHARS", "0")
    with pytest.raises(ConfigError, match="max_message_chars"):
        load_settings()
    monkeypatch.setenv("ANXIN_MAX_MESSAGE_CHARS", "60000")
    assert load_settings().max_message_chars == 60_000


@pytest.mark.parametrize(
    "body",
    [
        b'{"speaker": "customer", "text": "caf\xe9"}',
        b'{"messages": [{"speaker": "customer", "text": "ok"}, '
        b'{"speaker": "customer", "text": "\xff\xfe\xc3"}]}',
    ],
)
def test_invalid_utf8_is_refused(client, gateway, call, world, body) -> None:
    before = _rows(world)
    _assert_problem(_append(client, gateway, call, body, "utf8"), 400, "request.invalid_encoding")
    assert _rows(world) == before
    _still_serving(client, gateway, call)


@pytest.mark.parametrize(
    "texts",
    [
        ("geheim \\ud800 high",),
        ("ok", "geheim \\udfff low"),
        ("geheim \\udc00\\ud800 reversed pair",),
    ],
)
def test_lone_surrogates_are_refused(client, gateway, call, world, texts) -> None:
    before = _rows(world)
    problem = _assert_problem(
        _append(client, gateway, call, _batch(*texts), "surrogate"),
        422,
        "text.lone_surrogate",
        "geheim",
    )
    index = str(len(texts) - 1)
    assert problem["errors"][0]["loc"] == ["body", "MessageBatch", "messages", index, "text"]
    assert _rows(world) == before
    _still_serving(client, gateway, call)


def test_a_surrogate_encoded_as_utf8_is_a_lone_surrogate(client, gateway, call, world) -> None:
    # Python's json decodes bytes with "surrogatepass", so ED A0 80 arrives as U+D800.
    before = _rows(world)
    body = b'{"speaker": "customer", "text": "\xed\xa0\x80"}'
    _assert_problem(_append(client, gateway, call, body, "cesu"), 422, "text.lone_surrogate")
    assert _rows(world) == before
    _still_serving(client, gateway, call)


def test_a_surrogate_pair_is_one_character(client, gateway, call, login) -> None:
    appended = _append(client, gateway, call, _batch("emoji \\ud83d\\ude00"), "pair")
    assert appended.status_code == 200, appended.text
    page = client.get(f"/api/v1/conversations/{call['id']}/messages", headers=login("agent"))
    assert page.json()["messages"][-1]["text"] == "emoji \U0001f600"


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x0b", "\x1b", "\x7f", "\x85", "\x9f"])
def test_control_characters_are_refused(client, gateway, call, world, char) -> None:
    before = _rows(world)
    body = json.dumps({"messages": [{"speaker": "agent", "text": f"secret{char}text"}]}).encode()
    problem = _assert_problem(
        _append(client, gateway, call, body, "control"), 422, "text.control_character", "secret"
    )
    assert problem["errors"][0]["loc"] == ["body", "MessageBatch", "messages", "0", "text"]
    assert _rows(world) == before
    _still_serving(client, gateway, call)


def test_ticket_subject_and_summary_refuse_control_characters(
    client, gateway, call, world, login
) -> None:
    before = _rows(world)
    ticket = client.post(
        f"/api/v1/conversations/{call['id']}/tickets",
        json={"subject": "补寄\x00银行卡"},
        headers=login("agent"),
    )
    _assert_problem(ticket, 422, "text.control_character", "银行卡")
    closed = client.post(
        f"/api/v1/conversations/{call['id']}/close",
        headers=gateway,
        json={"disposition": "resolved", "resolution_summary": "已挂失\x1b并补卡"},
    )
    _assert_problem(closed, 422, "text.control_character", "补卡")
    assert _rows(world) == before
    with world.runtime.db.unit_of_work(tenant_id=None) as session:
        assert session.get(Conversation, call["id"]).status != "closed"
    _still_serving(client, gateway, call)


@pytest.mark.parametrize("field", ["tenant", "username"])
def test_a_nul_in_a_login_name_is_refused_not_a_database_error(client, field) -> None:
    # PostgreSQL text cannot hold NUL: unchecked, this was a 500 from the driver.
    attempt = {"tenant": "acme", "username": "agent", "password": "x" * 12}
    attempt[field] = "ag\x00ent"
    _assert_problem(client.post("/api/v1/auth/login", json=attempt), 422, "text.control_character")
    assert client.get("/api/v1/health").status_code == 200
