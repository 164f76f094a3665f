"""Temporary grants: a permission for a scope and a duration, asked for with a reason and
approved (or denied) by someone else who holds the approval permission.

requested -> approved (until `expires_at`) | denied | revoked; approved -> revoked | expired;
a request nobody decides within PENDING_TTL expires too. A grant past `expires_at` stops
counting at once, because the edge loads only unexpired ones (`active_keys`); the `grants`
job and every listing then mark it `expired`, so the table tells the truth as well.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from anxin.access.errors import GrantNotFound, GrantNotPending, NotGrantable, SelfApproval
from anxin.access.models import Grant
from anxin.access.permissions import GRANTABLE, Permission
from anxin.access.service import authorize, can
from anxin.audit import service as audit_service
from anxin.audit.actions import AuditAction
from anxin.kernel.clock import Clock, as_utc
from anxin.kernel.errors import InvalidInput
from anxin.kernel.ids import is_id, new_id
from anxin.kernel.principal import ActorType, GrantKey, Principal, system_principal

MIN_MINUTES = 1
MAX_MINUTES = 7 * 24 * 60
MAX_REASON_CHARS = 500
PENDING_TTL = dt.timedelta(days=7)


class GrantStatus(enum.StrEnum):
    REQUESTED = "requested"
    APPROVED = "approved"
    DENIED = "denied"
    REVOKED = "revoked"
    EXPIRED = "expired"


def request_grant(
    session: Session,
    *,
    principal: Principal,
    clock: Clock,
    permission: Permission,
    scope_type: str,
    scope_id: str | None,
    duration_minutes: int,
    reason: str,
) -> Grant:
    """Ask for `permission` on one object (scope_id) or on every object of the type (None)."""
    authorize(principal, Permission.GRANT_REQUEST, object_type="grant")
    if principal.actor_type is not ActorType.USER or principal.tenant_id is None:
        raise InvalidInput("only staff users can request grants")
    _check_grantable(principal, permission, scope_type=scope_type, scope_id=scope_id)
    if not MIN_MINUTES <= duration_minutes <= MAX_MINUTES:
        raise InvalidInput(f"duration_minutes must be {MIN_MINUTES} to {MAX_MINUTES}")
    if not reason.strip() or len(reason) > MAX_REASON_CHARS:
        raise InvalidInput(f"a reason of 1 to {MAX_REASON_CHARS} characters is required")
    now = clock.now()
    grant = Grant(
        id=new_id(),
        tenant_id=principal.tenant_id,
        user_id=principal.actor_id,
        permission=permission.value,
        scope_type=scope_type,
        scope_id=scope_id,
        reason=reason.strip(),
        duration_minutes=duration_minutes,
        status=GrantStatus.REQUESTED.value,
        requested_at=now,
    )
    session.add(grant)
    session.flush()
    _audit(session, principal, AuditAction.GRANT_REQUEST, grant, now)
    return grant


def approve_grant(
    session: Session, *, principal: Principal, clock: Clock, grant_id: str, reason: str | None
) -> Grant:
    """Approve a pending request; it counts from now for its duration."""
    return _decide(session, principal, clock, grant_id, reason, GrantStatus.APPROVED)


def deny_grant(
    session: Session, *, principal: Principal, clock: Clock, grant_id: str, reason: str | None
) -> Grant:
    return _decide(session, principal, clock, grant_id, reason, GrantStatus.DENIED)


def _decide(
    session: Session,
    principal: Principal,
    clock: Clock,
    grant_id: str,
    reason: str | None,
    status: GrantStatus,
) -> Grant:
    """An approver's decision on someone else's pending request, recorded and audited."""
    now = clock.now()
    grant = _decidable(session, principal, grant_id, now)
    grant.status = status.value
    grant.decided_by = principal.actor_id
    grant.decided_at = now
    grant.decision_reason = reason
    if status is GrantStatus.APPROVED:
        grant.expires_at = now + dt.timedelta(minutes=grant.duration_minutes)
    session.flush()
    action = AuditAction.GRANT_APPROVE if status is GrantStatus.APPROVED else AuditAction.GRANT_DENY
    _audit(session, principal, action, grant, now)
    return grant


def revoke_grant(
    session: Session, *, principal: Principal, clock: Clock, grant_id: str, reason: str | None
) -> Grant:
    """End a pending or approved grant early: an approver may, and so may its holder."""
    authorize(principal, Permission.GRANT_REQUEST, object_type="grant", object_id=grant_id)
    grant = _get(session, principal, grant_id)
    if grant.user_id != principal.actor_id:
        authorize(principal, Permission.GRANT_APPROVE, object_type="grant", object_id=grant.id)
    now = clock.now()
    if not _is_live(grant, now):
        raise GrantNotPending(f"a {_status_at(grant, now)} grant cannot be revoked")
    grant.status = GrantStatus.REVOKED.value
    grant.decided_by = grant.decided_by or principal.actor_id
    grant.decision_reason = reason or grant.decision_reason
    grant.expires_at = now if grant.expires_at is not None else None
    session.flush()
    _audit(session, principal, AuditAction.GRANT_REVOKE, grant, now)
    return grant


def list_grants(
    session: Session,
    *,
    principal: Principal,
    clock: Clock,
    status: GrantStatus | None = None,
    active_only: bool = False,
) -> list[Grant]:
    """Approvers see the tenant's grants; everyone else sees their own. Newest first."""
    authorize(principal, Permission.GRANT_REQUEST, object_type="grant")
    now = clock.now()
    if principal.tenant_id is not None:
        expire_due(session, tenant_id=principal.tenant_id, clock=clock)
    query = select(Grant).order_by(Grant.requested_at.desc(), Grant.id.desc()).limit(500)
    if not can(principal, Permission.GRANT_APPROVE):
        query = query.where(Grant.user_id == principal.actor_id)
    if active_only:
        query = query.where(Grant.status == GrantStatus.APPROVED.value, Grant.expires_at > now)
    elif status is not None:
        query = query.where(Grant.status == status.value)
    grants = list(session.scalars(query))
    audit_service.append(
        session,
        principal=principal,
        action=AuditAction.GRANT_LIST,
        object_type="grant",
        object_id=None,
        now=now,
        detail={"count": len(grants), "active_only": active_only},
    )
    return grants


def get_grant(session: Session, *, principal: Principal, clock: Clock, grant_id: str) -> Grant:
    """One grant: its holder's, or any of the tenant's for an approver; else not found."""
    authorize(principal, Permission.GRANT_REQUEST, object_type="grant")
    grant = _get(session, principal, grant_id)
    if grant.user_id != principal.actor_id and not can(principal, Permission.GRANT_APPROVE):
        raise GrantNotFound()
    _audit(session, principal, AuditAction.GRANT_READ, grant, clock.now())
    return grant


def revoke_all_of_user(
    session: Session, *, principal: Principal, clock: Clock, user_id: str, reason: str
) -> int:
    """Revoke every pending or approved grant of a user (offboarding, dormancy)."""
    now = clock.now()
    live = session.scalars(
        select(Grant).where(
            Grant.user_id == user_id,
            Grant.status.in_([GrantStatus.REQUESTED.value, GrantStatus.APPROVED.value]),
        )
    ).all()
    for grant in live:
        grant.status = GrantStatus.REVOKED.value
        grant.decision_reason = reason
        if grant.expires_at is not None:
            grant.expires_at = min(grant.expires_at, now)
        _audit(session, principal, AuditAction.GRANT_REVOKE, grant, now, reason=reason)
    session.flush()
    return len(live)


def expire_due(session: Session, *, tenant_id: str, clock: Clock) -> int:
    """Mark approved grants past their end, and requests nobody decided in time, expired."""
    now = clock.now()
    due: Sequence[Grant] = session.scalars(
        select(Grant).where(
            Grant.tenant_id == tenant_id,
            or_(
                (Grant.status == GrantStatus.APPROVED.value) & (Grant.expires_at <= now),
                (Grant.status == GrantStatus.REQUESTED.value)
                & (Grant.requested_at <= now - PENDING_TTL),
            ),
        )
    ).all()
    system = system_principal(tenant_id, name="grants")
    for grant in due:
        grant.status = GrantStatus.EXPIRED.value
        _audit(session, system, AuditAction.GRANT_EXPIRE, grant, now)
    session.flush()
    return len(due)


def active_keys(
    session: Session, *, tenant_id: str, user_id: str, now: dt.datetime
) -> frozenset[GrantKey]:
    """What authorize() needs, in one query on ix_grants_user_status; runs on every request."""
    rows = session.execute(
        select(Grant.permission, Grant.scope_type, Grant.scope_id).where(
            Grant.tenant_id == tenant_id,
            Grant.user_id == user_id,
            Grant.status == GrantStatus.APPROVED.value,
            Grant.expires_at > now,
        )
    ).all()
    return frozenset((r.permission, r.scope_type, r.scope_id) for r in rows)


def _check_grantable(
    principal: Principal, permission: Permission, *, scope_type: str, scope_id: str | None
) -> None:
    def refuse(detail: str) -> NotGrantable:
        return NotGrantable(
            detail, permission=permission.value, object_type=scope_type, object_id=scope_id
        )

    expected = GRANTABLE.get(permission)
    if expected is None:
        raise refuse(f"{permission.value} is not a grantable permission")
    if scope_type != expected:
        raise refuse(f"{permission.value} is granted on scope type {expected!r}")
    # A grant for every object of a permission the role already has would add nothing; one
    # scoped to an object lifts the object rule (assignment) for that object only.
    if scope_id is None and can(principal, permission):
        raise refuse(f"your role already has {permission.value}; name one object (scope_id)")


def _decidable(session: Session, principal: Principal, grant_id: str, now: dt.datetime) -> Grant:
    authorize(principal, Permission.GRANT_APPROVE, object_type="grant", object_id=grant_id)
    grant = _get(session, principal, grant_id)
    if grant.user_id == principal.actor_id:
        raise SelfApproval(
            "ask another approver",
            permission=Permission.GRANT_APPROVE.value,
            object_type="grant",
            object_id=grant.id,
        )
    status = _status_at(grant, now)
    if status != GrantStatus.REQUESTED.value:
        raise GrantNotPending(f"the grant is {status}, not requested")
    return grant


def _get(session: Session, principal: Principal, grant_id: str) -> Grant:
    grant = session.get(Grant, grant_id) if is_id(grant_id) else None
    if grant is None or grant.tenant_id != principal.tenant_id:
        raise GrantNotFound()
    return grant


def _is_live(grant: Grant, now: dt.datetime) -> bool:
    return _status_at(grant, now) in {GrantStatus.REQUESTED.value, GrantStatus.APPROVED.value}


def _status_at(grant: Grant, now: dt.datetime) -> str:
    """The status as of now: an approved grant past its end is expired, marked or not."""
    approved = grant.status == GrantStatus.APPROVED.value
    if approved and grant.expires_at is not None and as_utc(grant.expires_at) <= now:
        return GrantStatus.EXPIRED.value
    requested = grant.status == GrantStatus.REQUESTED.value
    if requested and as_utc(grant.requested_at) <= now - PENDING_TTL:
        return GrantStatus.EXPIRED.value
    return grant.status


def _audit(
    session: Session,
    principal: Principal,
    action: AuditAction,
    grant: Grant,
    now: dt.datetime,
    *,
    reason: str | None = None,
) -> None:
    # The reason texts stay in the grant row; the event names the grant and what it carries.
    detail: dict[str, str | int | None] = {
        "user_id": grant.user_id,
        "permission": grant.permission,
        "scope_type": grant.scope_type,
        "scope_id": grant.scope_id,
        "status": grant.status,
    }
    if action is AuditAction.GRANT_REQUEST:
        detail["duration_minutes"] = grant.duration_minutes
    if reason is not None:
        detail["by"] = reason
    audit_service.append(
        session,
        principal=principal,
        action=action,
        object_type="grant",
        object_id=grant.id,
        now=now,
        detail=detail,
    )
