"""What the audit log records, category by category (issue 7 item 7), from the outside.

One journey drives the real flows (HTTP through the test client, services, the `keys` CLI)
through authentication, customer reads and writes, reveals, grants, permission changes, key
operations and configuration; each test then asserts the rows one category must leave, and the
last one that no row carries a personal value or a secret. Verification runs are covered with
the verify command itself.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.identity.soft_authenticator import SoftAuthenticator
from typer.testing import CliRunner

from anxin.app import create_app
from anxin.audit.actions import AuditAction
from anxin.audit.models import AuditEvent
from anxin.cli.bootstrap import initialize
from anxin.cli.configuration import record_configuration
from anxin.cli.main import app as cli_app
from anxin.contact.service import CUSTOMER_FIELDS
from anxin.db.database import Database, create_db_engine
from anxin.identity import scim
from anxin.kernel.principal import operator_principal
from anxin.keys.rotation import KeyRotation
from anxin.masking.policy import parse_policy
from anxin.tenancy import service as tenancy_service

API = "/api/v1"
PASSWORD = "correct horse battery staple"
PHONE = "13812345678"
NAME = "王芳"
ID_NUMBER = "11010519491231002X"
EMAIL = "wangfang@example.cn"
CARD = "6222021234567890128"
SUBJECT = f"退款申请 {NAME} {PHONE}"
SUMMARY = f"已为{NAME}挂失，回拨{PHONE}"
REASON = f"customer disputes a charge; confirm the number {PHONE} on file"


@dataclasses.dataclass
class Journey:
    customer_id: str
    conversation_id: str
    ticket_id: str
    # Everything that must never reach an audit row.
    secrets: set[str]
    personal: set[str]
    responses: dict[str, Any]


def _rows(world) -> list[dict[str, Any]]:
    """Every event of every log (platform scope sees them all), oldest first per log."""
    with world.runtime.db.unit_of_work(tenant_id=None) as session:
        query = select(AuditEvent).order_by(AuditEvent.tenant_id, AuditEvent.seq)
        return [
            {c.name: getattr(e, c.name) for c in AuditEvent.__table__.columns}
            for e in session.scalars(query)
        ]


def _of(rows: list[dict[str, Any]], action: str, **match: Any) -> list[dict[str, Any]]:
    return [r for r in rows if r["action"] == action and all(r[k] == v for k, v in match.items())]


def _one(rows: list[dict[str, Any]], action: str, **match: Any) -> dict[str, Any]:
    found = _of(rows, action, **match)
    assert len(found) == 1, (action, match, [(r["action"], r["object_id"]) for r in found])
    return found[0]


def _ok(response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json() if response.content else None


def _login_raw(client, username: str, password: str = PASSWORD):
    return client.post(
        f"{API}/auth/login", json={"tenant": "acme", "username": username, "password": password}
    )


def _headers(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _authenticate(client, journey_secrets: set[str], clock) -> dict[str, dict[str, str]]:
    """Logins that succeed, fail and lock; TOTP enrol/confirm/verify; a passkey; logout."""
    sessions: dict[str, dict[str, str]] = {}
    agent = _ok(_login_raw(client, "agent"))
    journey_secrets.add(agent["token"])
    sessions["agent"] = _headers(agent["token"])
    assert _login_raw(client, "agent", "wrong password 1").status_code == 401
    for attempt in range(5):
        assert _login_raw(client, "intern", f"wrong password {attempt}").status_code == 401
    assert _login_raw(client, "intern").json()["code"] == "identity.account_locked"
    # TOTP: enrol, confirm, a wrong code, then a recovery code on a new session.
    enrolled = _ok(client.post(f"{API}/me/totp", headers=sessions["agent"]), 201)
    totp = pyotp.TOTP(enrolled["secret"])
    code = totp.at(clock.now())
    confirmed = _ok(
        client.post(f"{API}/me/totp/confirm", json={"code": code}, headers=sessions["agent"])
    )
    wrong = client.post(
        f"{API}/auth/second-factor", json={"code": "000000"}, headers=sessions["agent"]
    )
    assert wrong.status_code == 401, wrong.text
    again = _ok(_login_raw(client, "agent"))
    recovery = confirmed["recovery_codes"][0]
    _ok(
        client.post(
            f"{API}/auth/second-factor",
            json={"recovery_code": recovery},
            headers=_headers(again["token"]),
        )
    )
    sessions["agent"] = _headers(again["token"])
    journey_secrets |= {enrolled["secret"], code, again["token"], *confirmed["recovery_codes"]}
    # A passkey registered, then completing the next login.
    authenticator = SoftAuthenticator()
    first = _ok(_login_raw(client, "supervisor"))
    options = _ok(client.post(f"{API}/me/passkeys/options", headers=_headers(first["token"])))
    body = {"name": "laptop", "credential": authenticator.create(options)}
    _ok(client.post(f"{API}/me/passkeys", json=body, headers=_headers(first["token"])), 201)
    pending = _ok(_login_raw(client, "supervisor"))
    assert pending["second_factor"] == "required"
    options = _ok(client.post(f"{API}/auth/passkey/options", headers=_headers(pending["token"])))
    credential = authenticator.get(options)
    _ok(
        client.post(
            f"{API}/auth/passkey",
            json={"credential": credential},
            headers=_headers(pending["token"]),
        )
    )
    # Logout, and a token that opens nothing.
    auditor = _ok(_login_raw(client, "auditor"))
    _ok(client.post(f"{API}/auth/logout", headers=_headers(auditor["token"])), 204)
    forged = "axs_" + "A" * 43
    assert client.get(f"{API}/me", headers=_headers(forged)).status_code == 401
    journey_secrets |= {first["token"], pending["token"], auditor["token"], forged, PASSWORD}
    return sessions


def _serve_a_call(client, gateway, sessions, login, stepped_up) -> dict[str, Any]:
    # sessions["agent"] verified its second factor a moment ago: fresh enough for a reveal.
    """A call fed by the gateway, read by its agent, revealed, ticketed, closed and erased."""
    call = _ok(
        client.post(
            f"{API}/conversations",
            json={
                "phone": PHONE,
                "channel": "voice",
                "agent": "agent",
                "customer": {"name": NAME, "id_number": ID_NUMBER, "email": EMAIL},
            },
            headers=gateway,
        ),
        201,
    )
    cid = call["id"]
    text = f"我叫{NAME}，卡号{CARD}，身份证{ID_NUMBER}"
    _ok(
        client.post(
            f"{API}/conversations/{cid}/messages",
            json={"speaker": "customer", "text": text},
            headers={**gateway, "Idempotency-Key": "journey-1"},
        )
    )
    agent = sessions["agent"]
    out: dict[str, Any] = {"call": call}
    assert client.get(f"{API}/conversations/{cid}", headers=login("agent2")).status_code == 403
    out["conversation"] = _ok(client.get(f"{API}/conversations/{cid}", headers=agent))
    out["messages"] = _ok(client.get(f"{API}/conversations/{cid}/messages", headers=agent))
    out["customer"] = _ok(client.get(f"{API}/conversations/{cid}/customer", headers=agent))
    out["history"] = _ok(client.get(f"{API}/conversations/{cid}/history", headers=agent))
    out["lookup"] = _ok(
        client.get(f"{API}/customers/lookup", params={"phone": PHONE}, headers=agent)
    )
    out["ticket"] = _ok(
        client.post(f"{API}/conversations/{cid}/tickets", json={"subject": SUBJECT}, headers=agent),
        201,
    )
    _ok(client.get(f"{API}/conversations/{cid}/tickets", headers=agent))
    _ok(client.get(f"{API}/tickets/{out['ticket']['id']}", headers=agent))
    _ok(client.post(f"{API}/conversations/{cid}/assign", json={"agent": "agent"}, headers=gateway))
    reveal = {"target": "customer.phones", "reason": REASON}
    _ok(client.post(f"{API}/conversations/{cid}/reveal", json=reveal, headers=agent))
    _ok(client.post(f"{API}/conversations/{cid}/wrap-up", headers=gateway))
    close = {"disposition": "resolved", "satisfaction": 5, "resolution_summary": SUMMARY}
    _ok(client.post(f"{API}/conversations/{cid}/close", json=close, headers=gateway))
    officer = stepped_up("privacy-officer")
    _ok(client.delete(f"{API}/customers/{call['customer_id']}", headers=officer))
    return out


def _grants(client, login, stepped_up, clock, conversation_id: str) -> None:
    """Requested, approved, denied, revoked, and expired (the listing marks it)."""
    asker, officer = login("agent2"), stepped_up("security-officer")
    reason = f"covering during escalation, caller {PHONE}"

    def ask() -> str:
        body = {
            "permission": "contact:conversation:read_assigned",
            "scope_type": "conversation",
            "scope_id": conversation_id,
            "duration_minutes": 60,
            "reason": reason,
        }
        return str(_ok(client.post(f"{API}/grants", json=body, headers=asker), 201)["id"])

    approved, denied, revoked = ask(), ask(), ask()
    _ok(client.post(f"{API}/grants/{approved}/approve", json={"reason": "ok"}, headers=officer))
    _ok(client.post(f"{API}/grants/{denied}/deny", json={"reason": "no"}, headers=officer))
    _ok(client.post(f"{API}/grants/{revoked}/revoke", json={}, headers=asker))
    _ok(client.get(f"{API}/grants/{denied}", headers=asker))
    clock.advance(dt.timedelta(minutes=61))
    _ok(client.get(f"{API}/grants", headers=login("agent2")))


def _change_permissions(world) -> None:
    """A SCIM group move (a role change) and a tenant's second-factor roles."""
    rt = world.runtime
    agent2 = world.acme.users["agent2"].actor_id
    with rt.db.unit_of_work(tenant_id=world.acme.id) as session:
        scim.patch_group(
            session,
            principal=world.acme.users["admin"],
            clock=rt.clock,
            group_id="agent",
            payload={
                "schemas": [scim.PATCH_SCHEMA],
                "Operations": [
                    {"op": "remove", "path": f'members[value eq "{agent2}"]'},
                ],
            },
        )
    with rt.db.unit_of_work(tenant_id=None) as session:
        tenancy_service.require_second_factor(
            session, principal=operator_principal(), clock=rt.clock, name="acme", roles=["admin"]
        )


def _operate_keys(world) -> None:
    """A KEK rotation and the retired version destroyed (services); policy and check (CLI)."""
    rt = world.runtime
    rotation = KeyRotation(db=rt.db, keyring=rt.keyring, clock=rt.clock)
    rotation.rotate_kek(world.acme.id)
    rotation.destroy_retired_keks(world.acme.id)
    env = _cli_env(rt)
    runner = CliRunner()
    for args in (["keys", "policy", "--tenant", "acme", "--kek-days", "30"],):
        result = runner.invoke(cli_app, args, env=env)
        assert result.exit_code == 0, result.output
    result = runner.invoke(cli_app, ["keys", "check", "--tenant", "acme", "--json"], env=env)
    assert result.exit_code == 0, result.output


def _cli_env(rt) -> dict[str, str]:
    """The environment of an `anxin` command run on the test's own data directory."""
    env = {"ANXIN_HOME": str(rt.settings.home)}
    if rt.settings.database_url is not None:
        env["ANXIN_DATABASE_URL"] = str(rt.settings.database_url)
    return env


@pytest.fixture
def journey(client, gateway, login, stepped_up, world, clock) -> Journey:
    secrets: set[str] = {world.acme.gateway_key}
    sessions = _authenticate(client, secrets, clock)
    responses = _serve_a_call(client, gateway, sessions, login, stepped_up)
    _grants(client, login, stepped_up, clock, responses["call"]["id"])
    _change_permissions(world)
    _operate_keys(world)
    return Journey(
        customer_id=responses["call"]["customer_id"],
        conversation_id=responses["call"]["id"],
        ticket_id=responses["ticket"]["id"],
        secrets=secrets,
        personal={PHONE, "+86" + PHONE, NAME, ID_NUMBER, EMAIL, CARD, SUBJECT, SUMMARY},
        responses=responses,
    )


def test_authentication_success_failure_lockout_second_factor_and_sessions(journey, world) -> None:
    rows = _rows(world)
    agent, intern = world.acme.users["agent"], world.acme.users["intern"]
    logins = _of(rows, "identity:session:login", actor_id=agent.actor_id, outcome="success")
    assert logins
    assert logins[0]["object_type"] == "session"
    assert logins[0]["object_id"]
    assert set(logins[0]["detail"]) == {"second_factor"}
    failed = _of(rows, "identity:session:login", outcome="failed")
    reasons = [(r["actor_id"], r["detail"]["reason"]) for r in failed]
    assert ("agent", "authentication_failed") in reasons
    assert reasons.count(("intern", "authentication_failed")) == 5
    assert ("intern", "account_locked") in reasons
    assert all(r["tenant_id"] == world.acme.id for r in failed)
    lock = _one(rows, "identity:user:lock", object_id=intern.actor_id)
    assert lock["outcome"] == "denied"
    assert set(lock["detail"]) == {"failed_logins", "locked_until"}
    assert _one(rows, "identity:totp:enrol", actor_id=agent.actor_id)["outcome"] == "success"
    assert _one(rows, "identity:totp:confirm", actor_id=agent.actor_id)["outcome"] == "success"
    verifies = [
        (r["actor_id"], r["outcome"], r["detail"]["method"])
        for r in _of(rows, "identity:second_factor:verify")
    ]
    supervisor = world.acme.users["supervisor"].actor_id
    assert (agent.actor_id, "failed", "totp") in verifies
    assert (agent.actor_id, "success", "recovery") in verifies
    assert (supervisor, "success", "passkey") in verifies
    assert _one(rows, "identity:passkey:register", actor_id=supervisor)["outcome"] == "success"
    pending = _of(rows, "identity:session:login", actor_id=supervisor)
    assert [r["detail"]["second_factor"] for r in pending] == ["none", "required"]
    auditor = world.acme.users["auditor"].actor_id
    assert _one(rows, "identity:session:logout", actor_id=auditor)["object_type"] == "session"
    refused = _one(rows, "identity:session:refuse")
    assert (refused["tenant_id"], refused["outcome"]) == (None, "denied")
    assert set(refused["detail"]) == {"reason", "path"}


def test_when_an_address_fails_too_often_then_the_platform_log_records_its_lockout(
    client, world
) -> None:
    limit = world.runtime.login_limits.address_max_failures
    for attempt in range(limit):
        assert _login_raw(client, f"nobody{attempt}", "wrong").status_code == 401
    blocked = _login_raw(client, "agent")
    assert blocked.json()["code"] == "identity.too_many_attempts"
    rows = _rows(world)
    lock = _one(rows, "identity:address:lock")
    assert lock["tenant_id"] is None
    assert lock["outcome"] == "denied"
    assert lock["object_type"] == "client_addr"
    assert lock["object_id"] == lock["client_addr"] == "testclient"
    assert lock["detail"]["failed_logins"] == limit
    assert set(lock["detail"]) == {"failed_logins", "locked_until"}
    # Locked once, however many attempts follow.
    assert _login_raw(client, "agent").status_code == 429
    assert len(_of(_rows(world), "identity:address:lock")) == 1


def _customer_fields(body: dict[str, Any]) -> list[str]:
    return sorted(f"customer.{name}" for name in CUSTOMER_FIELDS if body.get(name))


def test_every_read_of_customer_data_names_its_fields_and_its_customer(journey, world) -> None:
    rows = _rows(world)
    customer, cid = journey.customer_id, journey.conversation_id
    reads = journey.responses
    expected = {
        ("contact:conversation:read", "conversation", cid): (
            ["conversation.resolution_summary"]
            if reads["conversation"]["resolution_summary"]
            else []
        ),
        ("contact:message:read", "conversation", cid): ["messages.text"],
        ("contact:customer:read", "customer", customer): _customer_fields(reads["customer"]),
        ("contact:customer:history", "customer", customer): _customer_fields(
            reads["history"]["customer"]
        ),
        ("contact:customer:lookup", "customer", customer): _customer_fields(
            reads["lookup"]["customer"]
        ),
        ("contact:ticket:read", "ticket", journey.ticket_id): ["ticket.subject"],
    }
    for (action, object_type, object_id), fields in expected.items():
        row = _one(rows, action, object_type=object_type, object_id=object_id)
        assert row["fields"] == fields, action
        assert row["customer_id"] == customer, action
        assert row["actor_id"] == world.acme.users["agent"].actor_id
    assert "customer.name" in expected[("contact:customer:read", "customer", customer)]
    listed = _one(rows, "contact:ticket:read", object_type="conversation")
    assert (listed["fields"], listed["customer_id"]) == (["ticket.subject"], customer)
    assert _one(rows, "contact:customer:history")["detail"]["via_conversation"] == cid
    assert set(_one(rows, "contact:customer:lookup")["detail"]) == {"conversations"}


def test_a_refused_read_names_the_customer_asked_for(journey, world) -> None:
    denied = _one(_rows(world), "access:decision:deny", object_id=journey.conversation_id)
    assert denied["actor_id"] == world.acme.users["agent2"].actor_id
    assert (denied["outcome"], denied["customer_id"]) == ("denied", journey.customer_id)
    assert denied["detail"]["permission"] == "contact:conversation:read_assigned"


LIMITED = """
version: 1
reveal:
  roles: [agent]
  per_hour: 1
"""


def test_a_reveal_refused_by_the_hourly_limit_names_its_conversation_and_customer(
    world, gateway, clock
) -> None:
    app = create_app(world.runtime, policy=parse_policy(LIMITED, source="test"))
    with TestClient(app, base_url="https://testserver") as client:
        call = _ok(
            client.post(
                f"{API}/conversations",
                json={"phone": PHONE, "channel": "chat", "agent": "agent"},
                headers=gateway,
            ),
            201,
        )
        agent = _headers(_ok(_login_raw(client, "agent"))["token"])
        secret = _ok(client.post(f"{API}/me/totp", headers=agent), 201)["secret"]
        code = {"code": pyotp.TOTP(secret).at(clock.now())}
        _ok(client.post(f"{API}/me/totp/confirm", json=code, headers=agent))
        reveal = {"target": "customer.phones", "reason": REASON}
        url = f"{API}/conversations/{call['id']}/reveal"
        _ok(client.post(url, json=reveal, headers=agent))
        assert client.post(url, json=reveal, headers=agent).status_code == 429
    refused = _one(_rows(world), "contact:value:reveal", outcome="denied")
    assert (refused["object_type"], refused["object_id"]) == ("conversation", call["id"])
    assert refused["customer_id"] == call["customer_id"]
    assert refused["detail"]["reason"] == "rate_limited"


def test_every_write_names_its_customer(journey, world) -> None:
    rows = _rows(world)
    customer, cid = journey.customer_id, journey.conversation_id
    created = _one(rows, "contact:customer:create", object_id=customer)
    assert created["fields"] == [
        "customer.email",
        "customer.id_number",
        "customer.name",
        "customer.phones",
    ]
    expected = {
        "contact:customer:create": ("customer", customer),
        "contact:conversation:create": ("conversation", cid),
        "contact:message:append": ("conversation", cid),
        "contact:ticket:create": ("ticket", journey.ticket_id),
        "contact:conversation:assign": ("conversation", cid),
        "contact:conversation:wrap_up": ("conversation", cid),
        "contact:conversation:close": ("conversation", cid),
        "contact:customer:erase": ("customer", customer),
    }
    for action, (object_type, object_id) in expected.items():
        row = _one(rows, action)
        assert (row["object_type"], row["object_id"]) == (object_type, object_id), action
        assert row["customer_id"] == customer, action
        assert row["outcome"] == "success", action
    assert _one(rows, "contact:message:append")["fields"] == ["messages.text"]
    assert set(_one(rows, "contact:message:append")["detail"]) == {"count", "first_seq", "last_seq"}
    assert _one(rows, "contact:conversation:close")["fields"] == [
        "conversation.disposition",
        "conversation.resolution_summary",
        "conversation.satisfaction",
    ]
    erased = _one(rows, "contact:customer:erase")
    assert erased["actor_id"] == world.acme.users["privacy_officer"].actor_id
    shredded = _one(rows, "crypto:key:destroy", object_type="customer")
    assert (shredded["customer_id"], shredded["detail"]) == (customer, {"keys": "dek:all"})


def test_a_reveal_records_its_customer_field_and_redacted_reason(journey, world) -> None:
    reveal = _one(_rows(world), "contact:value:reveal")
    assert reveal["customer_id"] == journey.customer_id
    assert reveal["fields"] == ["customer.phones"]
    assert set(reveal["detail"]) == {"reason", "target", "conversation_id"}
    assert reveal["detail"]["reason"] == (
        "customer disputes a charge; confirm the number [CN_MOBILE] on file"
    )


def test_grants_requested_approved_denied_revoked_and_expired(journey, world) -> None:
    rows = _rows(world)
    agent2 = world.acme.users["agent2"].actor_id
    officer = world.acme.users["security_officer"].actor_id
    keys = {"user_id", "permission", "scope_type", "scope_id", "status"}
    requests = _of(rows, "access:grant:request", actor_id=agent2)
    assert len(requests) == 3
    assert all(set(r["detail"]) == keys | {"duration_minutes"} for r in requests)
    for action, actor in (
        ("access:grant:approve", officer),
        ("access:grant:deny", officer),
        ("access:grant:revoke", agent2),
        ("access:grant:expire", "grants"),
        ("access:grant:read", agent2),
    ):
        row = _one(rows, action)
        assert row["actor_id"] == actor, action
        assert set(row["detail"]) == keys, action
        assert row["detail"]["scope_id"] == journey.conversation_id
    assert _one(rows, "access:grant:expire")["actor_type"] == "system"


def test_permission_and_policy_changes(journey, world) -> None:
    rows = _rows(world)
    moved = _one(rows, "identity:scim:set_role")
    assert moved["object_id"] == world.acme.users["agent2"].actor_id
    assert (moved["detail"]["from"], moved["detail"]["to"]) == ("agent", "intern")
    assert set(moved["detail"]) == {"from", "to", "sessions_revoked"}
    tenant = _one(rows, "tenancy:tenant:second_factor")
    assert (tenant["object_id"], tenant["detail"]) == (world.acme.id, {"roles": ["admin"]})
    policy = _one(rows, "crypto:key:policy", tenant_id=world.acme.id)
    assert policy["detail"]["policy"]["kek_rotation_days"] == 30


def test_key_operations(journey, world) -> None:
    rows = [r for r in _rows(world) if r["tenant_id"] == world.acme.id]
    created = [r["detail"]["keys"] for r in _of(rows, "crypto:key:create")]
    # The tenant's first keys are created by the operator, in the platform log.
    assert created == [["kek:v2"]]
    assert _of(rows, "crypto:key:rotate")
    assert [r["detail"]["keys"] for r in _of(rows, "crypto:key:retire")] == [["kek:v1"]]
    destroyed = [r["detail"]["keys"] for r in _of(rows, "crypto:key:destroy", object_type="key")]
    assert destroyed == [["kek:v1"]]
    check = _one(rows, "crypto:key:check")
    assert (check["outcome"], check["detail"]) == ("success", {"failed": 0})


def test_a_key_file_passphrase_change_is_recorded_in_the_platform_log(world) -> None:
    env = _cli_env(world.runtime)
    secret = "a passphrase long enough"
    runner = CliRunner()
    added = runner.invoke(cli_app, ["keys", "passphrase", "--stdin"], input=secret + "\n", env=env)
    assert added.exit_code == 0, added.output
    env["ANXIN_KEY_PASSPHRASE"] = secret
    removed = runner.invoke(cli_app, ["keys", "passphrase", "--remove"], env=env)
    assert removed.exit_code == 0, removed.output
    rows = _of(_rows(world), "crypto:key:passphrase")
    assert [(r["tenant_id"], r["actor_type"], r["object_id"]) for r in rows] == [
        (None, "operator", "key_file")
    ] * 2
    assert [r["detail"] for r in rows] == [{"passphrase": "changed"}, {"passphrase": "removed"}]


def test_init_records_the_keys_it_creates_and_not_the_ones_it_keeps(
    runtime, settings, clock, tmp_path: Path
) -> None:
    # `runtime` empties the PostgreSQL database afterwards; SQLite gets a new file in `home`.
    fresh = settings.model_copy(update={"home": tmp_path / "fresh"})
    initialize(fresh, clock=clock)
    initialize(fresh, clock=clock)
    engine = create_db_engine(fresh.effective_database_url)
    try:
        with Database(engine).unit_of_work(tenant_id=None) as session:
            made = session.scalars(
                select(AuditEvent).where(AuditEvent.action == "crypto:key:create")
            ).all()
            rows = [(e.tenant_id, e.actor_type, e.actor_id, e.detail) for e in made]
    finally:
        engine.dispose()
    assert rows == [(None, "operator", "init", {"keys": ["key_file", "audit_signing_key"]})]


def test_the_configuration_in_effect_is_recorded_by_path_and_digest(world, tmp_path: Path) -> None:
    rt = world.runtime
    policy = tmp_path / "masking.yaml"
    policy.write_text("version: 1\n", encoding="utf-8")
    settings = rt.settings.model_copy(update={"masking_policy": policy})
    record_configuration(dataclasses.replace(rt, settings=settings))
    rows = _of(_rows(world), "platform:config:load")
    by_setting = {r["object_id"]: r for r in rows}
    assert set(by_setting) == {"masking_policy", "pii_recognizers"}
    assert all(r["tenant_id"] is None and r["object_type"] == "config" for r in rows)
    assert by_setting["masking_policy"]["detail"] == {
        "source": "file",
        "path": str(policy),
        "sha256": hashlib.sha256(policy.read_bytes()).hexdigest(),
    }
    assert by_setting["pii_recognizers"]["detail"] == {
        "source": "builtin",
        "path": None,
        "sha256": None,
    }


def test_no_row_carries_a_personal_value_or_a_secret(journey, world) -> None:
    rows = _rows(world)
    assert len(rows) > 60
    forbidden = journey.secrets | journey.personal
    # A six-digit TOTP code can occur inside any hex id by chance: short values must not be a
    # recorded value; longer ones must not occur anywhere inside one.
    short = {value for value in forbidden if len(value) < 8}
    for row in rows:
        recorded = [row["fields"], row["object_id"], row["actor_id"], row["customer_id"]]
        for leaf in _strings([row["detail"], *recorded]):
            leaked = sorted(v for v in forbidden - short if v in leaf) + sorted(short & {leaf})
            assert not leaked, (row["action"], leaked)


def _strings(value: Any) -> list[str]:
    """Every string inside a JSON value, keys included."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (str(k), *_strings(v))]
    if isinstance(value, list | tuple):
        return [s for item in value for s in _strings(item)]
    return []


def test_every_action_of_the_vocabulary_is_documented() -> None:
    """docs/audit.md "What is recorded" names each action an event can carry."""
    text = (Path(__file__).parents[2] / "docs" / "audit.md").read_text(encoding="utf-8")
    section = text.split("## What is recorded", 1)[1].split("\n## ", 1)[0]
    missing = [a.value for a in AuditAction if f"`{a.value}`" not in section]
    assert not missing
