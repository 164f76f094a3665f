"""Passkeys from the outside, with a real software authenticator (tests/identity): registration,
a passkey completing a pending login, and every way an assertion must be refused."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from tests.identity.soft_authenticator import SoftAuthenticator, b64url

from anxin.audit.models import AuditEvent

PASSWORD = "correct horse battery staple"
API = "/api/v1"


def _login(client, username: str = "agent"):
    response = client.post(
        f"{API}/auth/login", json={"tenant": "acme", "username": username, "password": PASSWORD}
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}, response.json()


def _register(client, headers, authenticator: SoftAuthenticator, name: str = "laptop", **kw):
    options = client.post(f"{API}/me/passkeys/options", headers=headers)
    assert options.status_code == 200, options.text
    credential = authenticator.create(options.json(), **kw)
    return client.post(
        f"{API}/me/passkeys", json={"name": name, "credential": credential}, headers=headers
    )


def _assert(client, headers, authenticator: SoftAuthenticator, **kw):
    options = client.post(f"{API}/auth/passkey/options", headers=headers)
    assert options.status_code == 200, options.text
    credential = authenticator.get(options.json(), **kw)
    return client.post(f"{API}/auth/passkey", json={"credential": credential}, headers=headers)


def _events(world, action: str) -> list[AuditEvent]:
    with world.runtime.db.unit_of_work(tenant_id=None) as session:
        query = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        return list(session.scalars(query))


def _failed_passkey_checks(world) -> int:
    return sum(
        1
        for e in _events(world, "identity:second_factor:verify")
        if e.outcome == "failed" and e.detail == {"method": "passkey"}
    )


def test_a_registered_passkey_completes_the_next_login(client, world) -> None:
    headers, first = _login(client)
    assert first["second_factor"] == "none"
    options = client.post(f"{API}/me/passkeys/options", headers=headers).json()
    assert options["rp"] == {"id": "localhost", "name": "Anxin"}
    assert options["authenticatorSelection"]["userVerification"] == "required"
    assert options["hints"] == ["client-device"]  # a platform authenticator preferred
    assert options["excludeCredentials"] == []
    authenticator = SoftAuthenticator()
    credential = authenticator.create(options)
    made = client.post(
        f"{API}/me/passkeys",
        json={"name": "work laptop", "credential": credential},
        headers=headers,
    )
    assert made.status_code == 201, made.text
    assert made.json()["name"] == "work laptop"
    (listed,) = client.get(f"{API}/me/passkeys", headers=headers).json()
    assert listed == made.json()
    assert listed["last_used_at"] is None
    (registered,) = _events(world, "identity:passkey:register")
    assert registered.outcome == "success"
    # The existing passkey is excluded from the next registration's options.
    again = client.post(f"{API}/me/passkeys/options", headers=headers).json()
    assert again["excludeCredentials"] == [
        {"id": b64url(authenticator.credential_id), "type": "public-key"}
    ]

    # A passkey alone makes the second factor required at the next login.
    pending, answer = _login(client)
    assert answer["second_factor"] == "required"
    assert client.get(f"{API}/me", headers=pending).json()["code"] == (
        "identity.second_factor_required"
    )
    assertion_options = client.post(f"{API}/auth/passkey/options", headers=pending).json()
    assert assertion_options["userVerification"] == "required"
    assert [c["id"] for c in assertion_options["allowCredentials"]] == [
        b64url(authenticator.credential_id)
    ]
    assertion = authenticator.get(assertion_options)
    verified = client.post(f"{API}/auth/passkey", json={"credential": assertion}, headers=pending)
    assert verified.status_code == 200, verified.text
    assert set(verified.json()) == {"verified_at", "step_up_until"}
    assert client.get(f"{API}/me", headers=pending).status_code == 200
    (used,) = client.get(f"{API}/me/passkeys", headers=pending).json()
    assert used["last_used_at"] is not None
    methods = [e.detail for e in _events(world, "identity:second_factor:verify")]
    assert methods == [{"method": "passkey"}]

    # The same assertion again: its challenge is spent.
    replayed = _login(client)[0]
    again_sent = client.post(
        f"{API}/auth/passkey", json={"credential": assertion}, headers=replayed
    )
    assert again_sent.status_code == 401
    assert again_sent.json()["code"] == "identity.second_factor_invalid"
    # A fresh signature over the same (spent) challenge is no better.
    resigned = authenticator.get(assertion_options)
    refused = client.post(f"{API}/auth/passkey", json={"credential": resigned}, headers=replayed)
    assert refused.status_code == 401
    assert client.get(f"{API}/me", headers=replayed).status_code == 401
    assert _failed_passkey_checks(world) == 2


def test_an_assertion_without_user_verification_is_refused(client, world) -> None:
    authenticator = SoftAuthenticator()
    headers, _ = _login(client)
    assert _register(client, headers, authenticator).status_code == 201
    pending, _ = _login(client)
    refused = _assert(client, pending, authenticator, user_verified=False)
    assert refused.status_code == 401
    assert refused.json()["code"] == "identity.second_factor_invalid"
    assert client.get(f"{API}/me", headers=pending).status_code == 401
    assert _failed_passkey_checks(world) == 1
    assert _assert(client, pending, authenticator).status_code == 200


def test_an_assertion_from_another_origin_is_refused(client, world) -> None:
    authenticator = SoftAuthenticator()
    headers, _ = _login(client)
    assert _register(client, headers, authenticator).status_code == 201
    pending, _ = _login(client)
    phished = _assert(client, pending, authenticator, origin="https://anxin.example.net")
    assert phished.status_code == 401
    assert _failed_passkey_checks(world) == 1


def test_another_users_passkey_is_refused(client, world) -> None:
    mine, theirs = SoftAuthenticator(), SoftAuthenticator()
    agent, _ = _login(client, "agent")
    assert _register(client, agent, mine).status_code == 201
    agent2, _ = _login(client, "agent2")
    assert _register(client, agent2, theirs).status_code == 201
    pending, _ = _login(client, "agent")
    # agent2's credential, validly signed over agent's challenge: not agent's passkey.
    refused = _assert(client, pending, theirs)
    assert refused.status_code == 401
    assert client.get(f"{API}/me", headers=pending).status_code == 401
    # An unknown credential (never registered) likewise.
    assert _assert(client, pending, SoftAuthenticator()).status_code == 401
    assert _failed_passkey_checks(world) == 2


def test_an_expired_challenge_is_refused(client, world, clock) -> None:
    authenticator = SoftAuthenticator()
    headers, _ = _login(client)
    assert _register(client, headers, authenticator).status_code == 201
    pending, _ = _login(client)
    options = client.post(f"{API}/auth/passkey/options", headers=pending).json()
    clock.advance(dt.timedelta(minutes=6))
    late = client.post(
        f"{API}/auth/passkey", json={"credential": authenticator.get(options)}, headers=pending
    )
    assert late.status_code == 401
    assert _failed_passkey_checks(world) == 1


def test_a_counter_that_does_not_go_up_is_refused(client) -> None:
    authenticator = SoftAuthenticator()
    headers, _ = _login(client)
    assert _register(client, headers, authenticator).status_code == 201
    pending, _ = _login(client)
    assert _assert(client, pending, authenticator).status_code == 200
    cloned = _login(client)[0]
    assert _assert(client, cloned, authenticator, count=False).status_code == 401


def test_registration_needs_user_verification_and_a_fresh_challenge(client, world) -> None:
    headers, _ = _login(client)
    unverified = _register(client, headers, SoftAuthenticator(), user_verified=False)
    assert unverified.status_code == 401
    assert unverified.json()["code"] == "identity.second_factor_invalid"
    wrong_origin = _register(client, headers, SoftAuthenticator(), origin="https://evil.example")
    assert wrong_origin.status_code == 401
    options = client.post(f"{API}/me/passkeys/options", headers=headers).json()
    authenticator = SoftAuthenticator()
    body = {"name": "phone", "credential": authenticator.create(options)}
    assert client.post(f"{API}/me/passkeys", json=body, headers=headers).status_code == 201
    body["credential"] = SoftAuthenticator().create(options)  # the spent challenge again
    assert client.post(f"{API}/me/passkeys", json=body, headers=headers).status_code == 401
    assert len(client.get(f"{API}/me/passkeys", headers=headers).json()) == 1
    assert len(_events(world, "identity:passkey:register")) == 1


def test_a_pending_session_cannot_add_a_factor_around_its_passkey(client) -> None:
    headers, _ = _login(client)
    assert _register(client, headers, SoftAuthenticator()).status_code == 201
    pending, _ = _login(client)
    for path in ("/me/passkeys/options", "/me/totp"):
        refused = client.post(f"{API}{path}", headers=pending)
        assert refused.status_code == 401, path
        assert refused.json()["code"] == "identity.second_factor_required"


def test_deleting_a_passkey_needs_a_step_up(client, world, clock) -> None:
    authenticator = SoftAuthenticator()
    headers, _ = _login(client)
    made = _register(client, headers, authenticator)
    assert made.status_code == 201
    passkey = made.json()["id"]
    clock.advance(dt.timedelta(minutes=6))  # the registration's verification is stale now
    stale = client.delete(f"{API}/me/passkeys/{passkey}", headers=headers)
    assert stale.status_code == 403
    assert stale.json()["code"] == "step_up_required"
    assert _assert(client, headers, authenticator).status_code == 200
    # Someone else's passkey is not found, whatever its id.
    agent2, _ = _login(client, "agent2")
    assert _register(client, agent2, SoftAuthenticator()).status_code == 201
    assert client.delete(f"{API}/me/passkeys/{passkey}", headers=agent2).status_code == 404
    deleted = client.delete(f"{API}/me/passkeys/{passkey}", headers=headers)
    assert deleted.status_code == 204, deleted.text
    assert client.get(f"{API}/me/passkeys", headers=headers).json() == []
    (event,) = _events(world, "identity:passkey:delete")
    assert event.outcome == "success"
    assert _login(client)[1]["second_factor"] == "none"
