"""Picking non-overlapping spans from candidates, as each recognizer must return them."""

from __future__ import annotations

import bisect
from collections.abc import Iterable

from anxin.pii.spans import PiiType, Span


def select_spans(candidates: Iterable[tuple[int, int, float]], pii_type: PiiType) -> list[Span]:
    """The best non-overlapping candidates, sorted by start.

    Higher score wins, then the longer span, then the earlier one: the same preference the
    detector applies across types, so a recognizer's own choice agrees with the detector's.
    """
    ranked = sorted(set(candidates), key=lambda c: (-c[2], -(c[1] - c[0]), c[0]))
    chosen: list[tuple[int, int, float]] = []  # kept sorted by start; never overlapping
    for cand in ranked:
        at = bisect.bisect_left(chosen, cand)
        clear_before = at == 0 or chosen[at - 1][1] <= cand[0]
        clear_after = at == len(chosen) or cand[1] <= chosen[at][0]
        if clear_before and clear_after:
            chosen.insert(at, cand)
    return [Span(s, e, pii_type, score) for s, e, score in chosen]
