"""Spans refuse impossible offsets and scores, so a recognizer bug surfaces where it happens."""

from __future__ import annotations

import pytest

from anxin.pii.spans import PiiType, Span


@pytest.mark.parametrize(("start", "end", "score"), [(3, 3, 0.5), (-1, 2, 0.5), (0, 2, 1.5)])
def test_impossible_spans_are_refused(start: int, end: int, score: float):
    with pytest.raises(ValueError, match=r"span|score"):
        Span(start, end, PiiType.EMAIL, score)


def test_spans_sort_by_position():
    late, early = Span(5, 9, PiiType.CN_ID, 0.9), Span(1, 4, PiiType.EMAIL, 0.9)
    assert sorted([late, early]) == [early, late]
