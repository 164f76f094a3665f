"""Picking non-overlapping spans from candidates, as each recognizer must return them."""

from __future__ import annotations

import bisect
from collections.abc import Iterable

from anxin.pii.spans import PiiType, Span


def resolve_overlaps(candidates: Iterable[Span]) -> list[Span]:
    """Keep the best of overlapping candidates: higher score, then longer, then earlier.

    Greedy in rank order; each kept span goes into a start-sorted list, so checking a candidate
    against its two neighbours is a binary search (n log n for n candidates).
    """
    ranked = list(candidates)
    if len(ranked) < 2:  # most recognizers' lists, and most texts: nothing can overlap
        return ranked
    ranked.sort(key=lambda s: (-s.score, s.start - s.end, s.start))
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


def select_spans(candidates: Iterable[tuple[int, int, float]], pii_type: PiiType) -> list[Span]:
    """A recognizer's own candidates, chosen by the same rule the detector applies across types,
    so a recognizer's choice agrees with the detector's."""
    unique = set(candidates)
    if not unique:  # most texts: no call for the ranking machinery
        return []
    return resolve_overlaps([Span(s, e, pii_type, score) for s, e, score in unique])
