"""`anxin customer erase`: crypto-shred a customer (the privacy officer's tool from a shell)."""

from __future__ import annotations

import dataclasses
from typing import Annotated

import typer

from anxin.cli import context
from anxin.cli.output import console, print_json, reported_errors
from anxin.contact.erasure import erase_customer

app = typer.Typer(help="Customers: erasure.", no_args_is_help=True)


@app.command("erase")
def erase(
    customer_id: Annotated[str, typer.Argument(help="Customer id.")],
    tenant: Annotated[str, typer.Option("--tenant", help="Tenant name.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Destroy the customer's data keys, then delete or tombstone its rows. Irreversible."""
    with reported_errors():
        rt = context.runtime()
        principal = context.tenant_admin(rt, tenant)
        with rt.db.unit_of_work(tenant_id=principal.tenant_id) as session:
            report = erase_customer(
                session,
                keyring=rt.keyring,
                clock=rt.clock,
                principal=principal,
                customer_id=customer_id,
            )
    if as_json:
        print_json(dataclasses.asdict(report))
        return
    console.print(
        f"customer {report.customer_id} erased: {report.keys_destroyed} keys destroyed, "
        f"{report.messages_deleted} messages and {report.tickets_deleted} tickets deleted, "
        f"{report.conversations_tombstoned} conversations kept without content"
    )
