"""The detector: every recognizer over one text, overlaps resolved, spans in text order.

Pure: no I/O, no database. Recognizers come from the registry; the PERSON and ADDRESS
recognizers (and a tenant's own) plug in as extra Recognizer objects.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from anxin.pii import registry
from anxin.pii.overlap import resolve_overlaps
from anxin.pii.spans import Recognizer, Span


class Detector:
    def __init__(self, recognizers: Sequence[Recognizer]) -> None:
        self.recognizers = tuple(recognizers)

    def detect(self, text: str) -> list[Span]:
        """Non-overlapping spans sorted by start; code-point offsets into `text`."""
        candidates = [span for r in self.recognizers for span in r.find(text)]
        return resolve_overlaps(candidates)


def default_detector(extra: Iterable[Recognizer] = ()) -> Detector:
    """Every registered recognizer, then `extra` (a tenant's own, or ones under test)."""
    return Detector([*registry.builtin_recognizers(), *extra])
