"""Temporary-grant routes: request, approve, deny, revoke, list. Thin: access/grants.py
decides (two-person rule, allow-list, durations) and audits."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from anxin.access import grants
from anxin.access.declarations import requires
from anxin.access.grants import GrantStatus
from anxin.access.models import Grant
from anxin.access.permissions import Permission
from anxin.identity.access_schemas import GrantDecision, GrantOut, GrantRequest
from anxin.identity.deps import Context

router = APIRouter(prefix="/api/v1/grants", tags=["grants"])


@router.post(
    "",
    response_model=GrantOut,
    status_code=status.HTTP_201_CREATED,
    openapi_extra=requires(Permission.GRANT_REQUEST),
)
def request_grant(body: GrantRequest, ctx: Context) -> GrantOut:
    with ctx.transaction() as (session, principal):
        grant = grants.request_grant(
            session,
            principal=principal,
            clock=ctx.runtime.clock,
            permission=body.permission,
            scope_type=body.scope_type,
            scope_id=body.scope_id,
            duration_minutes=body.duration_minutes,
            reason=body.reason,
        )
        return grant_out(grant)


@router.get("", response_model=list[GrantOut], openapi_extra=requires(Permission.GRANT_REQUEST))
def list_grants(
    ctx: Context,
    status_: Annotated[GrantStatus | None, Query(alias="status")] = None,
    active: Annotated[bool, Query(description="Only approved, unexpired grants.")] = False,
) -> list[GrantOut]:
    with ctx.transaction() as (session, principal):
        found = grants.list_grants(
            session,
            principal=principal,
            clock=ctx.runtime.clock,
            status=status_,
            active_only=active,
        )
        return [grant_out(g) for g in found]


@router.get(
    "/{grant_id}", response_model=GrantOut, openapi_extra=requires(Permission.GRANT_REQUEST)
)
def get_grant(grant_id: str, ctx: Context) -> GrantOut:
    with ctx.transaction() as (session, principal):
        return grant_out(
            grants.get_grant(
                session, principal=principal, clock=ctx.runtime.clock, grant_id=grant_id
            )
        )


@router.post(
    "/{grant_id}/approve",
    response_model=GrantOut,
    openapi_extra=requires(Permission.GRANT_APPROVE),
)
def approve_grant(grant_id: str, body: GrantDecision, ctx: Context) -> GrantOut:
    """A permission change: the approver steps up first."""
    with ctx.transaction() as (session, principal):
        ctx.step_up(principal, Permission.GRANT_APPROVE)
        grant = grants.approve_grant(
            session,
            principal=principal,
            clock=ctx.runtime.clock,
            grant_id=grant_id,
            reason=body.reason,
        )
        return grant_out(grant)


@router.post(
    "/{grant_id}/deny", response_model=GrantOut, openapi_extra=requires(Permission.GRANT_APPROVE)
)
def deny_grant(grant_id: str, body: GrantDecision, ctx: Context) -> GrantOut:
    with ctx.transaction() as (session, principal):
        grant = grants.deny_grant(
            session,
            principal=principal,
            clock=ctx.runtime.clock,
            grant_id=grant_id,
            reason=body.reason,
        )
        return grant_out(grant)


@router.post(
    "/{grant_id}/revoke",
    response_model=GrantOut,
    openapi_extra=requires(Permission.GRANT_REQUEST),
)
def revoke_grant(grant_id: str, body: GrantDecision, ctx: Context) -> GrantOut:
    with ctx.transaction() as (session, principal):
        grant = grants.revoke_grant(
            session,
            principal=principal,
            clock=ctx.runtime.clock,
            grant_id=grant_id,
            reason=body.reason,
        )
        return grant_out(grant)


def grant_out(grant: Grant) -> GrantOut:
    return GrantOut(
        id=grant.id,
        user_id=grant.user_id,
        permission=grant.permission,
        scope_type=grant.scope_type,
        scope_id=grant.scope_id,
        reason=grant.reason,
        duration_minutes=grant.duration_minutes,
        status=grant.status,
        requested_at=grant.requested_at,
        decided_by=grant.decided_by,
        decided_at=grant.decided_at,
        decision_reason=grant.decision_reason,
        expires_at=grant.expires_at,
    )
