"""Use cases of the audit log's readers: authorize, read, record the read in the same
transaction, return. The API and the CLI both come through here.

Every read is itself an event of the tenant's log (audit:event:search, audit:report:customer
...) carrying the filter or range it used, so "who looked at the log, for what" is answerable
from the log. Queries live in anxin.audit (search.py, reports.py, tlog_json.py), which knows
nothing of roles.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from anxin.access.permissions import Permission
from anxin.access.service import authorize
from anxin.audit import checkpoints, merkle, reports, schedule, search, tlog_json
from anxin.audit import service as audit_service
from anxin.audit.actions import AuditAction
from anxin.audit.checkpoints import StoredCheckpoint
from anxin.audit.export import ExportFormat
from anxin.audit.search import EventFilter, EventRow, Page, SearchResult
from anxin.audit.signing_key import SigningKey
from anxin.audit.stored_tree import StoredTree
from anxin.config import Settings
from anxin.db.database import Database
from anxin.identity.models import User
from anxin.kernel.clock import Clock
from anxin.kernel.principal import ActorType, Principal, Role
from anxin.oversight.errors import NoCheckpoint, ProofRange, ReaderUnavailable, TimeRangeInvalid

LOG = "audit_log"
DAILY_DEFAULT_DAYS = 7
DAILY_MAX_DAYS = 366
EXPORT_CHUNK = 1000


def _authorize(
    principal: Principal,
    permission: Permission,
    *,
    object_type: str = LOG,
    object_id: str | None = None,
) -> str:
    """Allow or raise AccessDenied; the tenant whose log the principal may read. Only tenant
    roles hold audit permissions (the operator none), and the platform log is not read here."""
    authorize(
        principal,
        permission,
        object_type=object_type,
        object_id=object_id,
        condition=principal.tenant_id is not None,
    )
    assert principal.tenant_id is not None  # noqa: S101 - the condition above
    return principal.tenant_id


def _record(
    session: Session,
    principal: Principal,
    clock: Clock,
    action: AuditAction,
    detail: dict[str, Any],
    *,
    object_type: str = LOG,
    object_id: str | None = None,
) -> None:
    audit_service.append(
        session,
        principal=principal,
        action=action,
        object_type=object_type,
        object_id=object_id,
        now=clock.now(),
        detail=detail,
    )


def check_range(since: dt.datetime | None, until: dt.datetime | None) -> None:
    if since is not None and until is not None and not since < until:
        raise TimeRangeInvalid("`since` must come before `until` (the range is [since, until))")


def actor_id_of(session: Session, actor: str) -> str:
    """A username of the tenant resolves to that user's id; anything else (a gateway's or a
    job's actor id, a user id) is taken as the actor id itself."""
    user_id = session.scalar(select(User.id).where(User.username == actor))
    return user_id or actor


def resolve_filter(session: Session, where: EventFilter) -> EventFilter:
    check_range(where.since, where.until)
    if where.actor_id is None:
        return where
    return dataclasses.replace(where, actor_id=actor_id_of(session, where.actor_id))


def reader_principal(session: Session, *, tenant_id: str, username: str) -> Principal:
    """The command line's principal for reading the log: a named, enabled user of the tenant,
    whose role decides what they may read, and whom the log records as the reader.

    Not the system principal the other commands use: no platform job may read the log, and
    whoever holds the database could read it anyway, so what the CLI adds is accountability,
    a person on record for each read. It cannot authenticate them; a password prompt would
    prove nothing to someone who holds the database and the key file.
    """
    query = select(User).where(User.tenant_id == tenant_id, User.username == username)
    user = session.scalar(query)
    if user is None or user.disabled_at is not None:
        raise ReaderUnavailable(f"{username!r} is not an enabled user of the tenant")
    return Principal(
        tenant_id=tenant_id,
        actor_type=ActorType.USER,
        actor_id=user.id,
        role=Role(user.role),
        name=user.username,
    )


# -- search and export -----------------------------------------------------------------------


def search_events(
    session: Session, *, principal: Principal, clock: Clock, where: EventFilter, page: Page
) -> SearchResult:
    """One page of matching events; `where.actor_id` may be a username."""
    tenant_id = _authorize(principal, Permission.AUDIT_READ)
    where = resolve_filter(session, where)
    found = search.search(session.connection(), tenant_id=tenant_id, where=where, page=page)
    detail = {
        "filter": where.as_detail(),
        "page": {"after": page.after, "before": page.before, "limit": page.limit},
        "order": page.order.value,
        "returned": len(found.events),
    }
    _record(session, principal, clock, AuditAction.AUDIT_SEARCH, detail)
    return found


@dataclasses.dataclass(frozen=True, slots=True)
class ExportPlan:
    """An export as recorded: the filter, and the last sequence number it may include, so what
    the file holds is exactly defined by its audit event however long streaming takes."""

    tenant_id: str
    where: EventFilter
    through_seq: int
    format: ExportFormat


def begin_export(
    session: Session, *, principal: Principal, clock: Clock, where: EventFilter, fmt: ExportFormat
) -> ExportPlan:
    """Authorize and record an export; the caller commits, then streams `export_chunks`.

    Recorded before the first byte leaves (not with the read, as other reads are): a client
    that disconnects half way must not take the record of what it received with it.
    """
    tenant_id = _authorize(principal, Permission.AUDIT_EXPORT)
    where = resolve_filter(session, where)
    through = audit_service.last_seq(session.connection(), tenant_id)
    detail = {"filter": where.as_detail(), "format": fmt.value, "through_seq": through}
    _record(session, principal, clock, AuditAction.AUDIT_EXPORT, detail)
    return ExportPlan(tenant_id, where, through, fmt)


def export_chunks(db: Database, plan: ExportPlan) -> Iterator[list[EventRow]]:
    """The planned export in ascending seq, one short read transaction per chunk.

    The log is append-only and the plan bounds the sequence numbers, so chunks read in
    separate transactions make one consistent export without holding a transaction open
    while a slow client downloads.
    """
    cursor: int | None = None
    while True:
        page = Page(after=cursor, before=plan.through_seq + 1, limit=EXPORT_CHUNK)
        with db.unit_of_work(tenant_id=plan.tenant_id) as session:
            found = search.search(
                session.connection(), tenant_id=plan.tenant_id, where=plan.where, page=page
            )
        if found.events:
            yield found.events
        if found.next_cursor is None:
            return
        cursor = found.next_cursor


# -- reports ---------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, slots=True)
class Person:
    username: str
    role: str


def people(session: Session, actor_ids: set[str]) -> dict[str, Person]:
    """Usernames and current roles of the actors that are users of the tenant."""
    if not actor_ids:
        return {}
    rows = session.execute(
        select(User.id, User.username, User.role).where(User.id.in_(sorted(actor_ids)))
    )
    return {user_id: Person(username, role) for user_id, username, role in rows}


def _range_detail(since: dt.datetime | None, until: dt.datetime | None) -> dict[str, Any]:
    return {
        "since": since.isoformat() if since else None,
        "until": until.isoformat() if until else None,
    }


def user_report(
    session: Session,
    *,
    principal: Principal,
    clock: Clock,
    user: str,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> reports.UserActivity:
    """What one user (a username, or any actor id) did in [since, until)."""
    tenant_id = _authorize(principal, Permission.AUDIT_USER_REPORT, object_type="user")
    check_range(since, until)
    actor_id = actor_id_of(session, user)
    activity = reports.user_activity(
        session.connection(),
        tenant_id=tenant_id,
        actor_id=actor_id,
        since=since,
        until=until,
    )
    detail = _range_detail(since, until) | {"events": activity.events}
    _record(
        session,
        principal,
        clock,
        AuditAction.AUDIT_USER_REPORT,
        detail,
        object_type="user",
        object_id=actor_id,
    )
    return activity


@dataclasses.dataclass(frozen=True, slots=True)
class CustomerReport:
    activity: reports.CustomerActivity
    people: dict[str, Person]


def customer_report(
    session: Session,
    *,
    principal: Principal,
    clock: Clock,
    customer_id: str,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> CustomerReport:
    """Who touched one customer's data, when, with which fields (data-subject requests).

    Recorded with the customer as its object, not in `customer_id`: reading the log about a
    customer reads nobody's personal data, and should not show up as an access to it.
    """
    tenant_id = _authorize(
        principal, Permission.AUDIT_CUSTOMER_REPORT, object_type="customer", object_id=customer_id
    )
    check_range(since, until)
    activity = reports.customer_activity(
        session.connection(),
        tenant_id=tenant_id,
        customer_id=customer_id,
        since=since,
        until=until,
    )
    detail = _range_detail(since, until) | {"events": activity.events}
    _record(
        session,
        principal,
        clock,
        AuditAction.AUDIT_CUSTOMER_REPORT,
        detail,
        object_type="customer",
        object_id=customer_id,
    )
    return CustomerReport(activity, people(session, set(activity.actors)))


def daily_range(
    clock: Clock, since: dt.datetime | None, until: dt.datetime | None
) -> tuple[dt.datetime, dt.datetime]:
    """[since, until): by default the last seven whole UTC days and today; at most a year."""
    now = clock.now()
    until = until or dt.datetime.combine(now.date() + dt.timedelta(days=1), dt.time(), dt.UTC)
    since = since or until - dt.timedelta(days=DAILY_DEFAULT_DAYS + 1)
    check_range(since, until)
    if until - since > dt.timedelta(days=DAILY_MAX_DAYS):
        raise TimeRangeInvalid(f"a daily report covers at most {DAILY_MAX_DAYS} days")
    return since, until


def daily_report(
    session: Session,
    *,
    principal: Principal,
    clock: Clock,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> tuple[dt.datetime, dt.datetime, list[reports.DaySummary]]:
    tenant_id = _authorize(principal, Permission.AUDIT_DAILY_REPORT)
    since, until = daily_range(clock, since, until)
    days = reports.daily(session.connection(), tenant_id=tenant_id, since=since, until=until)
    _record(session, principal, clock, AuditAction.AUDIT_DAILY_REPORT, _range_detail(since, until))
    return since, until, days


# -- checkpoints and proofs ------------------------------------------------------------------


def latest_checkpoint(session: Session, *, principal: Principal, clock: Clock) -> StoredCheckpoint:
    tenant_id = _authorize(principal, Permission.AUDIT_READ)
    found = checkpoints.latest(session.connection(), tenant_id)
    if found is None:
        raise NoCheckpoint("no checkpoint has been signed for this tenant's log yet")
    detail = {"tree_size": found.tree_size}
    _record(session, principal, clock, AuditAction.AUDIT_CHECKPOINT_READ, detail)
    return found


def make_checkpoint(
    session: Session, *, principal: Principal, clock: Clock, key: SigningKey, origin_prefix: str
) -> tuple[StoredCheckpoint, bool]:
    """Sign the log at its current size now (an unchanged log keeps its latest checkpoint)."""
    tenant_id = _authorize(principal, Permission.AUDIT_CHECKPOINT)
    made, is_new = checkpoints.make_checkpoint(
        session.connection(),
        tenant_id=tenant_id,
        key=key,
        origin_prefix=origin_prefix,
        now=clock.now(),
    )
    detail = {"tree_size": made.tree_size, "new": is_new}
    _record(session, principal, clock, AuditAction.AUDIT_CHECKPOINT, detail)
    return made, is_new


def publish_checkpoint(
    db: Database, *, principal: Principal, clock: Clock, settings: Settings, made: StoredCheckpoint
) -> bool | None:
    """Send a new checkpoint to the deployment's witness, as the scheduled job does; whether
    it arrived, None when no witness is configured. The attempt is recorded either way."""
    witness = schedule.WitnessSettings.configured(settings)
    if witness is None:
        return None
    error = schedule.publish_checkpoint(
        db,
        principal=principal,
        made=made,
        origin=checkpoints.origin(settings.audit_origin_prefix, principal.tenant_id),
        witness=witness,
        now=clock.now(),
    )
    return error is None


def _size_or_checkpoint(session: Session, tenant_id: str, size: int | None) -> int:
    """A proof's tree size: the one asked for, else the latest checkpoint's (what a verifier
    holds a signature for)."""
    if size is not None:
        return size
    found = checkpoints.latest(session.connection(), tenant_id)
    if found is None:
        raise NoCheckpoint("no checkpoint yet: give the tree size explicitly")
    return found.tree_size


def _proof(
    session: Session,
    principal: Principal,
    clock: Clock,
    action: AuditAction,
    build: Callable[[], dict[str, Any]],
    detail: dict[str, Any],
) -> dict[str, Any]:
    try:
        document = build()
    except merkle.ProofRangeError as exc:
        raise ProofRange(str(exc)) from None
    _record(session, principal, clock, action, detail)
    return document


def inclusion_proof(
    session: Session,
    *,
    principal: Principal,
    clock: Clock,
    origin_prefix: str,
    index: int,
    size: int | None = None,
) -> dict[str, Any]:
    """An anxin-tlog-inclusion/v1 document for leaf `index` in the tree of `size` leaves."""
    tenant_id = _authorize(principal, Permission.AUDIT_READ)
    size = _size_or_checkpoint(session, tenant_id, size)
    tree = StoredTree(session.connection(), tenant_id)
    origin = checkpoints.origin(origin_prefix, tenant_id)

    def build() -> dict[str, Any]:
        return tlog_json.inclusion_from_tree(tree, origin=origin, leaf_index=index, tree_size=size)

    detail = {"proof": "inclusion", "leaf_index": index, "tree_size": size}
    return _proof(session, principal, clock, AuditAction.AUDIT_PROVE, build, detail)


def consistency_proof(
    session: Session,
    *,
    principal: Principal,
    clock: Clock,
    origin_prefix: str,
    old_size: int,
    new_size: int | None = None,
) -> dict[str, Any]:
    """An anxin-tlog-consistency/v1 document: the log at `new_size` extends `old_size`."""
    tenant_id = _authorize(principal, Permission.AUDIT_READ)
    new_size = _size_or_checkpoint(session, tenant_id, new_size)
    tree = StoredTree(session.connection(), tenant_id)
    origin = checkpoints.origin(origin_prefix, tenant_id)

    def build() -> dict[str, Any]:
        return tlog_json.consistency_from_tree(
            tree, origin=origin, old_size=old_size, new_size=new_size
        )

    detail = {"proof": "consistency", "old_size": old_size, "new_size": new_size}
    return _proof(session, principal, clock, AuditAction.AUDIT_PROVE, build, detail)


def leaves(
    session: Session,
    *,
    principal: Principal,
    clock: Clock,
    origin_prefix: str,
    size: int | None = None,
) -> dict[str, Any]:
    """An anxin-tlog-leaves/v1 document: the first `size` leaf hashes (to recompute a root)."""
    tenant_id = _authorize(principal, Permission.AUDIT_READ)
    size = _size_or_checkpoint(session, tenant_id, size)
    tree = StoredTree(session.connection(), tenant_id)
    origin = checkpoints.origin(origin_prefix, tenant_id)

    def build() -> dict[str, Any]:
        return tlog_json.leaves_from_tree(tree, origin=origin, tree_size=size)

    detail = {"tree_size": size}
    return _proof(session, principal, clock, AuditAction.AUDIT_LEAVES_READ, build, detail)
