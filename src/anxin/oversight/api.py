"""Audit-log routes: search, export, reports, checkpoints and proofs. Thin: parse, call
oversight.service with the principal, shape the answer."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Query
from fastapi.responses import PlainTextResponse, StreamingResponse

from anxin.access.declarations import requires
from anxin.access.permissions import Permission
from anxin.audit import export
from anxin.audit.export import ExportFormat
from anxin.identity.deps import Context
from anxin.oversight import service
from anxin.oversight.schemas import (
    CheckpointOut,
    ConsistencyParams,
    CustomerAccessOut,
    CustomerReportOut,
    DailyReportOut,
    DayOut,
    EventOut,
    ExportParams,
    InclusionParams,
    LeavesParams,
    RangeParams,
    SearchOut,
    SearchParams,
    UserReportOut,
)

router = APIRouter(prefix="/api/v1/audit", tags=["audit"])

_ACCEPTED = {
    "text/csv": ExportFormat.CSV,
    "application/x-ndjson": ExportFormat.JSONL,
    "application/jsonl": ExportFormat.JSONL,
}


@router.get("/events", response_model=SearchOut, openapi_extra=requires(Permission.AUDIT_READ))
def search_events(params: Annotated[SearchParams, Query()], ctx: Context) -> SearchOut:
    """The tenant's events matching every filter given, one keyset page in seq order."""
    with ctx.transaction() as (session, principal):
        found = service.search_events(
            session,
            principal=principal,
            clock=ctx.runtime.clock,
            where=params.to_filter(),
            page=params.to_page(),
        )
        events = [EventOut.model_validate(e, from_attributes=True) for e in found.events]
        return SearchOut(events=events, next_cursor=found.next_cursor)


def export_format(fmt: ExportFormat | None, accept: str | None) -> ExportFormat:
    """`format=` wins; else the first type of Accept we serve; else CSV."""
    if fmt is not None:
        return fmt
    for part in (accept or "").split(","):
        found = _ACCEPTED.get(part.split(";")[0].strip().lower())
        if found is not None:
            return found
    return ExportFormat.CSV


@router.get(
    "/events/export",
    response_class=StreamingResponse,
    openapi_extra=requires(Permission.AUDIT_EXPORT),
)
def export_events(
    params: Annotated[ExportParams, Query()],
    ctx: Context,
    accept: Annotated[str | None, Header()] = None,
) -> StreamingResponse:
    """Every matching event as CSV or JSON Lines (docs/audit.md lists the columns). Needs a
    second factor verified within the step-up window. Recorded before streaming starts, with
    the filter and the last seq the file may hold."""
    chosen = export_format(params.format, accept)
    with ctx.transaction() as (session, principal):
        ctx.step_up(principal, Permission.AUDIT_EXPORT)
        plan = service.begin_export(
            session,
            principal=principal,
            clock=ctx.runtime.clock,
            where=params.to_filter(),
            fmt=chosen,
        )
    body = export.render(chosen, service.export_chunks(ctx.runtime.db, plan))
    name = f"audit-{plan.tenant_id}-through-{plan.through_seq}.{chosen.value}"
    disposition = {"Content-Disposition": f'attachment; filename="{name}"'}
    return StreamingResponse(body, media_type=chosen.media_type, headers=disposition)


@router.get(
    "/reports/users/{user}",
    response_model=UserReportOut,
    openapi_extra=requires(Permission.AUDIT_USER_REPORT),
)
def user_report(user: str, params: Annotated[RangeParams, Query()], ctx: Context) -> UserReportOut:
    """What one user (a username, or any actor id) did: actions, customers, fields."""
    with ctx.transaction() as (session, principal):
        activity = service.user_report(
            session,
            principal=principal,
            clock=ctx.runtime.clock,
            user=user,
            since=params.since,
            until=params.until,
        )
        person = service.people(session, {activity.actor_id}).get(activity.actor_id)
        return UserReportOut(
            **_fields(activity, UserReportOut, exclude={"username", "since", "until"}),
            username=person.username if person else None,
            since=params.since,
            until=params.until,
        )


@router.get(
    "/reports/customers/{customer_id}",
    response_model=CustomerReportOut,
    openapi_extra=requires(Permission.AUDIT_CUSTOMER_REPORT),
)
def customer_report(
    customer_id: str, params: Annotated[RangeParams, Query()], ctx: Context
) -> CustomerReportOut:
    """Who touched this customer's data, when, and which fields (data-subject requests)."""
    with ctx.transaction() as (session, principal):
        report = service.customer_report(
            session,
            principal=principal,
            clock=ctx.runtime.clock,
            customer_id=customer_id,
            since=params.since,
            until=params.until,
        )
    activity = report.activity
    accesses = []
    for access in activity.accesses:
        person = report.people.get(access.actor_id)
        accesses.append(
            CustomerAccessOut(
                **_fields(access, CustomerAccessOut, exclude={"username", "role"}),
                username=person.username if person else None,
                role=person.role if person else None,
            )
        )
    return CustomerReportOut(
        **_fields(activity, CustomerReportOut, exclude={"since", "until", "accesses"}),
        since=params.since,
        until=params.until,
        accesses=accesses,
    )


@router.get(
    "/reports/daily",
    response_model=DailyReportOut,
    openapi_extra=requires(Permission.AUDIT_DAILY_REPORT),
)
def daily_report(params: Annotated[RangeParams, Query()], ctx: Context) -> DailyReportOut:
    """Per UTC day: events by action and outcome, distinct actors, denials, reveals."""
    with ctx.transaction() as (session, principal):
        since, until, days = service.daily_report(
            session,
            principal=principal,
            clock=ctx.runtime.clock,
            since=params.since,
            until=params.until,
        )
    out = [DayOut.model_validate(d, from_attributes=True) for d in days]
    return DailyReportOut(since=since, until=until, days=out)


@router.get(
    "/checkpoint",
    response_class=PlainTextResponse,
    openapi_extra=requires(Permission.AUDIT_READ),
)
def latest_checkpoint(ctx: Context) -> PlainTextResponse:
    """The latest signed checkpoint of the tenant's log, as the signed note (text/plain)."""
    with ctx.transaction() as (session, principal):
        found = service.latest_checkpoint(session, principal=principal, clock=ctx.runtime.clock)
    return PlainTextResponse(found.note)


@router.post(
    "/checkpoints",
    response_model=CheckpointOut,
    status_code=201,
    openapi_extra=requires(Permission.AUDIT_CHECKPOINT),
)
def make_checkpoint(ctx: Context) -> CheckpointOut:
    """Sign a checkpoint of the log now (201; an unchanged log returns its latest, new=false)."""
    settings = ctx.runtime.settings
    with ctx.transaction() as (session, principal):
        made, is_new = service.make_checkpoint(
            session,
            principal=principal,
            clock=ctx.runtime.clock,
            key=ctx.runtime.audit_signing_key(),
            origin_prefix=settings.audit_origin_prefix,
        )
    published = None
    if is_new:  # after the commit, so a witness that is down loses nothing
        published = service.publish_checkpoint(
            ctx.runtime.db,
            principal=principal,
            clock=ctx.runtime.clock,
            settings=settings,
            made=made,
        )
    return CheckpointOut(
        tree_size=made.tree_size,
        root_hash=made.root_hash.hex(),
        note=made.note,
        created_at=made.created_at,
        new=is_new,
        published=published,
    )


@router.get("/proofs/inclusion", openapi_extra=requires(Permission.AUDIT_READ))
def inclusion_proof(params: Annotated[InclusionParams, Query()], ctx: Context) -> dict[str, Any]:
    """anxin-tlog-inclusion/v1: leaf `index` is in the tree of `size` leaves."""
    with ctx.transaction() as (session, principal):
        return service.inclusion_proof(
            session,
            principal=principal,
            clock=ctx.runtime.clock,
            origin_prefix=ctx.runtime.settings.audit_origin_prefix,
            index=params.index,
            size=params.size,
        )


@router.get("/proofs/consistency", openapi_extra=requires(Permission.AUDIT_READ))
def consistency_proof(
    params: Annotated[ConsistencyParams, Query()], ctx: Context
) -> dict[str, Any]:
    """anxin-tlog-consistency/v1: the log at `new_size` is an extension of `old_size`."""
    with ctx.transaction() as (session, principal):
        return service.consistency_proof(
            session,
            principal=principal,
            clock=ctx.runtime.clock,
            origin_prefix=ctx.runtime.settings.audit_origin_prefix,
            old_size=params.old_size,
            new_size=params.new_size,
        )


@router.get("/leaves", openapi_extra=requires(Permission.AUDIT_READ))
def leaves(params: Annotated[LeavesParams, Query()], ctx: Context) -> dict[str, Any]:
    """anxin-tlog-leaves/v1: the first `size` leaf hashes, to recompute a root."""
    with ctx.transaction() as (session, principal):
        return service.leaves(
            session,
            principal=principal,
            clock=ctx.runtime.clock,
            origin_prefix=ctx.runtime.settings.audit_origin_prefix,
            size=params.size,
        )


def _fields(source: object, model: type[Any], *, exclude: set[str]) -> dict[str, Any]:
    return {f: getattr(source, f) for f in model.model_fields if f not in exclude}
