"""JSONL in, JSONL out: the detector over {"id", "text"} lines, for batch jobs and the CLI.

Pure apart from the line iterators it is handed; it needs no data directory or settings.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from anxin.pii.detector import Detector
from anxin.pii.errors import InvalidScanInput


def scan_lines(lines: Iterable[str], detector: Detector) -> Iterator[str]:
    """One output line per non-blank input line, in order; InvalidScanInput names the line."""
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        record_id, text = parse_line(line, number)
        spans = detector.detect(text)
        entities = [
            {"start": s.start, "end": s.end, "type": s.type.value, "score": round(s.score, 4)}
            for s in spans
        ]
        yield json.dumps({"id": record_id, "entities": entities}, ensure_ascii=False)


def parse_line(line: str, number: int) -> tuple[Any, str]:
    try:
        record = json.loads(line)
    except ValueError:
        raise InvalidScanInput(f"line {number}: not valid JSON") from None
    if not isinstance(record, dict):
        raise InvalidScanInput(f"line {number}: expected a JSON object")
    for key in ("id", "text"):
        if key not in record:
            raise InvalidScanInput(f"line {number}: missing {key!r}")
    if not isinstance(record["text"], str):
        raise InvalidScanInput(f"line {number}: 'text' must be a string")
    if not isinstance(record["id"], str | int) or isinstance(record["id"], bool):
        raise InvalidScanInput(f"line {number}: 'id' must be a string or an integer")
    return record["id"], record["text"]
