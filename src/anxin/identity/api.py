"""Identity routes: login, logout, who am I, and user and gateway administration. Thin."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from anxin.access.declarations import AUTHENTICATED, PUBLIC, requires
from anxin.access.permissions import Permission
from anxin.identity import service
from anxin.identity.deps import Context, RuntimeDep, client_addr
from anxin.identity.models import User
from anxin.identity.schemas import (
    GatewayCreate,
    GatewayCreated,
    LoginRequest,
    LoginResponse,
    Me,
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
            tenant_name=body.tenant,
            username=body.username,
            password=body.password,
            client_addr=client_addr(request),
        )
    return LoginResponse(
        token=result.token,
        expires_at=result.expires_at,
        idle_expires_at=result.idle_expires_at,
        user_id=result.principal.actor_id,
        role=result.principal.role.value,
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
        user = service.disable_user(
            session, principal=principal, clock=ctx.runtime.clock, username=username
        )
        return _user_out(user)


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
    )
