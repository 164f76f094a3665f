"""Account lifecycle: leave dates, offboarding, dormant accounts and the reports that find
the accounts nobody closed.

A leave date is the user's last working day: access ends at the following midnight (UTC).
Logins and sessions after that are refused at authentication (identity/service.py); the
`leavers` job disables such accounts, and the leavers report lists any still enabled more
than a day after access should have ended, i.e. where neither happened.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from anxin.access import grants
from anxin.access.permissions import Permission
from anxin.access.service import authorize
from anxin.audit import service as audit_service
from anxin.audit.actions import AuditAction
from anxin.identity import service as identity_service
from anxin.identity.models import User, UserSession
from anxin.kernel.clock import Clock, as_utc
from anxin.kernel.principal import Principal, Role, system_principal

PRIVILEGED_ROLES = frozenset(
    {Role.ADMIN, Role.SECURITY_OFFICER, Role.PRIVACY_OFFICER, Role.AUDITOR}
)
# How long past the end of access an enabled account is tolerated before the report flags it.
LEAVER_GRACE = dt.timedelta(hours=24)


@dataclasses.dataclass(frozen=True, slots=True)
class Offboarded:
    user: User
    grants_revoked: int


@dataclasses.dataclass(frozen=True, slots=True)
class AccountRow:
    """One line of a report: who, their role and dates; never anything about customers."""

    user_id: str
    username: str
    role: str
    leave_on: dt.date | None
    last_login_at: dt.datetime | None
    last_seen_at: dt.datetime | None
    disabled_at: dt.datetime | None


def access_ends_at(leave_on: dt.date) -> dt.datetime:
    """The end of the last working day: midnight UTC after it."""
    return dt.datetime.combine(leave_on + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)


def set_leave_date(
    session: Session, *, principal: Principal, clock: Clock, username: str, leave_on: dt.date | None
) -> User:
    """Set (or clear, with None) a user's last working day."""
    authorize(principal, Permission.USER_MANAGE, object_type="user")
    user = identity_service.user_named(session, username)
    user.leave_on = leave_on
    session.flush()
    audit_service.append(
        session,
        principal=principal,
        action=AuditAction.USER_LEAVE_DATE,
        object_type="user",
        object_id=user.id,
        now=clock.now(),
        detail={"leave_on": leave_on.isoformat() if leave_on else None},
    )
    return user


def offboard_user(
    session: Session, *, principal: Principal, clock: Clock, username: str, why: str = "offboard"
) -> Offboarded:
    """Disable the account, revoke every session and every grant, record the leave date."""
    user = identity_service.disable_user(
        session, principal=principal, clock=clock, username=username
    )
    now = clock.now()
    if user.leave_on is None or user.leave_on > now.date():
        user.leave_on = now.date()
    revoked = grants.revoke_all_of_user(
        session, principal=principal, clock=clock, user_id=user.id, reason=why
    )
    session.flush()
    audit_service.append(
        session,
        principal=principal,
        action=AuditAction.USER_OFFBOARD,
        object_type="user",
        object_id=user.id,
        now=now,
        detail={"why": why, "grants_revoked": revoked, "leave_on": user.leave_on.isoformat()},
    )
    return Offboarded(user=user, grants_revoked=revoked)


def leavers_report(session: Session, *, principal: Principal, clock: Clock) -> list[AccountRow]:
    """Accounts still enabled more than LEAVER_GRACE after their access should have ended."""
    authorize(principal, Permission.USER_REPORT_READ, object_type="report")
    now = clock.now()
    # Enabled accounts past their leave date are few; the exact cut is made here.
    candidates = session.scalars(
        select(User)
        .where(User.leave_on < now.date(), User.disabled_at.is_(None))
        .order_by(User.leave_on, User.username)
    ).all()
    overdue = [
        u for u in candidates if u.leave_on and access_ends_at(u.leave_on) + LEAVER_GRACE < now
    ]
    rows = _rows(session, overdue)
    _audit_report(session, principal, now, "leavers", len(rows))
    return rows


def privileged_report(session: Session, *, principal: Principal, clock: Clock) -> list[AccountRow]:
    """Every admin, security officer, privacy officer and auditor, and when each last acted."""
    authorize(principal, Permission.USER_REPORT_READ, object_type="report")
    users = session.scalars(
        select(User)
        .where(User.role.in_(sorted(r.value for r in PRIVILEGED_ROLES)))
        .order_by(User.role, User.username)
    ).all()
    rows = _rows(session, users)
    _audit_report(session, principal, clock.now(), "privileged", len(rows))
    return rows


def disable_dormant(session: Session, *, tenant_id: str, clock: Clock, days: int) -> list[str]:
    """Disable (and strip of sessions and grants) every account unused for `days` days: no
    login since then, or never logged in and created before then. Returns the usernames."""
    cutoff = clock.now() - dt.timedelta(days=days)
    unused = or_(
        User.last_login_at <= cutoff,
        and_(User.last_login_at.is_(None), User.created_at <= cutoff),
    )
    names = session.scalars(
        select(User.username).where(User.disabled_at.is_(None), unused).order_by(User.username)
    ).all()
    system = system_principal(tenant_id, name="dormant")
    for name in names:
        done = offboard_user(session, principal=system, clock=clock, username=name, why="dormant")
        audit_service.append(
            session,
            principal=system,
            action=AuditAction.USER_DORMANT,
            object_type="user",
            object_id=done.user.id,
            now=clock.now(),
            detail={"days": days},
        )
    return list(names)


def disable_leavers(session: Session, *, tenant_id: str, clock: Clock) -> list[str]:
    """Disable every enabled account whose access ended (the day after its leave date)."""
    today = clock.now().date()
    names = session.scalars(
        select(User.username)
        .where(User.leave_on < today, User.disabled_at.is_(None))
        .order_by(User.username)
    ).all()
    system = system_principal(tenant_id, name="leavers")
    for name in names:
        done = offboard_user(session, principal=system, clock=clock, username=name, why="left")
        audit_service.append(
            session,
            principal=system,
            action=AuditAction.USER_LEFT,
            object_type="user",
            object_id=done.user.id,
            now=clock.now(),
            detail={"leave_on": done.user.leave_on.isoformat() if done.user.leave_on else None},
        )
    return list(names)


def _rows(session: Session, users: Sequence[User]) -> list[AccountRow]:
    listed = list(users)
    seen: dict[str, dt.datetime] = {
        row.user_id: row.last_seen
        for row in session.execute(
            select(UserSession.user_id, func.max(UserSession.last_seen_at).label("last_seen"))
            .where(UserSession.user_id.in_([u.id for u in listed]))
            .group_by(UserSession.user_id)
        )
    }
    return [
        AccountRow(
            user_id=u.id,
            username=u.username,
            role=u.role,
            leave_on=u.leave_on,
            last_login_at=u.last_login_at,
            last_seen_at=as_utc(seen[u.id]) if seen.get(u.id) else None,
            disabled_at=u.disabled_at,
        )
        for u in listed
    ]


def _audit_report(
    session: Session, principal: Principal, now: dt.datetime, report: str, count: int
) -> None:
    audit_service.append(
        session,
        principal=principal,
        action=AuditAction.USER_REPORT,
        object_type="report",
        object_id=None,
        now=now,
        detail={"report": report, "count": count},
    )
