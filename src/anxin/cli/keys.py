"""`anxin keys status|policy|rotate|check|destroy-retired|passphrase`: operating the keys."""

from __future__ import annotations

import contextlib
import dataclasses
import sys
from collections.abc import Callable, Iterator
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    TimeRemainingColumn,
)

from anxin.audit import service as audit_service
from anxin.audit.actions import AuditAction, Outcome
from anxin.cli import context
from anxin.cli.output import console, errors, print_json, print_rows, reported_errors
from anxin.config import Settings
from anxin.crypto.keyfile import LocalKeyFileProvider
from anxin.crypto.providers import open_provider
from anxin.db.database import Database, create_db_engine
from anxin.identity.deps import Runtime
from anxin.kernel.clock import SystemClock
from anxin.kernel.principal import operator_principal, system_principal
from anxin.keys.check import CheckReport, KeyCheck
from anxin.keys.policy import read_policy, set_policy
from anxin.keys.rotation import KeyRotation, RotationReport
from anxin.keys.status import tenant_status
from anxin.tenancy import service as tenancy_service

app = typer.Typer(help="Keys: status, online rotation, verification.", no_args_is_help=True)

TenantOption = Annotated[str | None, typer.Option("--tenant", help="Tenant name; all if omitted.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]
MIN_PASSPHRASE = 12


@app.command("status")
def status(tenant: TenantOption = None, as_json: JsonOption = False) -> None:
    """Per tenant: provider, KEK versions and ages, DEKs per KEK, index key, rotation due."""
    with reported_errors():
        rt = context.runtime()
        now = rt.clock.now()
        reports = [
            tenant_status(rt.keyring, tenant_id=tid, tenant_name=name, now=now)
            for tid, name in _tenants(rt, tenant)
        ]
    if as_json:
        print_json([r.as_json() for r in reports])
        return
    for r in reports:
        due = "[red]rotation due[/red]" if r.kek_rotation_due else "rotation not due"
        index_due = ""
        if r.index_rotation_days is not None:
            state = "[red]due[/red]" if r.index_rotation_due else "not due"
            index_due = f"; index key every {r.index_rotation_days} days, {state}"
        console.print(
            f"[bold]{r.tenant_name}[/bold] ({r.provider}): {r.deks_active} DEKs active, "
            f"{r.deks_destroyed} destroyed, most-used DEK {r.max_dek_invocations} seals; "
            f"KEK every {r.kek_rotation_days} days, {due}{index_due}"
            + (f"; unfinished: {', '.join(r.open_jobs)}" if r.open_jobs else "")
        )
        print_rows(
            "KEKs",
            ["version", "state", "age_days", "wraps_deks", "created_at"],
            [vars_of(k) for k in r.keks],
            as_json=False,
        )
        print_rows(
            "Blind-index keys",
            ["version", "state", "age_days", "created_at"],
            [vars_of(k) for k in r.index_keys],
            as_json=False,
        )


@app.command("policy")
def policy(
    tenant: Annotated[str, typer.Option("--tenant", help="Tenant name.")],
    kek_days: Annotated[
        int | None, typer.Option("--kek-days", help="Rotate the KEK after this many days.")
    ] = None,
    index_days: Annotated[
        int | None,
        typer.Option("--index-days", help="Rotate the index key after this many days; 0: never."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Show or change when rotation is due for a tenant (status reports it; nothing rotates
    by itself)."""
    with reported_errors():
        rt = context.runtime()
        ((tenant_id, _name),) = _tenants(rt, tenant)
        before = read_policy(rt.keyring.keystore, tenant_id=tenant_id)
        after = set_policy(
            rt.keyring.keystore, tenant_id=tenant_id, kek_days=kek_days, index_days=index_days
        )
        if after != before:
            _audit(rt, tenant_id, AuditAction.KEY_POLICY, {"policy": vars_of(after)})
    if as_json:
        print_json(vars_of(after))
        return
    index = after.index_rotation_days
    console.print(
        f"KEK every {after.kek_rotation_days} days; "
        + (f"index key every {index} days" if index else "index key: no age limit")
    )


@app.command("rotate")
def rotate(
    tenant: Annotated[str, typer.Option("--tenant", help="Tenant name.")],
    kek: Annotated[bool, typer.Option("--kek", help="New KEK; rewrap every key.")] = False,
    dek: Annotated[bool, typer.Option("--dek", help="New DEKs; re-encrypt every value.")] = False,
    index: Annotated[bool, typer.Option("--index", help="New index key; rebuild.")] = False,
    batch: Annotated[int, typer.Option(min=1, max=100_000, help="Rows per transaction.")] = 200,
    as_json: JsonOption = False,
) -> None:
    """Rotate online; killed and started again, it resumes where it stopped."""
    chosen = [name for name, on in (("kek", kek), ("dek", dek), ("index", index)) if on]
    if len(chosen) != 1:
        errors.print("[red]error[/red]: choose exactly one of --kek, --dek, --index")
        raise typer.Exit(2)
    with reported_errors():
        rt = context.runtime()
        ((tenant_id, _name),) = _tenants(rt, tenant)
        rotation = KeyRotation(db=rt.db, keyring=rt.keyring, clock=rt.clock)
        run = {
            "kek": rotation.rotate_kek,
            "dek": rotation.rotate_dek,
            "index": rotation.rotate_index,
        }
        with _progress(f"rotate {chosen[0]}", quiet=as_json) as tick:
            report = run[chosen[0]](tenant_id, batch=batch, progress=tick)
    _print_rotation(report, as_json)


@app.command("destroy-retired")
def destroy_retired(
    tenant: Annotated[str, typer.Option("--tenant", help="Tenant name.")],
    yes: Annotated[
        bool, typer.Option("--yes", help="Confirm: old backups become unreadable.")
    ] = False,
) -> None:
    """Erase retired KEK versions from the provider (after the backups that need them expire)."""
    if not yes:
        errors.print(
            "[red]error[/red]: backups made before the rotation need these keys; add --yes"
        )
        raise typer.Exit(2)
    with reported_errors():
        rt = context.runtime()
        ((tenant_id, _name),) = _tenants(rt, tenant)
        rotation = KeyRotation(db=rt.db, keyring=rt.keyring, clock=rt.clock)
        versions = rotation.destroy_retired_keks(tenant_id)
    console.print(f"destroyed KEK versions: {', '.join(map(str, versions)) or 'none'}")


@app.command("passphrase")
def passphrase(
    remove: Annotated[
        bool, typer.Option("--remove", help="Leave the file protected by permissions only.")
    ] = False,
    from_stdin: Annotated[
        bool, typer.Option("--stdin", help="Read the new passphrase from one line of stdin.")
    ] = False,
) -> None:
    """Add, change or remove the local key file's passphrase (the current one from
    ANXIN_KEY_PASSPHRASE); the new one is asked twice and never echoed, or read from stdin by
    scripts, never from an argument (arguments show in `ps` and shell history)."""
    with reported_errors():
        settings = context.settings()
        provider = open_provider(settings)
        if not isinstance(provider, LocalKeyFileProvider):
            errors.print("[red]error[/red]: only the local key file has a passphrase")
            raise typer.Exit(2)
        new = None if remove else _new_passphrase(from_stdin=from_stdin)
        provider.change_passphrase(new)
        provider.close()
        state = "removed" if new is None else "changed"
        _audit_passphrase(settings, state)
    console.print(
        f"passphrase {state} for {provider.path}; "
        + ("unset" if new is None else "set")
        + " ANXIN_KEY_PASSPHRASE accordingly before the next start"
    )


def _audit_passphrase(settings: Settings, state: str) -> None:
    """The key file protects every tenant's keys, so the change goes to the platform log. Through
    the database alone: a runtime would open the key file with the passphrase still in the
    environment, which no longer fits."""
    db = Database(create_db_engine(settings.effective_database_url))
    try:
        with db.unit_of_work(tenant_id=None) as session:
            audit_service.append(
                session,
                principal=operator_principal("keys"),
                action=AuditAction.KEY_PASSPHRASE,
                object_type="key",
                object_id="key_file",
                now=SystemClock().now(),
                detail={"passphrase": state},
            )
    finally:
        db.dispose()


def _new_passphrase(*, from_stdin: bool) -> str:
    if from_stdin:
        value = sys.stdin.readline().rstrip("\r\n")
    else:
        value = typer.prompt("New passphrase", hide_input=True, confirmation_prompt=True)
    if len(value) < MIN_PASSPHRASE:
        errors.print(f"[red]error[/red]: a passphrase needs at least {MIN_PASSPHRASE} characters")
        raise typer.Exit(2)
    return value


@app.command("check")
def check(tenant: TenantOption = None, as_json: JsonOption = False) -> None:
    """Open every wrapped key and sealed value; exit 1 if any fails."""
    with reported_errors():
        rt = context.runtime()
        checker = KeyCheck(db=rt.db, keyring=rt.keyring)
        report = CheckReport()
        tenants = _tenants(rt, tenant)
        total = sum(checker.total(tid) for tid, _ in tenants)
        with Progress(*_columns(), console=console, disable=as_json) as bar:
            task = bar.add_task("check", total=total)
            for tid, _name in tenants:
                before = len(report.failures)
                checker.run(tid, report, lambda n: bar.advance(task, n))
                failed = len(report.failures) - before
                outcome = Outcome.FAILED if failed else Outcome.SUCCESS
                _audit(rt, tid, AuditAction.KEY_CHECK, {"failed": failed}, outcome)
    if as_json:
        print_json(report.as_json())
    else:
        _print_check(report)
    if not report.ok:
        raise typer.Exit(1)


def _tenants(rt: Runtime, name: str | None) -> list[tuple[str, str]]:
    with rt.db.unit_of_work(tenant_id=None) as session:
        if name is not None:
            t = tenancy_service.get_by_name(session, name=name)
            return [(t.id, t.name)]
        return [(t.id, t.name) for t in tenancy_service.list_tenants(session)]


def vars_of(item: object) -> dict[str, object]:
    """A slotted dataclass as a row for print_rows."""
    return {f.name: getattr(item, f.name) for f in dataclasses.fields(item)}  # type: ignore[arg-type]


def _columns() -> tuple[str | ProgressColumn, ...]:
    return ("{task.description}", BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())


@contextlib.contextmanager
def _progress(label: str, *, quiet: bool) -> Iterator[Callable[[int, int], None]]:
    with Progress(*_columns(), console=console, disable=quiet) as bar:
        task = bar.add_task(label, total=None)

        def tick(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield tick


def _print_rotation(report: RotationReport, as_json: bool) -> None:
    if as_json:
        print_json(vars_of(report))
        return
    resumed = " (resumed an interrupted run)" if report.resumed else ""
    target = f" v{report.target_version}" if report.target_version else ""
    console.print(f"{report.kind}{target}: {report.processed} processed{resumed}")
    if report.kind == "dek":
        console.print(f"{report.values} values re-encrypted, {report.destroyed} old DEKs destroyed")
    if report.retired:
        console.print(f"retired versions: {', '.join(map(str, report.retired))}")


def _print_check(report: CheckReport) -> None:
    rows = [
        {"table": t, "column": c, "key": v, "good": g, "failed": f}
        for (t, c, v), (g, f) in sorted(report.counts.items())
    ]
    print_rows(
        "Sealed values and wrapped keys",
        ["table", "column", "key", "good", "failed"],
        rows,
        as_json=False,
    )
    for failure in report.failures:
        errors.print(
            f"[red]failed[/red] {failure.table} row {failure.row_id} column {failure.column}: "
            f"{failure.reason}",
            highlight=False,
        )
    verdict = (
        "[green]all good[/green]" if report.ok else f"[red]{len(report.failures)} failed[/red]"
    )
    console.print(
        f"{report.checked} checked, {report.destroyed_keys} destroyed keys skipped: {verdict}"
    )


def _audit(
    rt: Runtime,
    tenant_id: str,
    action: AuditAction,
    detail: dict[str, object],
    outcome: Outcome = Outcome.SUCCESS,
) -> None:
    with rt.db.unit_of_work(tenant_id=tenant_id) as session:
        audit_service.append(
            session,
            principal=system_principal(tenant_id, name="keys"),
            action=action,
            object_type="key",
            object_id=None,
            now=rt.clock.now(),
            outcome=outcome,
            detail=detail,
        )
