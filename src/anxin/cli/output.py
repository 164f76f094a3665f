"""How commands print: tables for people, JSON for scripts, one-line errors without tracebacks."""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Iterator, Sequence
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from anxin.cli.bootstrap import NotInitialized
from anxin.config import ConfigError
from anxin.kernel.errors import AnxinError

# Piped into a file or `less`, Rich would assume 80 columns and cut cells short with "…";
# tables then get room for every column (COLUMNS, when set, still wins).
PIPED_WIDTH = 240


def _console(*, stderr: bool = False) -> Console:
    stream = sys.stderr if stderr else sys.stdout
    piped = not stream.isatty() and "COLUMNS" not in os.environ
    return Console(stderr=stderr, width=PIPED_WIDTH if piped else None)


console = _console()
errors = _console(stderr=True)


def print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2, default=str) + "\n")


def print_rows(
    title: str, columns: Sequence[str], rows: Sequence[dict[str, Any]], *, as_json: bool
) -> None:
    if as_json:
        print_json(list(rows))
        return
    table = Table(title=title)
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*("" if row.get(c) is None else str(row.get(c)) for c in columns))
    console.print(table)


@contextlib.contextmanager
def reported_errors() -> Iterator[None]:
    """Expected failures print `error: <code>: <detail>` and exit 1; nothing else is caught."""
    try:
        yield
    except AnxinError as exc:
        errors.print(f"[red]error[/red]: {exc.code}: {exc.detail}", highlight=False)
        raise typer.Exit(1) from None
    except (ConfigError, NotInitialized) as exc:
        errors.print(f"[red]error[/red]: {exc}", highlight=False)
        raise typer.Exit(1) from None
