"""Second factors: TOTP (RFC 6238) with one-time recovery codes, and step-up freshness.

A login needs a second factor when the user has confirmed one, or when the tenant requires one
for the user's role (`tenants.second_factor_roles`); the session then does nothing but verify
(or, with none enrolled yet, enrol and confirm). Every verification stamps the session's
`second_factor_at`, which sensitive actions check (`require_step_up`). Passkeys (WebAuthn) are
in `passkeys` and use the helpers here (`user_of`, `mark_verified`, `refused`, `audit`).

Codes are what standard authenticators (and `oathtool --totp -b`) make: SHA-1, 6 digits,
30-second steps. One step either side is accepted for clock drift, and never a step at or
before the last one accepted, so a code cannot be replayed. The secret is sealed under a data
key of the user's own, like a customer's fields.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import hashlib
import hmac
import io
import secrets

import pyotp
import segno
from sqlalchemy import delete, exists, select, update
from sqlalchemy.orm import Session

from anxin.audit import service as audit_service
from anxin.audit.actions import AuditAction, Outcome
from anxin.crypto.aead import FieldRef
from anxin.crypto.keyring import Keyring
from anxin.identity.errors import (
    SecondFactorInvalid,
    SecondFactorNotEnrolled,
    SecondFactorRequired,
    StepUpRequired,
)
from anxin.identity.models import (
    RecoveryCode,
    TotpCredential,
    User,
    UserSession,
    WebAuthnCredential,
)
from anxin.kernel.clock import Clock
from anxin.kernel.errors import Conflict, InvalidInput
from anxin.kernel.ids import new_id
from anxin.kernel.principal import Principal
from anxin.tenancy.models import Tenant

ISSUER = "Anxin"
STEP_SECONDS = 30
DRIFT_STEPS = 1
RECOVERY_CODES = 10


@dataclasses.dataclass(frozen=True, slots=True)
class TotpEnrolment:
    secret: str = dataclasses.field(repr=False)
    otpauth_uri: str = dataclasses.field(repr=False)
    qr_svg: str = dataclasses.field(repr=False)


def required_at_login(session: Session, user: User, tenant: Tenant) -> bool:
    return user.role in (tenant.second_factor_roles or []) or has_confirmed_factor(session, user.id)


def has_confirmed_factor(session: Session, user_id: str) -> bool:
    totp = exists().where(
        TotpCredential.user_id == user_id, TotpCredential.confirmed_at.is_not(None)
    )
    passkey = exists().where(WebAuthnCredential.user_id == user_id)
    return bool(session.scalar(select(totp | passkey)))


def enrol_totp(
    session: Session, *, principal: Principal, keyring: Keyring, clock: Clock
) -> TotpEnrolment:
    """A new secret for the caller, unconfirmed until a code from it is verified."""
    user, tenant_id = user_of(session, principal)
    current = session.get(TotpCredential, user.id)
    if current is not None and current.confirmed_at is not None:
        raise Conflict("a TOTP authenticator is already confirmed for this user")
    if session_pending(session, principal) and has_confirmed_factor(session, user.id):
        # A passkey is enrolled: a password alone must not add (and so pass) another factor.
        raise SecondFactorRequired("verify your passkey first")
    now = clock.now()
    secret = pyotp.random_base32()
    key = keyring.ensure_data_keys(tenant_id=tenant_id, versions={user.id: 1}, now=now)[user.id]
    sealed = key.seal(_secret_ref(tenant_id, user.id), secret)
    if current is None:
        session.add(
            TotpCredential(user_id=user.id, tenant_id=tenant_id, secret_ct=sealed, created_at=now)
        )
    else:
        current.secret_ct, current.created_at, current.last_counter = sealed, now, None
    audit(session, principal, AuditAction.TOTP_ENROL, user.id, now)
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=ISSUER)
    return TotpEnrolment(secret=secret, otpauth_uri=uri, qr_svg=_qr_svg(uri))


def confirm_totp(
    session: Session, *, principal: Principal, keyring: Keyring, clock: Clock, code: str
) -> list[str] | SecondFactorInvalid:
    """The first code from the new authenticator confirms it; returns fresh recovery codes
    (shown once) and counts as this session's verification."""
    user, tenant_id = user_of(session, principal)
    credential = session.get(TotpCredential, user.id)
    if credential is None or credential.confirmed_at is not None:
        raise SecondFactorNotEnrolled("start with POST /api/v1/me/totp")
    if session_pending(session, principal) and has_confirmed_factor(session, user.id):
        raise SecondFactorRequired("verify your passkey first")
    now = clock.now()
    if not _accept_code(keyring, credential, code, now):
        return refused(session, principal, user.id, now, "totp_confirm")
    credential.confirmed_at = now
    codes = _new_recovery_codes(session, tenant_id, user.id, now)
    mark_verified(session, principal, now)
    audit(session, principal, AuditAction.TOTP_CONFIRM, user.id, now)
    return codes


def verify(
    session: Session,
    *,
    principal: Principal,
    keyring: Keyring,
    clock: Clock,
    code: str | None = None,
    recovery_code: str | None = None,
) -> SecondFactorInvalid | None:
    """Check a TOTP code or a recovery code for the caller's session (after a password login,
    or as a step-up). A failure is returned, not raised, so its audit event commits."""
    if (code is None) == (recovery_code is None):
        raise InvalidInput("give exactly one of code or recovery_code")
    user, _ = user_of(session, principal)
    credential = session.get(TotpCredential, user.id)
    if credential is None or credential.confirmed_at is None:
        raise SecondFactorNotEnrolled("no confirmed authenticator; enrol with POST /api/v1/me/totp")
    now = clock.now()
    if code is not None:
        ok, method = _accept_code(keyring, credential, code, now), "totp"
    else:
        ok, method = _use_recovery_code(session, user.id, recovery_code or "", now), "recovery"
    if not ok:
        return refused(session, principal, user.id, now, method)
    mark_verified(session, principal, now)
    audit(session, principal, AuditAction.SECOND_FACTOR_VERIFY, user.id, now, method=method)
    return None


def session_pending(session: Session, principal: Principal) -> bool:
    """Whether the caller's session still waits for its second factor."""
    if principal.session_id is None:
        return False
    pending = session.scalar(
        select(UserSession.second_factor_pending).where(UserSession.id == principal.session_id)
    )
    return bool(pending)


def require_step_up(principal: Principal, *, now: dt.datetime, within: dt.timedelta) -> None:
    """Sensitive actions need a second factor verified in this session within `within`."""
    verified = principal.second_factor_at
    if verified is None or now - verified > within:
        raise StepUpRequired(
            f"verify a second factor (POST /api/v1/auth/second-factor or /api/v1/auth/passkey) "
            f"within "
            f"{int(within.total_seconds() // 60)} minutes before this action"
        )


def _accept_code(keyring: Keyring, credential: TotpCredential, code: str, now: dt.datetime) -> bool:
    """The code of a step next to now and after the last accepted one; that step is recorded."""
    if not (len(code) == 6 and code.isascii() and code.isdigit()):
        return False
    key = keyring.data_key(tenant_id=credential.tenant_id, owner_id=credential.user_id, version=1)
    totp = pyotp.TOTP(
        key.open(_secret_ref(credential.tenant_id, credential.user_id), credential.secret_ct)
    )
    current = int(now.timestamp()) // STEP_SECONDS
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if credential.last_counter is not None and step <= credential.last_counter:
            continue
        if hmac.compare_digest(totp.generate_otp(step), code):
            credential.last_counter = step
            return True
    return False


def _new_recovery_codes(
    session: Session, tenant_id: str, user_id: str, now: dt.datetime
) -> list[str]:
    """Ten fresh codes replace any earlier ones: 80 random bits each, grouped for reading."""
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
    codes = [_format_code(secrets.token_bytes(10)) for _ in range(RECOVERY_CODES)]
    for code in codes:
        session.add(
            RecoveryCode(
                id=new_id(),
                tenant_id=tenant_id,
                user_id=user_id,
                code_hash=_code_hash(code),
                created_at=now,
            )
        )
    return codes


def _use_recovery_code(session: Session, user_id: str, code: str, now: dt.datetime) -> bool:
    result = session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user_id,
            RecoveryCode.code_hash == _code_hash(code),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=now)
    )
    return bool(getattr(result, "rowcount", 0))


def _format_code(raw: bytes) -> str:
    text = base64.b32encode(raw).decode().lower()
    return "-".join(text[i : i + 4] for i in range(0, len(text), 4))


def _code_hash(code: str) -> bytes:
    normalized = code.strip().lower().replace("-", "").replace(" ", "")
    return hashlib.sha256(normalized.encode()).digest()


def mark_verified(session: Session, principal: Principal, now: dt.datetime) -> None:
    if principal.session_id is not None:
        session.execute(
            update(UserSession)
            .where(UserSession.id == principal.session_id)
            .values(second_factor_pending=False, second_factor_at=now)
        )


def refused(
    session: Session, principal: Principal, user_id: str, now: dt.datetime, method: str
) -> SecondFactorInvalid:
    audit(
        session,
        principal,
        AuditAction.SECOND_FACTOR_VERIFY,
        user_id,
        now,
        method=method,
        outcome=Outcome.FAILED,
    )
    return SecondFactorInvalid()


def user_of(session: Session, principal: Principal) -> tuple[User, str]:
    user = session.get(User, principal.actor_id) if principal.is_staff else None
    if user is None or principal.tenant_id is None:
        raise InvalidInput("second factors belong to staff users")
    return user, principal.tenant_id


def _secret_ref(tenant_id: str, user_id: str) -> FieldRef:
    return FieldRef(tenant_id, "totp_credentials", "secret", user_id)


def _qr_svg(uri: str) -> str:
    out = io.BytesIO()
    segno.make(uri, error="m").save(out, kind="svg", xmldecl=False, scale=4)
    return out.getvalue().decode()


def audit(
    session: Session,
    principal: Principal,
    action: AuditAction,
    user_id: str,
    now: dt.datetime,
    *,
    method: str | None = None,
    outcome: Outcome = Outcome.SUCCESS,
) -> None:
    audit_service.append(
        session,
        principal=principal,
        action=action,
        object_type="user",
        object_id=user_id,
        now=now,
        outcome=outcome,
        detail={"method": method} if method else None,
    )
