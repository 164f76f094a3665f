"""The `anxin` command: init, serve, demo, and the tenant, user, gateway, keys, customer, pii,
data, scim, jobs and audit groups."""

from __future__ import annotations

import logging
from typing import Annotated

import typer
import uvicorn

from anxin.app import create_app
from anxin.audit.schedule import WitnessSettings
from anxin.cli import (
    audit,
    audit_search,
    context,
    customer,
    data,
    gateway,
    jobs,
    keys,
    output,
    pii,
    scim,
    tenant,
    user,
    user_report,
)
from anxin.cli.bootstrap import initialize
from anxin.cli.configuration import record_configuration
from anxin.cli.demo import demo_exists, seed_demo
from anxin.cli.output import console, reported_errors
from anxin.crypto.tls import TLS_MIN_VERSION, server_ssl_context
from anxin.identity.deps import Runtime
from anxin.identity.jobs import CheckpointConfig, Periodic, checkpoint_periodically

app = typer.Typer(
    name="anxin",
    help="Anxin keeps contact-center customer data encrypted, masked, minimal and audited.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(tenant.app, name="tenant")
app.add_typer(user.app, name="user")
app.add_typer(gateway.app, name="gateway")
app.add_typer(keys.app, name="keys")
app.add_typer(customer.app, name="customer")
app.add_typer(pii.app, name="pii")
app.add_typer(data.app, name="data")
app.add_typer(scim.app, name="scim")
app.add_typer(jobs.app, name="jobs")
app.add_typer(audit.app, name="audit")
# Search, export and reports live apart from the log commands: one `audit` group for users.
audit.app.registered_commands.extend(audit_search.app.registered_commands)
# Lifecycle commands live apart from user.py, which identity's own work keeps changing.
user.app.add_typer(user_report.app, name="report")
user.app.command("offboard")(user_report.offboard)
user.app.command("leave-date")(user_report.leave_date)

Customers = Annotated[int, typer.Option(min=1, max=10_000_000, help="Demo customers to create.")]


@app.command()
def init(
    demo: Annotated[bool, typer.Option("--demo", help="Also seed a demo tenant.")] = False,
    customers: Customers = 200,
) -> None:
    """Create the data directory, key file, schema and local TLS certificates. Safe to re-run."""
    with reported_errors():
        settings = context.settings()
        report = initialize(settings)
        console.print(f"data directory  {report.home.resolve()}")
        console.print(f"database        {report.database_url} (migrated)")
        state = "created" if report.key_file_created else "kept"
        console.print(f"key file        {report.key_file} ({state}; back it up apart from data)")
        if report.tls is not None:
            console.print(f"CA certificate  {report.tls.ca_cert} (trust this in clients)")
        if demo:
            _demo(customers)


@app.command("demo")
def demo_command(customers: Customers = 200) -> None:
    """Seed the demo tenant (users for every role, a gateway, customers with history)."""
    with reported_errors():
        _demo(customers)


def _demo(customers: int) -> None:
    rt = context.runtime()
    if demo_exists(rt):
        console.print(f"demo tenant exists; credentials are in {rt.settings.credentials_file}")
        return
    seed_demo(rt, customers=customers)
    console.print(f"demo credentials written to {rt.settings.credentials_file} (mode 0600)")


@app.command()
def serve() -> None:
    """Serve the API over HTTPS (TLS 1.3 minimum). There is no plain-HTTP listener."""
    with reported_errors():
        rt = context.runtime()
        settings = rt.settings
        cert = settings.tls_cert or settings.tls_dir / "server.pem"
        key = settings.tls_key or settings.tls_dir / "server.key"
        server_ssl_context(cert, key)  # fails early, naming the file, if the pair is unusable
        record_configuration(rt)
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )
    config = uvicorn.Config(
        create_app(rt),
        host=settings.host,
        port=settings.port,
        ssl_certfile=str(cert),
        ssl_keyfile=str(key),
        access_log=False,
        log_level=settings.log_level.lower(),
        server_header=False,
        proxy_headers=False,
    )
    config.load()
    if config.ssl is None:  # uvicorn built no TLS context: never serve plain HTTP
        output.errors.print("error: tls.config_invalid: the server has no TLS context")
        raise typer.Exit(1)
    config.ssl.minimum_version = TLS_MIN_VERSION
    console.print(f"serving https://{settings.host}:{settings.port}/api/v1 (TLS 1.3 only)")
    stop = _checkpoints(rt)
    try:
        uvicorn.Server(config).run()
    finally:
        if stop is not None:
            stop.stop()


def _checkpoints(rt: Runtime) -> Periodic | None:
    """Sign every audit log with new events every ANXIN_AUDIT_CHECKPOINT_MINUTES (0: never)."""
    settings = rt.settings
    if settings.audit_checkpoint_minutes == 0:
        return None
    witness = WitnessSettings.configured(settings)
    config = CheckpointConfig(rt.audit_signing_key, settings.audit_origin_prefix, witness)
    every_s = settings.audit_checkpoint_minutes * 60.0
    return checkpoint_periodically(rt.db, clock=rt.clock, config=config, every_s=every_s)


def run() -> None:
    app()
