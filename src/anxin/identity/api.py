"""Identity routes: login, logout, who am I, and user and gateway administration. Thin."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from anxin.access.declarations import AUTHENTICATED, PUBLIC, requires
from anxin.access.permissions import Permission
from anxin.identity import second_factor, service
from anxin.identity.deps import Context, RuntimeDep, client_addr, user_agent
from anxin.identity.models import User
from anxin.identity.schemas import (
    GatewayCreate,
    GatewayCreated,
    LoginRequest,
    LoginResponse,
    Me,
    RecoveryCodes,
    SecondFactorRequest,
    SecondFactorVerified,
    SessionsRevoked,
    TotpConfirm,
    TotpEnrolmentOut,
    UserCreate,
    UserCreated,
    UserOut,
)

router = APIRouter(prefix="/api/v1", tags=["identity"])


@router.post("/auth/login", response_model=LoginResponse, openapi_extra=requires(PUBLIC))
def login(body: LoginRequest, request: Request, runtime: RuntimeDep) -> LoginResponse:
    with runtime.db.unit_of_work(tenant_id=None) as session:
        result = service.login(
            session,
            clock=runtime.clock,
            policy=runtime.session_policy,
            limits=runtime.login_limits,
            tenant_name=body.tenant,
            username=body.username,
            password=body.password,
            client_addr=client_addr(request),
            user_agent=user_agent(request),
        )
    if isinstance(result, service.LoginRefused):
        raise result.error  # after the commit: the failure counters and any lock are kept
    return LoginResponse(
        token=result.token,
        expires_at=result.expires_at,
        idle_expires_at=result.idle_expires_at,
        user_id=result.principal.actor_id,
        role=result.principal.role.value,
        second_factor=result.second_factor,
    )


@router.post(
    "/auth/second-factor",
    response_model=SecondFactorVerified,
    openapi_extra=requires(AUTHENTICATED),
)
def verify_second_factor(body: SecondFactorRequest, ctx: Context) -> SecondFactorVerified:
    """Complete a login that needs a second factor, or step up before a sensitive action."""
    with ctx.transaction(pending_ok=True) as (session, principal):
        refused = second_factor.verify(
            session,
            principal=principal,
            keyring=ctx.runtime.keyring,
            clock=ctx.runtime.clock,
            code=body.code,
            recovery_code=body.recovery_code,
        )
    if refused is not None:
        raise refused  # after the commit: the failed attempt stays audited
    now = ctx.runtime.clock.now()
    return SecondFactorVerified(
        verified_at=now, step_up_until=now + ctx.runtime.session_policy.step_up
    )


@router.post(
    "/me/totp",
    response_model=TotpEnrolmentOut,
    status_code=status.HTTP_201_CREATED,
    openapi_extra=requires(AUTHENTICATED),
)
def enrol_totp(ctx: Context) -> TotpEnrolmentOut:
    """Start TOTP enrolment: scan the QR code, then confirm with a code."""
    with ctx.transaction(pending_ok=True) as (session, principal):
        enrolment = second_factor.enrol_totp(
            session, principal=principal, keyring=ctx.runtime.keyring, clock=ctx.runtime.clock
        )
    return TotpEnrolmentOut(
        otpauth_uri=enrolment.otpauth_uri, secret=enrolment.secret, qr_svg=enrolment.qr_svg
    )


@router.post(
    "/me/totp/confirm", response_model=RecoveryCodes, openapi_extra=requires(AUTHENTICATED)
)
def confirm_totp(body: TotpConfirm, ctx: Context) -> RecoveryCodes:
    with ctx.transaction(pending_ok=True) as (session, principal):
        codes = second_factor.confirm_totp(
            session,
            principal=principal,
            keyring=ctx.runtime.keyring,
            clock=ctx.runtime.clock,
            code=body.code,
        )
    if not isinstance(codes, list):
        raise codes
    return RecoveryCodes(recovery_codes=codes)


@router.post(
    "/auth/logout",
    status_code=status.HTTP_204_NO_CONTENT,
    openapi_extra=requires(AUTHENTICATED),
)
def logout(ctx: Context) -> Response:
    with ctx.transaction() as (session, principal):
        service.logout(session, principal=principal, clock=ctx.runtime.clock)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/me", response_model=Me, openapi_extra=requires(AUTHENTICATED))
def me(ctx: Context) -> Me:
    with ctx.transaction() as (_session, principal):
        return Me(
            tenant_id=principal.tenant_id,
            actor_type=principal.actor_type.value,
            actor_id=principal.actor_id,
            role=principal.role.value,
            name=principal.name,
        )


@router.get(
    "/users",
    response_model=list[UserOut],
    openapi_extra=requires(Permission.USER_MANAGE),
)
def list_users(ctx: Context) -> list[UserOut]:
    with ctx.transaction() as (session, principal):
        users = service.list_users(session, principal=principal, clock=ctx.runtime.clock)
        return [_user_out(u) for u in users]


@router.post(
    "/users",
    response_model=UserCreated,
    status_code=status.HTTP_201_CREATED,
    openapi_extra=requires(Permission.USER_MANAGE),
)
def create_user(body: UserCreate, ctx: Context) -> UserCreated:
    with ctx.transaction() as (session, principal):
        ctx.step_up(principal, Permission.USER_MANAGE)
        user, password = service.add_user(
            session,
            principal=principal,
            clock=ctx.runtime.clock,
            username=body.username,
            role=body.role,
            display_name=body.display_name,
            password=body.password,
        )
        shown = password if body.password is None else None
        return UserCreated(**_user_out(user).model_dump(), password=shown)


@router.post(
    "/users/{username}/disable",
    response_model=UserOut,
    openapi_extra=requires(Permission.USER_MANAGE),
)
def disable_user(username: str, ctx: Context) -> UserOut:
    with ctx.transaction() as (session, principal):
        ctx.step_up(principal, Permission.USER_MANAGE)
        user = service.disable_user(
            session, principal=principal, clock=ctx.runtime.clock, username=username
        )
        return _user_out(user)


@router.post(
    "/users/{username}/unlock",
    response_model=UserOut,
    openapi_extra=requires(Permission.USER_UNLOCK),
)
def unlock_user(username: str, ctx: Context) -> UserOut:
    """Lift a lockout before its cool-down ends (security officer, step-up)."""
    with ctx.transaction() as (session, principal):
        ctx.step_up(principal, Permission.USER_UNLOCK)
        user = service.unlock_user(
            session, principal=principal, clock=ctx.runtime.clock, username=username
        )
        return _user_out(user)


@router.post(
    "/users/{username}/freeze",
    response_model=SessionsRevoked,
    openapi_extra=requires(Permission.USER_FREEZE),
)
def freeze_user(username: str, ctx: Context) -> SessionsRevoked:
    """Hold an account during an incident: sessions end, no login until unlocked (step-up)."""
    with ctx.transaction() as (session, principal):
        ctx.step_up(principal, Permission.USER_FREEZE)
        revoked = service.freeze_user(
            session, principal=principal, clock=ctx.runtime.clock, username=username
        )
        return SessionsRevoked(username=username, sessions_revoked=revoked)


@router.post(
    "/users/{username}/sessions/revoke",
    response_model=SessionsRevoked,
    openapi_extra=requires(Permission.SESSION_REVOKE),
)
def revoke_sessions(username: str, ctx: Context) -> SessionsRevoked:
    """End every session of a user at once (security officer, step-up)."""
    with ctx.transaction() as (session, principal):
        ctx.step_up(principal, Permission.SESSION_REVOKE)
        revoked = service.revoke_sessions(
            session, principal=principal, clock=ctx.runtime.clock, username=username
        )
        return SessionsRevoked(username=username, sessions_revoked=revoked)


@router.post(
    "/gateways",
    response_model=GatewayCreated,
    status_code=status.HTTP_201_CREATED,
    openapi_extra=requires(Permission.GATEWAY_MANAGE),
)
def create_gateway(body: GatewayCreate, ctx: Context) -> GatewayCreated:
    with ctx.transaction() as (session, principal):
        account, key = service.add_gateway(
            session, principal=principal, clock=ctx.runtime.clock, name=body.name
        )
        return GatewayCreated(id=account.id, name=account.name, api_key=key)


def _user_out(user: User) -> UserOut:
    return UserOut(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        role=user.role,
        created_at=user.created_at,
        last_login_at=user.last_login_at,
        disabled_at=user.disabled_at,
        locked_until=user.locked_until,
    )
