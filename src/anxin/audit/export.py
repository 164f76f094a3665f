"""Events as CSV or JSON Lines: the export formats, in the stable column order of
`search.COLUMNS` (docs/audit.md lists them).

CSV: one header row, then one row per event; `fields` is the field names joined with ";",
`detail` is its JSON text, times are ISO 8601 UTC, absent values are empty cells.
JSON Lines: one object per event with the same keys in the same order; `fields` stays a list
and `detail` an object.
"""

from __future__ import annotations

import csv
import dataclasses
import enum
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any

from anxin.audit.search import COLUMNS, EventRow


class ExportFormat(enum.StrEnum):
    CSV = "csv"
    JSONL = "jsonl"

    @property
    def media_type(self) -> str:
        return "text/csv" if self is ExportFormat.CSV else "application/x-ndjson"


FIELD_SEPARATOR = ";"


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def as_record(event: EventRow) -> dict[str, Any]:
    record = dataclasses.asdict(event)
    record["occurred_at"] = event.occurred_at.isoformat()
    return {c: record[c] for c in COLUMNS}


def _csv_cells(event: EventRow) -> list[str]:
    record = as_record(event)
    record["fields"] = FIELD_SEPARATOR.join(event.fields)
    record["detail"] = _json(event.detail)
    return ["" if record[c] is None else str(record[c]) for c in COLUMNS]


def render(fmt: ExportFormat, chunks: Iterable[list[EventRow]]) -> Iterator[str]:
    """The export as text pieces (one per chunk of events), header first for CSV."""
    if fmt is ExportFormat.CSV:
        yield _csv_text([list(COLUMNS)])
        for chunk in chunks:
            yield _csv_text([_csv_cells(e) for e in chunk])
    else:
        for chunk in chunks:
            yield "".join(_json_line(e) for e in chunk)


def _json_line(event: EventRow) -> str:
    return json.dumps(as_record(event), ensure_ascii=False, separators=(",", ":")) + "\n"


def _csv_text(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()
