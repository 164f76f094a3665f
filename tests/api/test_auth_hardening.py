"""Login hardening and second factors from the outside: lockout, throttling, client binding,
revoking every session, TOTP (with a standard authenticator), recovery codes, rehashing."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import pyotp
from sqlalchemy import select, update

from anxin.audit.models import AuditEvent
from anxin.identity import secrets
from anxin.identity.models import User
from anxin.tenancy.models import Tenant

PASSWORD = "correct horse battery staple"
LOGIN = "/api/v1/auth/login"


def _login(client, username: str, password: str = PASSWORD, **headers: str):
    return client.post(
        LOGIN,
        json={"tenant": "acme", "username": username, "password": password},
        headers=headers,
    )


def _bearer(response) -> dict[str, str]:
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def _agent(world):
    return User.id == world.acme.users["agent"].actor_id


def _actions(world, action: str) -> list[AuditEvent]:
    with world.runtime.db.unit_of_work(tenant_id=None) as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_five_failures_lock_the_account_even_for_the_right_password(client, world, clock) -> None:
    for _ in range(5):
        assert _login(client, "agent", "wrong password!").status_code == 401
    locked = _login(client, "agent")
    assert locked.status_code == 423
    assert locked.json()["code"] == "identity.account_locked"
    assert locked.headers["Retry-After"] == str(15 * 60)
    assert PASSWORD not in locked.text
    (lock,) = _actions(world, "identity:user:lock")
    assert lock.detail["failed_logins"] == 5
    reasons = [e.detail["reason"] for e in _actions(world, "identity:session:login") if e.detail]
    assert reasons.count("account_locked") == 1
    clock.advance(dt.timedelta(minutes=15))
    assert _login(client, "agent").status_code == 200  # the cool-down is over
    with world.runtime.db.unit_of_work(tenant_id=None) as session:
        user = session.get(User, world.acme.users["agent"].actor_id)
        assert user is not None
        assert (user.failed_logins, user.locked_until) == (0, None)


def test_a_security_officer_unlocks_with_step_up(client, stepped_up, login) -> None:
    for _ in range(5):
        _login(client, "agent", "wrong password!")
    assert _login(client, "agent").status_code == 423
    assert client.post("/api/v1/users/agent/unlock", headers=login("admin")).status_code == 403
    not_stepped = client.post("/api/v1/users/agent/unlock", headers=login("security-officer"))
    assert not_stepped.json()["code"] == "step_up_required"
    unlocked = client.post("/api/v1/users/agent/unlock", headers=stepped_up("security-officer"))
    assert unlocked.status_code == 200, unlocked.text
    assert unlocked.json()["locked_until"] is None
    assert _login(client, "agent").status_code == 200


def test_many_failures_from_one_address_block_it_for_every_account(client, world) -> None:
    for n in range(20):
        assert _login(client, f"nobody-{n}", "wrong password!").status_code == 401
    blocked = _login(client, "agent")
    assert blocked.status_code == 429
    assert blocked.json()["code"] == "identity.too_many_attempts"
    assert int(blocked.headers["Retry-After"]) > 0


def test_a_token_is_refused_from_another_client(client) -> None:
    headers = _bearer(_login(client, "agent", **{"User-Agent": "desk-app/1.0"}))
    same = client.get("/api/v1/me", headers={**headers, "User-Agent": "desk-app/1.0"})
    assert same.status_code == 200
    other = client.get("/api/v1/me", headers={**headers, "User-Agent": "curl/8.0"})
    assert other.status_code == 401
    assert other.json()["code"] == "identity.session_invalid"


def test_revoking_every_session_takes_effect_on_the_next_request(client, login, stepped_up) -> None:
    first, second = login("agent"), login("agent")
    response = client.post(
        "/api/v1/users/agent/sessions/revoke", headers=stepped_up("security-officer")
    )
    assert response.status_code == 200, response.text
    assert response.json()["sessions_revoked"] == 2
    assert client.get("/api/v1/me", headers=first).status_code == 401
    assert client.get("/api/v1/me", headers=second).status_code == 401
    assert (
        client.post("/api/v1/users/agent/sessions/revoke", headers=login("agent")).status_code
        == 403
    )


def test_totp_enrolment_login_replay_and_recovery_codes(client, login, world, clock) -> None:
    headers = login("agent")
    enrolled = client.post("/api/v1/me/totp", headers=headers).json()
    assert enrolled["otpauth_uri"].startswith("otpauth://totp/Anxin:agent?secret=")
    assert "issuer=Anxin" in enrolled["otpauth_uri"]
    assert enrolled["qr_svg"].startswith("<svg")
    totp = pyotp.TOTP(enrolled["secret"])
    wrong = client.post("/api/v1/me/totp/confirm", json={"code": "000000"}, headers=headers)
    assert wrong.status_code == 401
    assert wrong.json()["code"] == "identity.second_factor_invalid"
    confirmed = client.post(
        "/api/v1/me/totp/confirm", json={"code": totp.at(clock.now())}, headers=headers
    )
    codes = confirmed.json()["recovery_codes"]
    assert len(codes) == 10
    assert len(set(codes)) == 10

    pending = _bearer(_login(client, "agent"))
    assert client.get("/api/v1/me", headers=pending).json()["code"] == (
        "identity.second_factor_required"
    )
    replayed = client.post(
        "/api/v1/auth/second-factor", json={"code": totp.at(clock.now())}, headers=pending
    )
    assert replayed.status_code == 401  # that step's code was used to confirm
    clock.advance(dt.timedelta(seconds=30))
    verified = client.post(
        "/api/v1/auth/second-factor", json={"code": totp.at(clock.now())}, headers=pending
    )
    assert verified.status_code == 200, verified.text
    assert client.get("/api/v1/me", headers=pending).status_code == 200

    by_recovery = _bearer(_login(client, "agent"))
    body = {"recovery_code": codes[0].upper()}
    assert (
        client.post("/api/v1/auth/second-factor", json=body, headers=by_recovery).status_code == 200
    )
    again = _bearer(_login(client, "agent"))
    assert client.post("/api/v1/auth/second-factor", json=body, headers=again).status_code == 401
    failures = [
        e for e in _actions(world, "identity:second_factor:verify") if e.outcome == "failed"
    ]
    assert len(failures) == 3  # the wrong confirm, the replay, the reused recovery code


def test_codes_from_oathtool_are_accepted(client, login, clock) -> None:
    headers = login("agent")
    secret = client.post("/api/v1/me/totp", headers=headers).json()["secret"]
    when = clock.now().strftime("%Y-%m-%d %H:%M:%S UTC")
    oathtool = shutil.which("oathtool")
    assert oathtool is not None, "oathtool is missing: `make test` installs it (Debian: oathtool)"
    code = subprocess.run(
        [oathtool, "--totp", "-b", f"--now={when}", secret],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    confirmed = client.post("/api/v1/me/totp/confirm", json={"code": code}, headers=headers)
    assert confirmed.status_code == 200, confirmed.text


def test_a_role_the_tenant_requires_it_for_must_enrol_before_anything_else(
    client, world, clock
) -> None:
    with world.runtime.db.unit_of_work(tenant_id=None) as session:
        session.execute(
            update(Tenant).where(Tenant.id == world.acme.id).values(second_factor_roles=["admin"])
        )
    admin = _bearer(_login(client, "admin"))
    assert _login(client, "admin").json()["second_factor"] == "required"
    assert client.get("/api/v1/users", headers=admin).json()["code"] == (
        "identity.second_factor_required"
    )
    secret = client.post("/api/v1/me/totp", headers=admin).json()["secret"]
    code = pyotp.TOTP(secret).at(clock.now())
    assert (
        client.post("/api/v1/me/totp/confirm", json={"code": code}, headers=admin).status_code
        == 200
    )
    assert client.get("/api/v1/users", headers=admin).status_code == 200
    assert _login(client, "agent").json()["second_factor"] == "none"


def test_a_hash_made_with_old_parameters_is_upgraded_at_login(client, world) -> None:
    old = secrets.PasswordHasher(time_cost=1, memory_cost=32, parallelism=1).hash(PASSWORD)
    with world.runtime.db.unit_of_work(tenant_id=None) as session:
        session.execute(update(User).where(_agent(world)).values(password_hash=old))
    assert _login(client, "agent").status_code == 200
    with world.runtime.db.unit_of_work(tenant_id=None) as session:
        stored = session.scalars(select(User.password_hash).where(_agent(world))).one()
    assert stored != old
    assert not secrets.needs_rehash(stored)


def test_after_the_leave_date_no_login_and_no_session(client, world, clock) -> None:
    headers = _bearer(_login(client, "agent"))
    today = clock.now().date()
    with world.runtime.db.unit_of_work(tenant_id=None) as session:
        session.execute(update(User).where(_agent(world)).values(leave_on=today))
    assert client.get("/api/v1/me", headers=headers).status_code == 200  # the last working day
    clock.advance(dt.timedelta(days=1))
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    assert _login(client, "agent").status_code == 401


def test_a_frozen_account_loses_its_sessions_and_logs_in_only_after_unfreezing(
    client, login, stepped_up, world
) -> None:
    session = login("agent")
    officer = stepped_up("security-officer")
    assert client.post("/api/v1/users/agent/freeze", headers=login("admin")).status_code == 403
    frozen = client.post("/api/v1/users/agent/freeze", headers=officer)
    assert frozen.status_code == 200, frozen.text
    assert frozen.json()["sessions_revoked"] == 1
    assert client.get("/api/v1/me", headers=session).status_code == 401
    refused = _login(client, "agent")
    assert refused.status_code == 423
    assert refused.json()["code"] == "identity.account_frozen"
    assert "Retry-After" not in refused.headers  # no cool-down ends a freeze
    assert len(_actions(world, "identity:user:freeze")) == 1
    assert client.post("/api/v1/users/agent/unlock", headers=officer).status_code == 200
    assert _login(client, "agent").status_code == 200


def test_a_truncated_or_altered_token_is_refused_and_audited(client, login, world) -> None:
    token = login("agent")["Authorization"].removeprefix("Bearer ")
    for forged in (token[:-1], token[:20], token[:-1] + ("A" if token[-1] != "A" else "B")):
        response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {forged}"})
        assert response.status_code == 401
        assert response.json()["code"] == "identity.session_invalid"
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    refused = _actions(world, "identity:session:refuse")
    assert [(e.outcome, e.detail["reason"]) for e in refused] == [("denied", "session_invalid")] * 3
    assert client.get("/api/v1/me").status_code == 401  # no token at all: not a row
    assert len(_actions(world, "identity:session:refuse")) == 3
