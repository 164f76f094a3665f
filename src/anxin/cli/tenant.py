"""`anxin tenant add|list|second-factor`."""

from __future__ import annotations

from typing import Annotated

import typer

from anxin.cli import context
from anxin.cli.output import console, print_json, print_rows, reported_errors
from anxin.kernel.principal import operator_principal
from anxin.tenancy import service as tenancy_service

app = typer.Typer(
    help="Tenants: one per contact-center customer organisation.", no_args_is_help=True
)


@app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="2-63 characters of a-z, 0-9 and '-'.")],
    region: Annotated[str, typer.Option(help="Data residency region.")] = "cn-east",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Create a tenant and its keys."""
    with reported_errors():
        rt = context.runtime()
        with rt.db.unit_of_work(tenant_id=None) as session:
            tenant = tenancy_service.add_tenant(
                session,
                principal=operator_principal(),
                keyring=rt.keyring,
                clock=rt.clock,
                name=name,
                region=region,
            )
            row = {"id": tenant.id, "name": tenant.name, "region": tenant.region}
    if as_json:
        print_json(row)
    else:
        console.print(
            f"tenant [bold]{row['name']}[/bold] created ({row['region']}, id {row['id']})"
        )


@app.command("list")
def list_(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """List tenants."""
    with reported_errors():
        rt = context.runtime()
        with rt.db.unit_of_work(tenant_id=None) as session:
            rows = [
                {
                    "id": t.id,
                    "name": t.name,
                    "region": t.region,
                    "created_at": t.created_at,
                    "disabled_at": t.disabled_at,
                }
                for t in tenancy_service.list_tenants(session)
            ]
    print_rows("Tenants", ["name", "region", "id", "created_at"], rows, as_json=as_json)


@app.command("second-factor")
def second_factor(
    name: Annotated[str, typer.Argument(help="The tenant.")],
    roles: Annotated[
        str,
        typer.Option(help='Comma-separated staff roles, e.g. "admin,security_officer"; "" clears.'),
    ],
) -> None:
    """Require a second factor at login for these roles of the tenant."""
    wanted = [r.strip() for r in roles.split(",") if r.strip()]
    with reported_errors():
        rt = context.runtime()
        with rt.db.unit_of_work(tenant_id=None) as session:
            tenant = tenancy_service.require_second_factor(
                session, principal=operator_principal(), clock=rt.clock, name=name, roles=wanted
            )
            shown = ", ".join(tenant.second_factor_roles) or "no role"
    console.print(f"tenant [bold]{name}[/bold]: a second factor is required for {shown}")
