"""`anxin jobs run`: the scheduled jobs (grant expiry, leavers, dormant accounts, audit
checkpoints), by hand or from cron, for every tenant."""

from __future__ import annotations

import enum
import sys
from typing import Annotated, Any

import typer

from anxin.audit.schedule import WitnessSettings
from anxin.cli import context
from anxin.cli.output import console, print_json, reported_errors
from anxin.identity.jobs import CheckpointConfig, Job, JobResult, run_jobs

app = typer.Typer(help="Scheduled jobs.", no_args_is_help=True)


class Which(enum.StrEnum):
    ALL = "all"
    GRANTS = "grants"
    LEAVERS = "leavers"
    DORMANT = "dormant"
    CHECKPOINTS = "checkpoints"


@app.command("run")
def run(
    job: Annotated[Which, typer.Option("--job", help="Which job; all by default.")] = Which.ALL,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Expire grants, disable leavers (day after the leave date) and dormant accounts
    (no login for ANXIN_DORMANT_DAYS days), then sign a checkpoint of every audit log with new
    events and publish it to ANXIN_AUDIT_WITNESS. Each tenant commits on its own; all is
    audited. Exits 1 when a checkpoint could not be published (it is stored regardless)."""
    with reported_errors():
        rt = context.runtime()
        settings = rt.settings
        chosen = frozenset(Job) if job is Which.ALL else frozenset({Job(job.value)})
        witness = WitnessSettings.configured(settings)
        config = CheckpointConfig(rt.audit_signing_key, settings.audit_origin_prefix, witness)
        results = run_jobs(
            rt.db,
            clock=rt.clock,
            jobs=chosen,
            dormant_days=settings.dormant_days,
            checkpoint=config,
        )
    rows = [_row(r) for r in results]
    if as_json:
        print_json({"dormant_days": settings.dormant_days, "results": rows})
    else:
        for r in results:
            names = f" ({', '.join(r.usernames)})" if r.usernames else ""
            size = f" (tree size {r.tree_size})" if r.tree_size is not None else ""
            console.print(f"{r.job.value:<11} {r.tenant}: {r.count}{names}{size}", highlight=False)
    failed = [r for r in results if r.witness_error]
    for r in failed:
        sys.stderr.write(f"error: audit.witness: {r.tenant}: {r.witness_error}\n")
    if failed:
        raise typer.Exit(1)


def _row(result: JobResult) -> dict[str, Any]:
    row: dict[str, Any] = {
        "job": result.job.value,
        "tenant": result.tenant,
        "count": result.count,
        "usernames": list(result.usernames),
    }
    if result.job is Job.CHECKPOINTS:
        row["tree_size"] = result.tree_size
        row["witness_error"] = result.witness_error
    return row
