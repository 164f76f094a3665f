"""`anxin gateway add`."""

from __future__ import annotations

from typing import Annotated

import typer

from anxin.cli import context
from anxin.cli.output import console, print_json, reported_errors
from anxin.identity import service as identity_service

app = typer.Typer(help="Telephony and chat gateway accounts.", no_args_is_help=True)


@app.command("add")
def add(
    name: str,
    tenant: Annotated[str, typer.Option("--tenant", "-t", help="Tenant name.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Add a gateway account and print its API key once (it is stored only as a hash)."""
    with reported_errors():
        rt = context.runtime()
        principal = context.tenant_admin(rt, tenant)
        with rt.db.unit_of_work(tenant_id=principal.tenant_id) as session:
            account, key = identity_service.add_gateway(
                session, principal=principal, clock=rt.clock, name=name
            )
            row = {"id": account.id, "name": account.name, "api_key": key}
    if as_json:
        print_json(row)
        return
    console.print(f"gateway [bold]{row['name']}[/bold] created")
    console.print(f"API key (shown once): {row['api_key']}", highlight=False)
