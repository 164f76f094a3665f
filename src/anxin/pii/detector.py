"""The detector: every recognizer over one text, overlaps resolved, spans in text order.

Pure: no I/O, no database. Recognizers come from the registry; the PERSON and ADDRESS
recognizers (and a tenant's own) plug in as extra Recognizer objects.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence

from anxin.pii import registry
from anxin.pii.spans import Recognizer, Span


class Detector:
    def __init__(self, recognizers: Sequence[Recognizer]) -> None:
        self.recognizers = tuple(recognizers)

    def detect(self, text: str) -> list[Span]:
        """Non-overlapping spans sorted by start; code-point offsets into `text`."""
        candidates = [span for r in self.recognizers for span in r.find(text)]
        return resolve_overlaps(candidates)


def resolve_overlaps(candidates: Iterable[Span]) -> list[Span]:
    """Keep the best of overlapping candidates: higher score, then longer, then earlier.

    Greedy in rank order; each kept span goes into a start-sorted list, so checking a candidate
    against its two neighbours is a binary search (n log n for n candidates).
    """
    ranked = sorted(candidates, key=lambda s: (-s.score, s.start - s.end, s.start))
    kept: list[Span] = []
    starts: list[int] = []
    for span in ranked:
        at = bisect.bisect_left(starts, span.start)
        if at > 0 and kept[at - 1].end > span.start:
            continue
        if at < len(kept) and kept[at].start < span.end:
            continue
        kept.insert(at, span)
        starts.insert(at, span.start)
    return kept


def default_detector(extra: Iterable[Recognizer] = ()) -> Detector:
    """Every registered recognizer, then `extra` (a tenant's own, or ones under test)."""
    return Detector([*registry.builtin_recognizers(), *extra])
