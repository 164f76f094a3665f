"""`anxin data map`: where each tenant's personal data is stored, by data class and table, with
counts. Counts only: nothing is decrypted and no value is printed."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Annotated, Any

import typer
from rich.table import Table

from anxin.cli import context
from anxin.cli.output import console, print_json, reported_errors
from anxin.contact.data_map import DataMapRow, data_map
from anxin.identity.deps import Runtime
from anxin.kernel.principal import system_principal
from anxin.pii.spans import EntityType
from anxin.pii.tenant_recognizers import load_tenant_recognizers
from anxin.tenancy import service as tenancy_service

app = typer.Typer(help="Stored personal data: the data map.", no_args_is_help=True)

COLUMNS = (
    "table", "column", "pii_types", "sensitivity", "pipl_sensitive", "rows_with_value",
    "protection",
)  # fmt: skip


@app.command("map")
def map_command(
    tenant: Annotated[
        str | None, typer.Option("--tenant", help="Tenant name; all tenants if omitted.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Per tenant: each table and column holding personal data, its data class, sensitivity,
    PIPL flag, protection and how many rows hold a value. Audited as `contact:data_map:read`."""
    with reported_errors():
        rt = context.runtime()
        recognizers = load_tenant_recognizers(rt.settings.pii_recognizers)
        maps = [
            (name, _map(rt, tenant_id, functools.partial(recognizers.resolve, (tenant_id, name))))
            for tenant_id, name in _tenants(rt, tenant)
        ]
    if as_json:
        print_json(
            {"tenants": [{"tenant": n, "rows": [r.as_json() for r in rows]} for n, rows in maps]}
        )
        return
    for name, rows in maps:
        _print_map(name, rows)


def _tenants(rt: Runtime, name: str | None) -> list[tuple[str, str]]:
    with rt.db.unit_of_work(tenant_id=None) as session:
        if name is not None:
            found = tenancy_service.get_by_name(session, name=name)
            return [(found.id, found.name)]
        return [(t.id, t.name) for t in tenancy_service.list_tenants(session)]


def _map(rt: Runtime, tenant_id: str, resolve: Callable[[str], EntityType]) -> list[DataMapRow]:
    # Like `context.tenant_admin`: whoever runs the CLI holds the key file and the database.
    with rt.db.unit_of_work(tenant_id=tenant_id) as session:
        principal = system_principal(tenant_id, name="cli")
        return data_map(session, clock=rt.clock, principal=principal, resolve=resolve)


def _print_map(tenant_name: str, rows: list[DataMapRow]) -> None:
    table = Table(title=f"Data map: {tenant_name}")
    table.add_column("class")
    for column in COLUMNS:
        table.add_column(column)
    for data_class in sorted({r.data_class for r in rows}):
        for i, row in enumerate(r for r in rows if r.data_class == data_class):
            cells: dict[str, Any] = row.as_json()
            cells["pii_types"] = ", ".join(row.pii_types)
            table.add_row(
                data_class if i == 0 else "",
                *("" if cells[c] is None else str(cells[c]) for c in COLUMNS),
                end_section=False,
            )
        table.add_section()
    console.print(table)
