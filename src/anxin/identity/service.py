"""Identity use cases: staff users, gateway accounts, login, logout and token resolution.

Bearer tokens are opaque random strings; only their SHA-256 is stored, so revoking a session is
deleting nothing but setting `revoked_at`, and a stolen database copy logs no one in.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from typing import cast

from sqlalchemy import Table, select, update
from sqlalchemy.orm import Session

from anxin.access.permissions import Permission
from anxin.access.service import authorize
from anxin.audit import service as audit_service
from anxin.audit.actions import AuditAction
from anxin.identity import secrets
from anxin.identity.errors import (
    AuthenticationFailed,
    InvalidRole,
    SessionInvalid,
    UserExists,
    UserNotFound,
    WeakPassword,
)
from anxin.identity.models import GatewayAccount, User, UserSession
from anxin.kernel.clock import Clock
from anxin.kernel.errors import InvalidInput
from anxin.kernel.ids import new_id
from anxin.kernel.principal import STAFF_ROLES, ActorType, Principal, Role
from anxin.tenancy import service as tenancy_service
from anxin.tenancy.errors import TenantNotFound
from anxin.tenancy.models import Tenant

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
MIN_PASSWORD_CHARS = 12
MAX_PASSWORD_CHARS = 256
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


@dataclasses.dataclass(frozen=True, slots=True)
class LoginResult:
    token: str = dataclasses.field(repr=False)
    expires_at: dt.datetime
    idle_expires_at: dt.datetime
    principal: Principal


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
    user = session.scalars(select(User).where(User.username == username)).first()
    if user is None:
        raise UserNotFound(f"no user named {username!r}")
    now = clock.now()
    if user.disabled_at is None:
        user.disabled_at = now
    revoked = (
        session.query(UserSession)
        .filter(UserSession.user_id == user.id, UserSession.revoked_at.is_(None))
        .update({UserSession.revoked_at: now}, synchronize_session=False)
    )
    audit_service.append(
        session,
        principal=principal,
        action=AuditAction.USER_DISABLE,
        object_type="user",
        object_id=user.id,
        now=now,
        detail={"sessions_revoked": revoked},
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
) -> LoginResult:
    """Check a password and open a session. Runs in platform scope: the tenant is not known yet.

    Every failure raises the same AuthenticationFailed, after the same argon2 work, so neither
    the message nor the timing tells which of tenant, user or password was wrong.
    """
    tenant = _active_tenant(session, tenant_name)
    user = None
    if tenant is not None:
        user = session.scalars(
            select(User).where(User.tenant_id == tenant.id, User.username == username)
        ).first()
    password_ok = secrets.verify_password(user.password_hash if user else None, password)
    if tenant is None or user is None or not password_ok or user.disabled_at is not None:
        raise AuthenticationFailed(tenant_id=tenant.id if tenant else None, username=username[:64])
    now = clock.now()
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
    )
    return LoginResult(
        token=token,
        expires_at=row.expires_at,
        idle_expires_at=now + policy.idle,
        principal=principal,
    )


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


def authenticate(
    session: Session, *, token: str, clock: Clock, policy: SessionPolicy, client_addr: str | None
) -> Principal:
    """Turn a bearer token into a Principal, or raise SessionInvalid. Platform scope."""
    if not token or len(token) > _MAX_TOKEN_CHARS:
        raise SessionInvalid()
    if token.startswith(secrets.GATEWAY_PREFIX):
        return _authenticate_gateway(session, token=token, clock=clock, client_addr=client_addr)
    if token.startswith(secrets.SESSION_PREFIX):
        return _authenticate_session(
            session, token=token, clock=clock, policy=policy, client_addr=client_addr
        )
    raise SessionInvalid()


def _authenticate_session(
    session: Session, *, token: str, clock: Clock, policy: SessionPolicy, client_addr: str | None
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
            _USERS.c.username,
            _USERS.c.role,
            _USERS.c.disabled_at,
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
    if now - row.last_seen_at >= TOUCH_INTERVAL:
        session.execute(update(_SESSIONS).where(_SESSIONS.c.id == row.id).values(last_seen_at=now))
    return Principal(
        tenant_id=row.tenant_id,
        actor_type=ActorType.USER,
        actor_id=row.user_id,
        role=Role(row.role),
        name=row.username,
        session_id=row.id,
        client_addr=client_addr,
    )


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
