"""Account-lifecycle routes: leave dates, offboarding and the account reports. Thin."""

from __future__ import annotations

from fastapi import APIRouter

from anxin.access.declarations import requires
from anxin.access.permissions import Permission
from anxin.identity import lifecycle
from anxin.identity.access_schemas import AccountOut, LeaveDate, Offboard, OffboardOut
from anxin.identity.deps import Context
from anxin.identity.lifecycle import AccountRow

router = APIRouter(prefix="/api/v1/users", tags=["identity"])


@router.put(
    "/{username}/leave-date",
    response_model=AccountOut,
    openapi_extra=requires(Permission.USER_MANAGE),
)
def set_leave_date(username: str, body: LeaveDate, ctx: Context) -> AccountOut:
    with ctx.transaction() as (session, principal):
        ctx.step_up(principal, Permission.USER_MANAGE)
        user = lifecycle.set_leave_date(
            session,
            principal=principal,
            clock=ctx.runtime.clock,
            username=username,
            leave_on=body.leave_on,
        )
        return AccountOut(
            user_id=user.id,
            username=user.username,
            role=user.role,
            leave_on=user.leave_on,
            last_login_at=user.last_login_at,
            last_seen_at=None,
            disabled_at=user.disabled_at,
        )


@router.post(
    "/{username}/offboard",
    response_model=OffboardOut,
    openapi_extra=requires(Permission.USER_MANAGE),
)
def offboard(username: str, ctx: Context, body: Offboard | None = None) -> OffboardOut:
    with ctx.transaction() as (session, principal):
        ctx.step_up(principal, Permission.USER_MANAGE)
        done = lifecycle.offboard_user(
            session,
            principal=principal,
            clock=ctx.runtime.clock,
            username=username,
        )
        return OffboardOut(
            user_id=done.user.id,
            username=done.user.username,
            disabled_at=done.user.disabled_at,
            leave_on=done.user.leave_on,
            grants_revoked=done.grants_revoked,
        )


@router.get(
    "/reports/leavers",
    response_model=list[AccountOut],
    openapi_extra=requires(Permission.USER_REPORT_READ),
)
def leavers_report(ctx: Context) -> list[AccountOut]:
    """Accounts still enabled more than 24 hours after their access ended."""
    with ctx.transaction() as (session, principal):
        rows = lifecycle.leavers_report(session, principal=principal, clock=ctx.runtime.clock)
        return [_account_out(r) for r in rows]


@router.get(
    "/reports/privileged",
    response_model=list[AccountOut],
    openapi_extra=requires(Permission.USER_REPORT_READ),
)
def privileged_report(ctx: Context) -> list[AccountOut]:
    """Admins, security officers, privacy officers and auditors, and their last use."""
    with ctx.transaction() as (session, principal):
        rows = lifecycle.privileged_report(session, principal=principal, clock=ctx.runtime.clock)
        return [_account_out(r) for r in rows]


def _account_out(row: AccountRow) -> AccountOut:
    return AccountOut(**{f: getattr(row, f) for f in AccountOut.model_fields})
