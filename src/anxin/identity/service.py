"""Identity use cases: staff users, gateway accounts, login, logout and token resolution.

Bearer tokens are opaque random strings; only their SHA-256 is stored, so revoking a session is
deleting nothing but setting `revoked_at`, and a stolen database copy logs no one in.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import hmac
import re
from typing import Any, cast

from sqlalchemy import Table, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from anxin.access.permissions import Permission
from anxin.access.service import authorize
from anxin.audit import service as audit_service
from anxin.audit.actions import AuditAction, Outcome
from anxin.identity import second_factor, secrets
from anxin.identity.errors import (
    AccountFrozen,
    AccountLocked,
    AddressThrottled,
    AuthenticationFailed,
    InvalidRole,
    SecondFactorRequired,
    SessionInvalid,
    UserExists,
    UserNotFound,
    WeakPassword,
)
from anxin.identity.models import GatewayAccount, LoginThrottle, User, UserSession
from anxin.kernel.clock import Clock
from anxin.kernel.errors import InvalidInput, retry_after_seconds
from anxin.kernel.ids import new_id
from anxin.kernel.principal import STAFF_ROLES, ActorType, Principal, Role
from anxin.tenancy import service as tenancy_service
from anxin.tenancy.errors import TenantNotFound
from anxin.tenancy.models import Tenant

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
MIN_PASSWORD_CHARS = 12
MAX_PASSWORD_CHARS = 256
# `locked_until` at or past this marks a frozen account (no cool-down ends it).
FROZEN = dt.datetime(9999, 1, 1, tzinfo=dt.UTC)
# Writing last_seen_at on every request would turn every read into a write; a minute of
# idle-time slack is invisible against a 30-minute idle expiry.
TOUCH_INTERVAL = dt.timedelta(seconds=60)
_MAX_TOKEN_CHARS = 128
_SESSIONS = cast(Table, UserSession.__table__)
_USERS = cast(Table, User.__table__)
_TENANTS = cast(Table, Tenant.__table__)
_GATEWAYS = cast(Table, GatewayAccount.__table__)


@dataclasses.dataclass(frozen=True, slots=True)
class SessionPolicy:
    idle: dt.timedelta
    absolute: dt.timedelta
    bind_address: bool = True
    step_up: dt.timedelta = dt.timedelta(minutes=5)


@dataclasses.dataclass(frozen=True, slots=True)
class LoginLimits:
    """Lockout per account and throttling per client address (ANXIN_LOGIN_* settings)."""

    max_failures: int = 5
    lockout: dt.timedelta = dt.timedelta(minutes=15)
    address_max_failures: int = 20


@dataclasses.dataclass(frozen=True, slots=True)
class LoginRefused:
    """A failed login, returned rather than raised: the caller commits the failure counters
    and the lock they may set, then raises `error`."""

    error: AuthenticationFailed


@dataclasses.dataclass(frozen=True, slots=True)
class LoginResult:
    token: str = dataclasses.field(repr=False)
    expires_at: dt.datetime
    idle_expires_at: dt.datetime
    principal: Principal
    second_factor: str  # "none", or "required": the session can only verify (or enrol) one


def add_user(
    session: Session,
    *,
    principal: Principal,
    clock: Clock,
    username: str,
    role: str,
    display_name: str | None = None,
    password: str | None = None,
) -> tuple[User, str]:
    """Create a staff user; returns the user and the password (generated when none is given)."""
    authorize(principal, Permission.USER_MANAGE, object_type="user")
    tenant_id = _tenant_of(principal)
    staff_role = _staff_role(role)
    if not USERNAME_PATTERN.match(username):
        raise InvalidInput("usernames are 2-64 characters of a-z, 0-9, '.', '_' and '-'")
    secret = password if password is not None else secrets.new_password()
    _check_password(secret)
    if session.scalars(select(User.id).where(User.username == username)).first() is not None:
        raise UserExists(f"user {username!r} already exists")
    now = clock.now()
    user = User(
        id=new_id(),
        tenant_id=tenant_id,
        username=username,
        display_name=display_name or username,
        role=staff_role.value,
        password_hash=secrets.hash_password(secret),
        created_at=now,
    )
    session.add(user)
    audit_service.append(
        session,
        principal=principal,
        action=AuditAction.USER_CREATE,
        object_type="user",
        object_id=user.id,
        now=now,
        detail={"role": staff_role.value},
    )
    return user, secret


def list_users(session: Session, *, principal: Principal, clock: Clock) -> list[User]:
    authorize(principal, Permission.USER_MANAGE, object_type="user")
    users = list(session.scalars(select(User).order_by(User.username)))
    audit_service.append(
        session,
        principal=principal,
        action=AuditAction.USER_LIST,
        object_type="user",
        object_id=None,
        now=clock.now(),
        detail={"count": len(users)},
    )
    return users


def disable_user(session: Session, *, principal: Principal, clock: Clock, username: str) -> User:
    """Disable a user and revoke every session: a leaver loses access on the next request."""
    authorize(principal, Permission.USER_MANAGE, object_type="user")
    user = user_named(session, username)
    now = clock.now()
    if user.disabled_at is None:
        user.disabled_at = now
    revoked = _revoke_all(session, user.id, now)
    _audit_user(
        session, principal, AuditAction.USER_DISABLE, user.id, now, {"sessions_revoked": revoked}
    )
    return user


def add_gateway(
    session: Session, *, principal: Principal, clock: Clock, name: str
) -> tuple[GatewayAccount, str]:
    """Create a gateway account; the API key is returned once and stored only as a hash."""
    authorize(principal, Permission.GATEWAY_MANAGE, object_type="gateway")
    if not USERNAME_PATTERN.match(name):
        raise InvalidInput("gateway names are 2-64 characters of a-z, 0-9, '.', '_' and '-'")
    key = secrets.new_token(secrets.GATEWAY_PREFIX)
    now = clock.now()
    account = GatewayAccount(
        id=new_id(),
        tenant_id=_tenant_of(principal),
        name=name,
        key_prefix=key[:10],
        key_hash=secrets.token_hash(key),
        created_at=now,
    )
    session.add(account)
    audit_service.append(
        session,
        principal=principal,
        action=AuditAction.GATEWAY_CREATE,
        object_type="gateway",
        object_id=account.id,
        now=now,
    )
    return account, key


def login(
    session: Session,
    *,
    clock: Clock,
    policy: SessionPolicy,
    tenant_name: str,
    username: str,
    password: str,
    client_addr: str | None,
    user_agent: str | None = None,
    limits: LoginLimits | None = None,
) -> LoginResult | LoginRefused:
    """Check a password and open a session. Runs in platform scope: the tenant is not known yet.

    Unknown tenant, unknown user, wrong password, disabled or departed account: the same
    AuthenticationFailed after the same argon2 work, so neither the message nor the timing tells
    which was wrong. Failures count per account and per client address; past the limits both
    are refused for a cool-down, even with the right password.
    """
    limits = limits or LoginLimits()
    now = clock.now()
    throttle = _throttle(session, client_addr, now, limits)
    tenant = _active_tenant(session, tenant_name)
    user = None
    if tenant is not None:
        user = session.scalars(
            select(User).where(User.tenant_id == tenant.id, User.username == username)
        ).first()
    who = {"tenant_id": tenant.id if tenant else None, "username": username[:64]}
    # Refused before any argon2 work: a blocked address or a locked account must not cost
    # 100 ms of CPU per attempt (the refusal says as much, so timing hides nothing more).
    if throttle is not None and throttle.locked_until is not None and now < throttle.locked_until:
        return LoginRefused(
            AddressThrottled(retry_after_s=retry_after_seconds(throttle.locked_until - now), **who)
        )
    if user is not None and is_frozen(user.locked_until):
        return LoginRefused(AccountFrozen(**who))
    if user is not None and user.locked_until is not None and now < user.locked_until:
        wait = retry_after_seconds(user.locked_until - now)
        return LoginRefused(AccountLocked(retry_after_s=wait, **who))
    password_ok = secrets.verify_password(user.password_hash if user else None, password)
    if tenant is None or user is None or not password_ok or not _may_log_in(user, now):
        _count_failure(session, user, (client_addr, throttle), now, limits)
        return LoginRefused(AuthenticationFailed(**who))
    return _open_session(session, tenant, user, password, now, policy, client_addr, user_agent)


def _open_session(
    session: Session,
    tenant: Tenant,
    user: User,
    password: str,
    now: dt.datetime,
    policy: SessionPolicy,
    client_addr: str | None,
    user_agent: str | None,
) -> LoginResult:
    user.failed_logins, user.locked_until = 0, None
    if secrets.needs_rehash(user.password_hash):
        # The parameters changed since this hash was made: upgrade it while the password is here.
        user.password_hash = secrets.hash_password(password)
    pending = second_factor.required_at_login(session, user, tenant)
    token = secrets.new_token(secrets.SESSION_PREFIX)
    row = UserSession(
        id=new_id(),
        tenant_id=tenant.id,
        user_id=user.id,
        token_hash=secrets.token_hash(token),
        created_at=now,
        last_seen_at=now,
        expires_at=now + policy.absolute,
        client_addr=client_addr,
        client_agent_hash=_agent_hash(user_agent),
        second_factor_pending=pending,
    )
    session.add(row)
    user.last_login_at = now
    principal = _user_principal(user, row, client_addr)
    audit_service.append(
        session,
        principal=principal,
        action=AuditAction.LOGIN,
        object_type="session",
        object_id=row.id,
        now=now,
        detail={"second_factor": "required" if pending else "none"},
    )
    return LoginResult(
        token=token,
        expires_at=row.expires_at,
        idle_expires_at=now + policy.idle,
        principal=principal,
        second_factor="required" if pending else "none",
    )


def _may_log_in(user: User, now: dt.datetime) -> bool:
    return user.disabled_at is None and not has_left(user.leave_on, now)


def has_left(leave_on: dt.date | None, now: dt.datetime) -> bool:
    """`leave_on` is the last working day: from the next day (UTC) the account is closed."""
    return leave_on is not None and now.date() > leave_on


def _throttle(
    session: Session, client_addr: str | None, now: dt.datetime, limits: LoginLimits
) -> LoginThrottle | None:
    """The address's failure window, restarted when the previous one is over."""
    if client_addr is None:
        return None
    row = session.get(LoginThrottle, client_addr, with_for_update=True)
    if (
        row is not None
        and now - row.window_started_at >= limits.lockout
        and (row.locked_until is None or now >= row.locked_until)
    ):
        row.failures, row.window_started_at, row.locked_until = 0, now, None
    return row


def _count_failure(
    session: Session,
    user: User | None,
    address: tuple[str | None, LoginThrottle | None],
    now: dt.datetime,
    limits: LoginLimits,
) -> None:
    """One more failure for the account (if it exists) and the address; lock at the limits."""
    client_addr, throttle = address
    if throttle is None and client_addr is not None:
        throttle = _new_throttle(session, client_addr, now)
    if user is not None:
        user.failed_logins += 1
        if user.failed_logins >= limits.max_failures:
            user.locked_until = now + limits.lockout
            _audit_lock(session, user, now, failures=user.failed_logins)
    if throttle is None:
        return
    throttle.failures += 1
    if throttle.failures >= limits.address_max_failures and throttle.locked_until is None:
        throttle.locked_until = now + limits.lockout
        _audit_address_lock(session, throttle, now)


def _new_throttle(session: Session, client_addr: str, now: dt.datetime) -> LoginThrottle | None:
    """The address's first failure. Two at once: the other insert wins and this one is not
    counted (a savepoint keeps the login's transaction usable)."""
    row = LoginThrottle(client_addr=client_addr, failures=0, window_started_at=now)
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return None
    return row


def _audit_lock(session: Session, user: User, now: dt.datetime, *, failures: int) -> None:
    principal = Principal(
        tenant_id=user.tenant_id,
        actor_type=ActorType.USER,
        actor_id=user.id,
        role=Role(user.role),
        name=user.username,
    )
    audit_service.append(
        session,
        principal=principal,
        action=AuditAction.USER_LOCK,
        object_type="user",
        object_id=user.id,
        now=now,
        outcome=Outcome.DENIED,
        detail={"failed_logins": failures, "locked_until": (user.locked_until or now).isoformat()},
    )


def _audit_address_lock(session: Session, throttle: LoginThrottle, now: dt.datetime) -> None:
    """An address blocked for too many failures, whichever accounts it tried: a platform event,
    because the address spans tenants. The platform locks it, so the platform is the actor."""
    principal = Principal(
        tenant_id=None,
        actor_type=ActorType.SYSTEM,
        actor_id="login",
        role=Role.SYSTEM,
        name="login",
        client_addr=throttle.client_addr,
    )
    audit_service.append(
        session,
        principal=principal,
        action=AuditAction.ADDRESS_LOCK,
        object_type="client_addr",
        object_id=throttle.client_addr,
        now=now,
        outcome=Outcome.DENIED,
        detail={
            "failed_logins": throttle.failures,
            "locked_until": (throttle.locked_until or now).isoformat(),
        },
    )


def is_frozen(locked_until: dt.datetime | None) -> bool:
    return locked_until is not None and locked_until >= FROZEN


def freeze_user(session: Session, *, principal: Principal, clock: Clock, username: str) -> int:
    """Hold an account during an incident: every session ends at once and no login works until
    a security officer unfreezes it (`unlock_user`). Returns the sessions revoked."""
    authorize(principal, Permission.USER_FREEZE, object_type="user")
    user = user_named(session, username)
    now = clock.now()
    user.locked_until = FROZEN
    revoked = _revoke_all(session, user.id, now)
    _audit_user(
        session, principal, AuditAction.USER_FREEZE, user.id, now, {"sessions_revoked": revoked}
    )
    return revoked


def unlock_user(session: Session, *, principal: Principal, clock: Clock, username: str) -> User:
    """A security officer lifts a lockout before its cool-down ends, or unfreezes an account."""
    authorize(principal, Permission.USER_UNLOCK, object_type="user")
    user = user_named(session, username)
    now = clock.now()
    was_locked = user.locked_until is not None and now < user.locked_until
    user.failed_logins, user.locked_until = 0, None
    _audit_user(
        session, principal, AuditAction.USER_UNLOCK, user.id, now, {"was_locked": was_locked}
    )
    return user


def revoke_sessions(session: Session, *, principal: Principal, clock: Clock, username: str) -> int:
    """End every session of a user; each is refused on its very next request."""
    authorize(principal, Permission.SESSION_REVOKE, object_type="user")
    user = user_named(session, username)
    now = clock.now()
    revoked = _revoke_all(session, user.id, now)
    _audit_user(
        session,
        principal,
        AuditAction.SESSION_REVOKE_ALL,
        user.id,
        now,
        {"sessions_revoked": revoked},
    )
    return revoked


def _audit_user(
    session: Session,
    principal: Principal,
    action: AuditAction,
    user_id: str,
    now: dt.datetime,
    detail: dict[str, object],
) -> None:
    """An account change, in the transaction that made it."""
    audit_service.append(
        session,
        principal=principal,
        action=action,
        object_type="user",
        object_id=user_id,
        now=now,
        detail=detail,
    )


def _revoke_all(session: Session, user_id: str, now: dt.datetime) -> int:
    result = session.execute(
        update(_SESSIONS)
        .where(_SESSIONS.c.user_id == user_id, _SESSIONS.c.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def user_named(session: Session, username: str) -> User:
    """The tenant's user of that name (the session is tenant-scoped), or UserNotFound."""
    user = session.scalars(select(User).where(User.username == username)).first()
    if user is None:
        raise UserNotFound(f"no user named {username!r}")
    return user


def _agent_hash(user_agent: str | None) -> bytes:
    return hashlib.sha256((user_agent or "").encode("utf-8", "surrogatepass")).digest()


def logout(session: Session, *, principal: Principal, clock: Clock) -> None:
    if principal.session_id is None:
        raise SessionInvalid("only a user session can log out; gateway keys are revoked by admins")
    row = session.get(UserSession, principal.session_id)
    now = clock.now()
    if row is not None and row.revoked_at is None:
        row.revoked_at = now
    audit_service.append(
        session,
        principal=principal,
        action=AuditAction.LOGOUT,
        object_type="session",
        object_id=principal.session_id,
        now=now,
    )


@dataclasses.dataclass(frozen=True, slots=True)
class Client:
    """Where a request comes from, as far as the server can tell."""

    addr: str | None = None
    user_agent: str | None = None


def authenticate(
    session: Session,
    *,
    token: str,
    clock: Clock,
    policy: SessionPolicy,
    client_addr: str | None,
    user_agent: str | None = None,
    pending_ok: bool = False,
) -> Principal:
    """Turn a bearer token into a Principal, or raise SessionInvalid. Platform scope.

    A session still waiting for its second factor is refused (SecondFactorRequired) unless
    `pending_ok`: only the routes that verify or enrol a second factor pass it.
    """
    if not token or len(token) > _MAX_TOKEN_CHARS:
        raise SessionInvalid()
    if token.startswith(secrets.GATEWAY_PREFIX):
        return _authenticate_gateway(session, token=token, clock=clock, client_addr=client_addr)
    if token.startswith(secrets.SESSION_PREFIX):
        client = Client(client_addr, user_agent)
        return _authenticate_session(
            session, token=token, clock=clock, policy=policy, client=client, pending_ok=pending_ok
        )
    raise SessionInvalid()


def _authenticate_session(
    session: Session,
    *,
    token: str,
    clock: Clock,
    policy: SessionPolicy,
    client: Client,
    pending_ok: bool,
) -> Principal:
    # One Core query for session, user and tenant: this runs on every request.
    row = session.execute(
        select(
            _SESSIONS.c.id,
            _SESSIONS.c.tenant_id,
            _SESSIONS.c.user_id,
            _SESSIONS.c.expires_at,
            _SESSIONS.c.revoked_at,
            _SESSIONS.c.last_seen_at,
            _SESSIONS.c.client_addr,
            _SESSIONS.c.client_agent_hash,
            _SESSIONS.c.second_factor_pending,
            _SESSIONS.c.second_factor_at,
            _USERS.c.username,
            _USERS.c.role,
            _USERS.c.disabled_at,
            _USERS.c.leave_on,
            _TENANTS.c.disabled_at.label("tenant_disabled_at"),
        )
        .join(_USERS, _USERS.c.id == _SESSIONS.c.user_id)
        .join(_TENANTS, _TENANTS.c.id == _SESSIONS.c.tenant_id)
        .where(_SESSIONS.c.token_hash == secrets.token_hash(token))
    ).first()
    now = clock.now()
    if row is None or row.revoked_at is not None or now >= row.expires_at:
        raise SessionInvalid()
    if now - row.last_seen_at >= policy.idle:
        raise SessionInvalid("the session expired after being idle")
    if row.disabled_at is not None or row.tenant_disabled_at is not None:
        raise SessionInvalid()
    if has_left(row.leave_on, now):
        raise SessionInvalid("the account was closed on its leave date")
    if not _same_client(row, client, policy):
        raise SessionInvalid("the session was opened from another client")
    if row.second_factor_pending and not pending_ok:
        raise SecondFactorRequired()
    if now - row.last_seen_at >= TOUCH_INTERVAL:
        session.execute(update(_SESSIONS).where(_SESSIONS.c.id == row.id).values(last_seen_at=now))
    return Principal(
        tenant_id=row.tenant_id,
        actor_type=ActorType.USER,
        actor_id=row.user_id,
        role=Role(row.role),
        name=row.username,
        session_id=row.id,
        client_addr=client.addr,
        second_factor_at=row.second_factor_at,
    )


def _same_client(row: Any, client: Client, policy: SessionPolicy) -> bool:
    """The token is honoured only from the client it was issued to (sessions from before
    revision 0005 carry no agent hash and are not bound)."""
    if row.client_agent_hash is not None and not hmac.compare_digest(
        row.client_agent_hash, _agent_hash(client.user_agent)
    ):
        return False
    return not policy.bind_address or row.client_addr is None or row.client_addr == client.addr


def _authenticate_gateway(
    session: Session, *, token: str, clock: Clock, client_addr: str | None
) -> Principal:
    row = session.execute(
        select(
            _GATEWAYS.c.id,
            _GATEWAYS.c.tenant_id,
            _GATEWAYS.c.name,
            _GATEWAYS.c.disabled_at,
            _GATEWAYS.c.last_used_at,
            _TENANTS.c.disabled_at.label("tenant_disabled_at"),
        )
        .join(_TENANTS, _TENANTS.c.id == _GATEWAYS.c.tenant_id)
        .where(_GATEWAYS.c.key_hash == secrets.token_hash(token))
    ).first()
    if row is None or row.disabled_at is not None or row.tenant_disabled_at is not None:
        raise SessionInvalid()
    now = clock.now()
    if row.last_used_at is None or now - row.last_used_at >= TOUCH_INTERVAL:
        session.execute(update(_GATEWAYS).where(_GATEWAYS.c.id == row.id).values(last_used_at=now))
    return Principal(
        tenant_id=row.tenant_id,
        actor_type=ActorType.GATEWAY,
        actor_id=row.id,
        role=Role.GATEWAY,
        name=row.name,
        client_addr=client_addr,
    )


def _user_principal(user: User, row: UserSession, client_addr: str | None) -> Principal:
    return Principal(
        tenant_id=user.tenant_id,
        actor_type=ActorType.USER,
        actor_id=user.id,
        role=Role(user.role),
        name=user.username,
        session_id=row.id,
        client_addr=client_addr,
    )


def _active_tenant(session: Session, name: str) -> Tenant | None:
    try:
        return tenancy_service.get_by_name(session, name=name)
    except TenantNotFound:
        return None


def _tenant_of(principal: Principal) -> str:
    if principal.tenant_id is None:
        raise InvalidInput("this action needs a tenant; pass --tenant")
    return principal.tenant_id


def _staff_role(role: str) -> Role:
    try:
        parsed = Role(role)
    except ValueError:
        parsed = None
    if parsed is None or parsed not in STAFF_ROLES:
        names = ", ".join(sorted(r.value for r in STAFF_ROLES))
        raise InvalidRole(f"role must be one of {names}")
    return parsed


def _check_password(password: str) -> None:
    if not MIN_PASSWORD_CHARS <= len(password) <= MAX_PASSWORD_CHARS:
        raise WeakPassword(
            f"passwords are {MIN_PASSWORD_CHARS} to {MAX_PASSWORD_CHARS} characters long"
        )
