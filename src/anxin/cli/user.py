"""`anxin user add|list|disable`."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from anxin.cli import context
from anxin.cli.output import console, print_json, print_rows, reported_errors
from anxin.identity import service as identity_service

app = typer.Typer(help="Staff users of a tenant.", no_args_is_help=True)
Tenant = Annotated[str, typer.Option("--tenant", "-t", help="Tenant name.")]
Json = Annotated[bool, typer.Option("--json", help="Print JSON.")]


@app.command("add")
def add(
    username: str,
    tenant: Tenant,
    role: Annotated[
        str,
        typer.Option(
            help="agent, intern, supervisor, admin, auditor, security_officer or privacy_officer."
        ),
    ],
    display_name: Annotated[str | None, typer.Option(help="Shown in the console.")] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
    as_json: Json = False,
) -> None:
    """Add a user. Without --password-stdin a strong password is generated and shown once."""
    password = sys.stdin.readline().rstrip("\n") if password_stdin else None
    with reported_errors():
        rt = context.runtime()
        principal = context.tenant_admin(rt, tenant)
        with rt.db.unit_of_work(tenant_id=principal.tenant_id) as session:
            user, secret = identity_service.add_user(
                session,
                principal=principal,
                clock=rt.clock,
                username=username,
                role=role,
                display_name=display_name,
                password=password,
            )
            row = {"id": user.id, "username": user.username, "role": user.role}
    shown = None if password_stdin else secret
    if as_json:
        print_json({**row, "password": shown})
        return
    console.print(f"user [bold]{row['username']}[/bold] ({row['role']}) created")
    if shown:
        console.print(f"password (shown once): {shown}", highlight=False)


@app.command("list")
def list_(tenant: Tenant, as_json: Json = False) -> None:
    """List the users of a tenant."""
    with reported_errors():
        rt = context.runtime()
        principal = context.tenant_admin(rt, tenant)
        with rt.db.unit_of_work(tenant_id=principal.tenant_id) as session:
            rows = [
                {
                    "id": u.id,
                    "username": u.username,
                    "role": u.role,
                    "last_login_at": u.last_login_at,
                    "disabled_at": u.disabled_at,
                }
                for u in identity_service.list_users(session, principal=principal, clock=rt.clock)
            ]
    print_rows(
        f"Users of {tenant}",
        ["username", "role", "last_login_at", "disabled_at"],
        rows,
        as_json=as_json,
    )


@app.command("disable")
def disable(username: str, tenant: Tenant) -> None:
    """Disable a user and revoke every session at once."""
    with reported_errors():
        rt = context.runtime()
        principal = context.tenant_admin(rt, tenant)
        with rt.db.unit_of_work(tenant_id=principal.tenant_id) as session:
            identity_service.disable_user(
                session, principal=principal, clock=rt.clock, username=username
            )
    console.print(f"user [bold]{username}[/bold] disabled; every session revoked")
