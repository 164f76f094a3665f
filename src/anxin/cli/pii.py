"""`anxin pii scan`: find personal data in JSONL texts; `anxin pii classes`: the data-class
catalogue. Neither needs a data directory."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Annotated

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from anxin.cli.output import errors, print_rows, reported_errors
from anxin.pii import catalogue
from anxin.pii.errors import InvalidScanInput
from anxin.pii.scan import scan_lines
from anxin.pii.tenant_recognizers import load_tenant_recognizers

app = typer.Typer(help="Personal data: detection over texts.", no_args_is_help=True)

STDIO = "-"


@app.command("scan")
def scan(
    input_path: Annotated[
        str, typer.Option("--input", help='JSONL of {"id", "text"}; "-" for stdin.')
    ] = STDIO,
    output_path: Annotated[
        str, typer.Option("--output", help='Where to write {"id", "entities"} lines; "-": stdout.')
    ] = STDIO,
    recognizers: Annotated[
        Path | None,
        typer.Option(
            "--recognizers", help="A tenants' recognizer file (ANXIN_PII_RECOGNIZERS format)."
        ),
    ] = None,
    tenant: Annotated[
        str | None, typer.Option("--tenant", help="Use this tenant's recognizers from the file.")
    ] = None,
) -> None:
    """Detect personal data in each line's text; one output line per input line, in order.

    With --recognizers and --tenant, a tenant's own recognizers run too: the way to try a new
    entry on sample texts before it goes live."""
    with reported_errors():
        if tenant is not None and recognizers is None:
            raise InvalidScanInput("--tenant needs --recognizers")
        loaded = load_tenant_recognizers(recognizers)
        if tenant is not None and tenant not in loaded.detectors:
            raise InvalidScanInput(f"{recognizers} configures no tenant named {tenant!r}")
        detector = loaded.detector_for([tenant] if tenant else [])
    with reported_errors(), _opened(input_path, output_path) as (source, sink):
        progress = Progress(
            SpinnerColumn(),
            TextColumn("scanned {task.completed} lines"),
            TimeElapsedColumn(),
            console=errors,
            disable=not sys.stderr.isatty(),
        )
        with progress:
            task = progress.add_task("scan", total=None)
            for line in scan_lines(source, detector):
                sink.write(line + "\n")
                progress.advance(task)


CLASS_COLUMNS = (
    "type", "class", "sensitivity", "grade", "pipl_sensitive", "gdpr_personal", "ccpa_personal",
    "ccpa_sensitive",
)  # fmt: skip


@app.command("classes")
def classes(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Each personal data type's class, sensitivity grade (1-4) and legal flags."""
    rows = [entry.as_json() for entry in catalogue.entries()]
    print_rows("PII data classes", CLASS_COLUMNS, rows, as_json=as_json)


@contextlib.contextmanager
def _opened(input_path: str, output_path: str) -> Iterator[tuple[IO[str], IO[str]]]:
    with contextlib.ExitStack() as stack:
        source = sys.stdin if input_path == STDIO else _open(stack, input_path, "r")
        sink = sys.stdout if output_path == STDIO else _open(stack, output_path, "w")
        yield source, sink


def _open(stack: contextlib.ExitStack, path: str, mode: str) -> IO[str]:
    try:
        return stack.enter_context(Path(path).open(mode, encoding="utf-8"))
    except OSError as exc:
        errors.print(f"[red]error[/red]: cannot open {path}: {exc.strerror}", highlight=False)
        raise typer.Exit(1) from None
