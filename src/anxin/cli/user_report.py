"""`anxin user report leavers|privileged` and `anxin user offboard`, `anxin user leave-date`."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

from anxin.cli import context
from anxin.cli.output import console, print_rows, reported_errors
from anxin.identity import lifecycle

app = typer.Typer(help="Account reports.", no_args_is_help=True)
Tenant = Annotated[str, typer.Option("--tenant", "-t", help="Tenant name.")]
Json = Annotated[bool, typer.Option("--json", help="Print JSON.")]
COLUMNS = ["username", "role", "leave_on", "last_login_at", "last_seen_at", "disabled_at"]


@app.command("leavers")
def leavers(tenant: Tenant, as_json: Json = False) -> None:
    """Accounts still enabled more than 24 hours after their leave date ended."""
    _report(tenant, as_json, leavers=True)


@app.command("privileged")
def privileged(tenant: Tenant, as_json: Json = False) -> None:
    """Admins, security officers, privacy officers and auditors, and when each last acted."""
    _report(tenant, as_json, leavers=False)


def _report(tenant: str, as_json: bool, *, leavers: bool) -> None:
    with reported_errors():
        rt = context.runtime()
        principal = context.tenant_admin(rt, tenant)
        report = lifecycle.leavers_report if leavers else lifecycle.privileged_report
        with rt.db.unit_of_work(tenant_id=principal.tenant_id) as session:
            rows = [
                {c: getattr(r, c) for c in ["user_id", *COLUMNS]}
                for r in report(session, principal=principal, clock=rt.clock)
            ]
    title = "Leavers still active" if leavers else "Privileged accounts"
    print_rows(f"{title} in {tenant}", COLUMNS, rows, as_json=as_json)


def offboard(username: str, tenant: Tenant) -> None:
    """Disable a user, revoke every session and every temporary grant."""
    with reported_errors():
        rt = context.runtime()
        principal = context.tenant_admin(rt, tenant)
        with rt.db.unit_of_work(tenant_id=principal.tenant_id) as session:
            done = lifecycle.offboard_user(
                session, principal=principal, clock=rt.clock, username=username
            )
            revoked = done.grants_revoked
    console.print(
        f"user [bold]{username}[/bold] offboarded; sessions and {revoked} grant(s) revoked"
    )


def leave_date(
    username: str,
    tenant: Tenant,
    on: Annotated[
        dt.datetime | None,
        typer.Option(formats=["%Y-%m-%d"], help="Last working day; omit to clear."),
    ] = None,
) -> None:
    """Set (or clear) a user's last working day."""
    with reported_errors():
        rt = context.runtime()
        principal = context.tenant_admin(rt, tenant)
        with rt.db.unit_of_work(tenant_id=principal.tenant_id) as session:
            lifecycle.set_leave_date(
                session,
                principal=principal,
                clock=rt.clock,
                username=username,
                leave_on=on.date() if on else None,
            )
    console.print(f"leave date of [bold]{username}[/bold]: {on.date() if on else 'cleared'}")
