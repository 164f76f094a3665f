"""`anxin jobs run`: the scheduled jobs (grant expiry, leavers, dormant accounts), by hand or
from cron, for every tenant."""

from __future__ import annotations

import enum
from typing import Annotated

import typer

from anxin.cli import context
from anxin.cli.output import console, print_json, reported_errors
from anxin.identity.jobs import Job, run_jobs

app = typer.Typer(help="Scheduled jobs.", no_args_is_help=True)


class Which(enum.StrEnum):
    ALL = "all"
    GRANTS = "grants"
    LEAVERS = "leavers"
    DORMANT = "dormant"


@app.command("run")
def run(
    job: Annotated[Which, typer.Option("--job", help="Which job; all by default.")] = Which.ALL,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Expire grants, disable leavers (day after the leave date) and dormant accounts
    (no login for ANXIN_DORMANT_DAYS days). Each tenant commits on its own; all is audited."""
    with reported_errors():
        rt = context.runtime()
        chosen = frozenset(Job) if job is Which.ALL else frozenset({Job(job.value)})
        results = run_jobs(
            rt.db, clock=rt.clock, jobs=chosen, dormant_days=rt.settings.dormant_days
        )
    rows = [
        {"job": r.job.value, "tenant": r.tenant, "count": r.count, "usernames": list(r.usernames)}
        for r in results
    ]
    if as_json:
        print_json({"dormant_days": rt.settings.dormant_days, "results": rows})
        return
    for r in results:
        names = f" ({', '.join(r.usernames)})" if r.usernames else ""
        console.print(f"{r.job.value:<8} {r.tenant}: {r.count}{names}", highlight=False)
