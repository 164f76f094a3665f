"""`anxin scim token|tokens|revoke`: the per-tenant bearer tokens of identity providers."""

from __future__ import annotations

from typing import Annotated

import typer

from anxin.cli import context
from anxin.cli.output import console, print_json, print_rows, reported_errors
from anxin.identity import scim

app = typer.Typer(help="SCIM 2.0 provisioning tokens (docs/scim.md).", no_args_is_help=True)
Tenant = Annotated[str, typer.Option("--tenant", "-t", help="Tenant name.")]
Json = Annotated[bool, typer.Option("--json", help="Print JSON.")]


@app.command("token")
def token(tenant: Tenant, as_json: Json = False) -> None:
    """Create a SCIM token for the tenant's identity provider; it is shown once."""
    with reported_errors():
        rt = context.runtime()
        principal = context.tenant_admin(rt, tenant)
        with rt.db.unit_of_work(tenant_id=principal.tenant_id) as session:
            row, secret = scim.create_token(session, principal=principal, clock=rt.clock)
            token_id = row.id
    if as_json:
        print_json({"id": token_id, "token": secret})
        return
    console.print(f"SCIM token {token_id} created for tenant [bold]{tenant}[/bold]")
    console.print(f"token (shown once): {secret}", highlight=False)


@app.command("tokens")
def tokens(tenant: Tenant, as_json: Json = False) -> None:
    """List the tenant's SCIM tokens (ids and dates; the tokens themselves are not stored)."""
    with reported_errors():
        rt = context.runtime()
        principal = context.tenant_admin(rt, tenant)
        with rt.db.unit_of_work(tenant_id=principal.tenant_id) as session:
            rows = [
                {
                    "id": t.id,
                    "created_at": t.created_at,
                    "last_used_at": t.last_used_at,
                    "revoked_at": t.revoked_at,
                }
                for t in scim.list_tokens(session, principal=principal)
            ]
    print_rows(
        f"SCIM tokens of {tenant}",
        ["id", "created_at", "last_used_at", "revoked_at"],
        rows,
        as_json=as_json,
    )


@app.command("revoke")
def revoke(token_id: str, tenant: Tenant) -> None:
    """Revoke a SCIM token by id: the next request with it gets 401."""
    with reported_errors():
        rt = context.runtime()
        principal = context.tenant_admin(rt, tenant)
        with rt.db.unit_of_work(tenant_id=principal.tenant_id) as session:
            scim.revoke_token(session, principal=principal, clock=rt.clock, token_id=token_id)
    console.print(f"SCIM token {token_id} revoked")
