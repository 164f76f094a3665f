"""`anxin audit search|export|report-user|report-customer|daily`: reading a tenant's log.

Each command names the person reading (`--as USERNAME`, an enabled user of the tenant) and
runs with that user's role: an auditor may do all of it, a security officer the user and
daily reports, a privacy officer the customer report (oversight.service.reader_principal
explains why not the system principal). Each read is recorded in the log like an API read.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from anxin.audit import export
from anxin.audit.export import ExportFormat
from anxin.audit.search import DEFAULT_LIMIT, MAX_LIMIT, EventFilter, Order, Page
from anxin.cli import context
from anxin.cli.output import print_json, print_rows, reported_errors
from anxin.identity.deps import Runtime
from anxin.kernel.principal import Principal
from anxin.oversight import service
from anxin.tenancy import service as tenancy_service

app = typer.Typer(help="Search, export and report on a tenant's audit log.", no_args_is_help=True)

_TIME_FORMATS = ["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%S%z"]
Tenant = Annotated[str, typer.Option("--tenant", "-t", help="Tenant name.")]
Reader = Annotated[
    str, typer.Option("--as", help="Username of the person reading (recorded as the reader).")
]
Since = Annotated[
    dt.datetime | None, typer.Option(formats=_TIME_FORMATS, help="From (included; UTC).")
]
Until = Annotated[
    dt.datetime | None, typer.Option(formats=_TIME_FORMATS, help="To (excluded; UTC).")
]
Json = Annotated[bool, typer.Option("--json", help="Print JSON.")]
Actor = Annotated[str | None, typer.Option(help="A username, or any actor id.")]
Action = Annotated[str | None, typer.Option(help="An action, or a prefix ending in ':'.")]
Text = Annotated[str | None, typer.Option()]
SEARCH_COLUMNS = [
    "seq",
    "occurred_at",
    "actor_id",
    "action",
    "object_type",
    "object_id",
    "customer_id",
    "outcome",
]


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=dt.UTC)


def _reader(rt: Runtime, tenant: str, username: str) -> Principal:
    with rt.db.unit_of_work(tenant_id=None) as session:
        tenant_id = tenancy_service.get_by_name(session, name=tenant).id
    with rt.db.unit_of_work(tenant_id=tenant_id) as session:
        return service.reader_principal(session, tenant_id=tenant_id, username=username)


def _filter(
    since: dt.datetime | None,
    until: dt.datetime | None,
    actor: str | None,
    action: str | None,
    object_type: str | None,
    object_id: str | None,
    customer: str | None,
    outcome: str | None,
    client_addr: str | None,
) -> EventFilter:
    return EventFilter(
        since=_utc(since),
        until=_utc(until),
        actor_id=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        customer_id=customer,
        outcome=outcome,
        client_addr=client_addr,
    )


@app.command("search")
def search_command(
    tenant: Tenant,
    reader: Reader,
    since: Since = None,
    until: Until = None,
    actor: Actor = None,
    action: Action = None,
    object_type: Text = None,
    object_id: Text = None,
    customer: Text = None,
    outcome: Text = None,
    client_addr: Text = None,
    after: Annotated[int | None, typer.Option(min=0, help="Only seq > after.")] = None,
    before: Annotated[int | None, typer.Option(min=0, help="Only seq < before.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=MAX_LIMIT)] = DEFAULT_LIMIT,
    order: Annotated[Order, typer.Option()] = Order.ASC,
    as_json: Json = False,
) -> None:
    """One page of matching events; the next page's cursor is printed last."""
    where = _filter(
        since, until, actor, action, object_type, object_id, customer, outcome, client_addr
    )
    page = Page(after=after, before=before, limit=limit, order=order)
    with reported_errors():
        rt = context.runtime()
        principal = _reader(rt, tenant, reader)
        with rt.db.unit_of_work(tenant_id=principal.tenant_id) as session:
            found = service.search_events(
                session, principal=principal, clock=rt.clock, where=where, page=page
            )
    rows = [export.as_record(e) for e in found.events]
    if as_json:
        print_json({"events": rows, "next_cursor": found.next_cursor})
        return
    print_rows(f"Audit events of {tenant}", SEARCH_COLUMNS, rows, as_json=False)
    print(f"next cursor: {found.next_cursor if found.next_cursor is not None else '-'}")


@app.command("export")
def export_command(
    tenant: Tenant,
    reader: Reader,
    fmt: Annotated[ExportFormat, typer.Option("--format")] = ExportFormat.CSV,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write; default stdout.")
    ] = None,
    since: Since = None,
    until: Until = None,
    actor: Actor = None,
    action: Action = None,
    object_type: Text = None,
    object_id: Text = None,
    customer: Text = None,
    outcome: Text = None,
    client_addr: Text = None,
) -> None:
    """Every matching event as CSV or JSON Lines (columns: docs/audit.md)."""
    where = _filter(
        since, until, actor, action, object_type, object_id, customer, outcome, client_addr
    )
    with reported_errors():
        rt = context.runtime()
        principal = _reader(rt, tenant, reader)
        with rt.db.unit_of_work(tenant_id=principal.tenant_id) as session:
            plan = service.begin_export(
                session, principal=principal, clock=rt.clock, where=where, fmt=fmt
            )
        pieces = export.render(fmt, service.export_chunks(rt.db, plan))
        if output is None:
            for piece in pieces:
                sys.stdout.write(piece)
        else:
            # newline="": the CSV rows already end in CRLF, as RFC 4180 has them.
            with output.open("w", encoding="utf-8", newline="") as file:
                file.writelines(pieces)


@app.command("report-user")
def report_user(
    user: Annotated[str, typer.Argument(help="A username, or any actor id.")],
    tenant: Tenant,
    reader: Reader,
    since: Since = None,
    until: Until = None,
) -> None:
    """What one user did: actions, customers touched, fields (JSON)."""
    with reported_errors():
        rt = context.runtime()
        principal = _reader(rt, tenant, reader)
        with rt.db.unit_of_work(tenant_id=principal.tenant_id) as session:
            activity = service.user_report(
                session,
                principal=principal,
                clock=rt.clock,
                user=user,
                since=_utc(since),
                until=_utc(until),
            )
    print_json(_plain(activity))


@app.command("report-customer")
def report_customer(
    customer_id: Annotated[str, typer.Argument(help="The customer's id.")],
    tenant: Tenant,
    reader: Reader,
    since: Since = None,
    until: Until = None,
) -> None:
    """Who touched one customer's data, when, which fields (JSON; data-subject requests)."""
    with reported_errors():
        rt = context.runtime()
        principal = _reader(rt, tenant, reader)
        with rt.db.unit_of_work(tenant_id=principal.tenant_id) as session:
            report = service.customer_report(
                session,
                principal=principal,
                clock=rt.clock,
                customer_id=customer_id,
                since=_utc(since),
                until=_utc(until),
            )
    body = _plain(report.activity)
    for access in body["accesses"]:
        person = report.people.get(access["actor_id"])
        access["username"] = person.username if person else None
        access["role"] = person.role if person else None
    print_json(body)


@app.command("daily")
def daily(
    tenant: Tenant, reader: Reader, since: Since = None, until: Until = None, as_json: Json = False
) -> None:
    """Per UTC day: events, distinct actors, denials, reveals (by action and outcome in JSON)."""
    with reported_errors():
        rt = context.runtime()
        principal = _reader(rt, tenant, reader)
        with rt.db.unit_of_work(tenant_id=principal.tenant_id) as session:
            _, _, days = service.daily_report(
                session, principal=principal, clock=rt.clock, since=_utc(since), until=_utc(until)
            )
    rows = [_plain(d) for d in days]
    print_rows(
        f"Audit log of {tenant} by day",
        ["day", "events", "actors", "denied", "reveals"],
        rows,
        as_json=as_json,
    )


def _plain(value: Any) -> dict[str, Any]:
    return dataclasses.asdict(value)
