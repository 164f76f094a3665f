"""Identity routes: login, logout, who am I, and user and gateway administration. Thin."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response, status

from anxin.access.declarations import AUTHENTICATED, PUBLIC, requires
from anxin.access.permissions import Permission
from anxin.identity import passkeys, second_factor, service
from anxin.identity.deps import Context, RuntimeDep, client_addr, user_agent
from anxin.identity.errors import SecondFactorInvalid
from anxin.identity.models import User, WebAuthnCredential
from anxin.identity.schemas import (
    GatewayCreate,
    GatewayCreated,
    LoginRequest,
    LoginResponse,
    Me,
    PasskeyAssertion,
    PasskeyOut,
    PasskeyRegistration,
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


_OPTIONS_DOC: dict[int | str, dict[str, Any]] = {
    200: {"description": "WebAuthn options JSON (base64url), for the browser."}
}


@router.post(
    "/me/passkeys/options",
    response_class=Response,
    responses=_OPTIONS_DOC,
    openapi_extra=requires(AUTHENTICATED),
)
def passkey_registration_options(ctx: Context) -> Response:
    """Start registering a passkey: options for navigator.credentials.create() (a platform
    authenticator preferred, user verification required). The challenge lasts 5 minutes."""
    with ctx.transaction(pending_ok=True) as (session, principal):
        options = passkeys.registration_options(
            session,
            principal=principal,
            policy=ctx.runtime.passkey_policy,
            clock=ctx.runtime.clock,
        )
    return Response(content=options, media_type="application/json")


@router.post(
    "/me/passkeys",
    response_model=PasskeyOut,
    status_code=status.HTTP_201_CREATED,
    openapi_extra=requires(AUTHENTICATED),
)
def register_passkey(body: PasskeyRegistration, ctx: Context) -> PasskeyOut:
    """Finish registering: the browser's answer to the options. Counts as this session's
    second-factor verification, like confirming TOTP."""
    with ctx.transaction(pending_ok=True) as (session, principal):
        stored = passkeys.register(
            session,
            principal=principal,
            policy=ctx.runtime.passkey_policy,
            clock=ctx.runtime.clock,
            name=body.name,
            credential=body.credential,
        )
        out = stored if isinstance(stored, SecondFactorInvalid) else _passkey_out(stored)
    if isinstance(out, SecondFactorInvalid):
        raise out  # after the commit: the failed attempt and the spent challenge stay
    return out


@router.get("/me/passkeys", response_model=list[PasskeyOut], openapi_extra=requires(AUTHENTICATED))
def list_passkeys(ctx: Context) -> list[PasskeyOut]:
    with ctx.transaction() as (session, principal):
        return [_passkey_out(c) for c in passkeys.list_passkeys(session, principal=principal)]


@router.delete(
    "/me/passkeys/{passkey_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    openapi_extra=requires(AUTHENTICATED),
)
def delete_passkey(passkey_id: str, ctx: Context) -> Response:
    """Remove one of your passkeys (step-up)."""
    with ctx.transaction() as (session, principal):
        passkeys.delete_passkey(
            session,
            principal=principal,
            clock=ctx.runtime.clock,
            step_up=ctx.runtime.session_policy.step_up,
            passkey_id=passkey_id,
        )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/auth/passkey/options",
    response_class=Response,
    responses=_OPTIONS_DOC,
    openapi_extra=requires(AUTHENTICATED),
)
def passkey_assertion_options(ctx: Context) -> Response:
    """Options for navigator.credentials.get(): your passkeys, user verification required."""
    with ctx.transaction(pending_ok=True) as (session, principal):
        options = passkeys.assertion_options(
            session,
            principal=principal,
            policy=ctx.runtime.passkey_policy,
            clock=ctx.runtime.clock,
        )
    return Response(content=options, media_type="application/json")


@router.post(
    "/auth/passkey", response_model=SecondFactorVerified, openapi_extra=requires(AUTHENTICATED)
)
def verify_passkey(body: PasskeyAssertion, ctx: Context) -> SecondFactorVerified:
    """Complete a login that needs a second factor, or step up, with a passkey."""
    with ctx.transaction(pending_ok=True) as (session, principal):
        refused = passkeys.verify_assertion(
            session,
            principal=principal,
            policy=ctx.runtime.passkey_policy,
            clock=ctx.runtime.clock,
            credential=body.credential,
        )
    if refused is not None:
        raise refused  # after the commit: the failed attempt stays audited
    now = ctx.runtime.clock.now()
    return SecondFactorVerified(
        verified_at=now, step_up_until=now + ctx.runtime.session_policy.step_up
    )


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


def _passkey_out(credential: WebAuthnCredential) -> PasskeyOut:
    return PasskeyOut(
        id=credential.id,
        name=credential.name,
        created_at=credential.created_at,
        last_used_at=credential.last_used_at,
    )
