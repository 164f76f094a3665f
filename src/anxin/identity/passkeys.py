"""Passkeys (WebAuthn, through py_webauthn): registration, assertion, listing and removal.

A passkey is a second factor like a TOTP authenticator: an assertion with the user-verified flag
(a platform authenticator's fingerprint, face or PIN check: the biometric second verification)
completes a login that waits for its second factor, or is a step-up. Registration requires user
verification too and counts as this session's verification, as confirming TOTP does.

Every ceremony starts with options that carry a fresh random challenge, stored in
`auth_challenges` for this user and purpose ("register" or "assert"), valid for five minutes
and used at most once: it is spent as soon as a response naming it arrives, right or wrong. The
library checks the origin, the relying-party id hash, the user-present and user-verified flags,
the signature and that the signature counter went up (unless the authenticator keeps none).
Only public keys are stored; there is nothing secret here to seal.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import secrets
from typing import Any

import webauthn
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session
from webauthn.helpers import (
    parse_authentication_credential_json,
    parse_client_data_json,
    parse_registration_credential_json,
)
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    PublicKeyCredentialHint,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from anxin.audit.actions import AuditAction
from anxin.identity import second_factor
from anxin.identity.errors import (
    SecondFactorInvalid,
    SecondFactorNotEnrolled,
    SecondFactorRequired,
)
from anxin.identity.models import AuthChallenge, WebAuthnCredential
from anxin.kernel.clock import Clock
from anxin.kernel.errors import Conflict, NotFound
from anxin.kernel.ids import new_id
from anxin.kernel.principal import Principal

REGISTER = "register"
ASSERT = "assert"
CHALLENGE_BYTES = 32
MAX_PASSKEYS = 20
# What the browser is told to wait for the user, in milliseconds (a hint).
TIMEOUT_MS = 120_000
# Anything malformed in a browser's response: refused like a wrong signature.
_MALFORMED = (WebAuthnException, ValueError, KeyError, TypeError)


@dataclasses.dataclass(frozen=True, slots=True)
class PasskeyPolicy:
    rp_id: str
    rp_name: str
    origin: str
    challenge_lifetime: dt.timedelta = dt.timedelta(minutes=5)


def registration_options(
    session: Session, *, principal: Principal, policy: PasskeyPolicy, clock: Clock
) -> str:
    """Options for navigator.credentials.create(), as JSON: user verification required, a
    platform authenticator preferred, the user's existing passkeys excluded."""
    user, tenant_id = second_factor.user_of(session, principal)
    _refuse_while_pending_with_factor(session, principal, user.id)
    existing = _credentials(session, user.id)
    if len(existing) >= MAX_PASSKEYS:
        raise Conflict(f"at most {MAX_PASSKEYS} passkeys per user; delete one first")
    challenge = _new_challenge(session, tenant_id, user.id, REGISTER, policy, clock.now())
    options = webauthn.generate_registration_options(
        rp_id=policy.rp_id,
        rp_name=policy.rp_name,
        user_id=user.id.encode(),
        user_name=user.username,
        user_display_name=user.display_name or user.username,
        challenge=challenge,
        timeout=TIMEOUT_MS,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.REQUIRED,
        ),
        hints=[PublicKeyCredentialHint.CLIENT_DEVICE],
        exclude_credentials=[_descriptor(c) for c in existing],
    )
    return webauthn.options_to_json(options)


def register(
    session: Session,
    *,
    principal: Principal,
    policy: PasskeyPolicy,
    clock: Clock,
    name: str,
    credential: dict[str, Any],
) -> WebAuthnCredential | SecondFactorInvalid:
    """Verify the browser's answer to the registration options and keep the public key. A
    failure is returned, not raised, so its audit event (and the spent challenge) commit."""
    user, tenant_id = second_factor.user_of(session, principal)
    _refuse_while_pending_with_factor(session, principal, user.id)
    now = clock.now()
    try:
        parsed = parse_registration_credential_json(credential)
        challenge = parse_client_data_json(parsed.response.client_data_json).challenge
    except _MALFORMED:
        return second_factor.refused(session, principal, user.id, now, "passkey_register")
    if not _spend_challenge(session, user.id, REGISTER, challenge, now):
        return second_factor.refused(session, principal, user.id, now, "passkey_register")
    try:
        verified = webauthn.verify_registration_response(
            credential=parsed,
            expected_challenge=challenge,
            expected_rp_id=policy.rp_id,
            expected_origin=policy.origin,
            require_user_verification=True,
        )
    except _MALFORMED:
        return second_factor.refused(session, principal, user.id, now, "passkey_register")
    taken = select(WebAuthnCredential.id).where(
        WebAuthnCredential.credential_id == verified.credential_id
    )
    if session.scalar(taken) is not None:
        raise Conflict("this passkey is already registered")
    stored = WebAuthnCredential(
        id=new_id(),
        tenant_id=tenant_id,
        user_id=user.id,
        credential_id=verified.credential_id,
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        transports=[t.value for t in parsed.response.transports or []],
        name=name,
        created_at=now,
    )
    session.add(stored)
    session.flush()
    second_factor.mark_verified(session, principal, now)
    second_factor.audit(session, principal, AuditAction.PASSKEY_REGISTER, user.id, now)
    return stored


def list_passkeys(session: Session, *, principal: Principal) -> list[WebAuthnCredential]:
    user, _ = second_factor.user_of(session, principal)
    return _credentials(session, user.id)


def delete_passkey(
    session: Session,
    *,
    principal: Principal,
    clock: Clock,
    step_up: dt.timedelta,
    passkey_id: str,
) -> None:
    """Remove one of the caller's passkeys; a sensitive action, so it needs a step-up."""
    user, _ = second_factor.user_of(session, principal)
    now = clock.now()
    second_factor.require_step_up(principal, now=now, within=step_up)
    found = session.scalar(
        select(WebAuthnCredential).where(
            WebAuthnCredential.id == passkey_id, WebAuthnCredential.user_id == user.id
        )
    )
    if found is None:
        raise NotFound("no such passkey of yours")
    session.delete(found)
    second_factor.audit(
        session, principal, AuditAction.PASSKEY_DELETE, user.id, now, method="passkey"
    )


def assertion_options(
    session: Session, *, principal: Principal, policy: PasskeyPolicy, clock: Clock
) -> str:
    """Options for navigator.credentials.get(), as JSON: the caller's passkeys only, user
    verification required."""
    user, tenant_id = second_factor.user_of(session, principal)
    existing = _credentials(session, user.id)
    if not existing:
        raise SecondFactorNotEnrolled("no passkey; register one with POST /api/v1/me/passkeys")
    challenge = _new_challenge(session, tenant_id, user.id, ASSERT, policy, clock.now())
    options = webauthn.generate_authentication_options(
        rp_id=policy.rp_id,
        challenge=challenge,
        timeout=TIMEOUT_MS,
        allow_credentials=[_descriptor(c) for c in existing],
        user_verification=UserVerificationRequirement.REQUIRED,
    )
    return webauthn.options_to_json(options)


def verify_assertion(
    session: Session,
    *,
    principal: Principal,
    policy: PasskeyPolicy,
    clock: Clock,
    credential: dict[str, Any],
) -> SecondFactorInvalid | None:
    """Check a passkey assertion for the caller's session, like a TOTP code: after a password
    login, or as a step-up. A failure is returned, not raised, so its audit event commits."""
    user, _ = second_factor.user_of(session, principal)
    if not _credentials(session, user.id):
        raise SecondFactorNotEnrolled("no passkey; register one with POST /api/v1/me/passkeys")
    now = clock.now()
    try:
        parsed = parse_authentication_credential_json(credential)
        challenge = parse_client_data_json(parsed.response.client_data_json).challenge
    except _MALFORMED:
        return second_factor.refused(session, principal, user.id, now, "passkey")
    # Only the caller's own passkeys: another user's (even a valid signature) is unknown here.
    stored = session.scalar(
        select(WebAuthnCredential).where(
            WebAuthnCredential.credential_id == parsed.raw_id,
            WebAuthnCredential.user_id == user.id,
        )
    )
    if not _spend_challenge(session, user.id, ASSERT, challenge, now) or stored is None:
        return second_factor.refused(session, principal, user.id, now, "passkey")
    try:
        verified = webauthn.verify_authentication_response(
            credential=parsed,
            expected_challenge=challenge,
            expected_rp_id=policy.rp_id,
            expected_origin=policy.origin,
            credential_public_key=stored.public_key,
            credential_current_sign_count=stored.sign_count,
            require_user_verification=True,
        )
    except _MALFORMED:
        return second_factor.refused(session, principal, user.id, now, "passkey")
    stored.sign_count, stored.last_used_at = verified.new_sign_count, now
    second_factor.mark_verified(session, principal, now)
    second_factor.audit(
        session, principal, AuditAction.SECOND_FACTOR_VERIFY, user.id, now, method="passkey"
    )
    return None


def _credentials(session: Session, user_id: str) -> list[WebAuthnCredential]:
    return list(
        session.scalars(
            select(WebAuthnCredential)
            .where(WebAuthnCredential.user_id == user_id)
            .order_by(WebAuthnCredential.created_at, WebAuthnCredential.id)
        )
    )


def _descriptor(credential: WebAuthnCredential) -> PublicKeyCredentialDescriptor:
    return PublicKeyCredentialDescriptor(id=credential.credential_id)


def _new_challenge(
    session: Session,
    tenant_id: str,
    user_id: str,
    purpose: str,
    policy: PasskeyPolicy,
    now: dt.datetime,
) -> bytes:
    """A fresh challenge for this user and purpose; the user's spent and expired ones go."""
    session.execute(
        delete(AuthChallenge).where(
            AuthChallenge.user_id == user_id,
            (AuthChallenge.expires_at <= now) | AuthChallenge.used_at.is_not(None),
        )
    )
    challenge = secrets.token_bytes(CHALLENGE_BYTES)
    session.add(
        AuthChallenge(
            id=new_id(),
            tenant_id=tenant_id,
            user_id=user_id,
            purpose=purpose,
            challenge=challenge,
            created_at=now,
            expires_at=now + policy.challenge_lifetime,
        )
    )
    return challenge


def _spend_challenge(
    session: Session, user_id: str, purpose: str, challenge: bytes, now: dt.datetime
) -> bool:
    """Mark the challenge used if it is this user's, for this purpose, unexpired and unused.
    One conditional update, so two responses racing for the same challenge cannot both win."""
    result = session.execute(
        update(AuthChallenge)
        .where(
            AuthChallenge.user_id == user_id,
            AuthChallenge.purpose == purpose,
            AuthChallenge.challenge == challenge,
            AuthChallenge.used_at.is_(None),
            AuthChallenge.expires_at > now,
        )
        .values(used_at=now)
    )
    return bool(getattr(result, "rowcount", 0))


def _refuse_while_pending_with_factor(session: Session, principal: Principal, user_id: str) -> None:
    """A session still waiting for its second factor may enrol a first one (the tenant requires
    it for the role), never add another: that would let a password alone pass the check."""
    if second_factor.session_pending(session, principal) and second_factor.has_confirmed_factor(
        session, user_id
    ):
        raise SecondFactorRequired("verify an existing second factor first")
