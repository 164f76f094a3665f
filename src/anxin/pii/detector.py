"""The detector: every recognizer over one text, overlaps resolved, spans in text order.

Pure: no I/O, no database. Recognizers come from the registry; the PERSON and ADDRESS
recognizers (and a tenant's own) plug in as extra Recognizer objects.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from anxin.pii import registry, textmap
from anxin.pii.overlap import resolve_overlaps
from anxin.pii.recognizers import PatternRecognizer
from anxin.pii.spans import Recognizer, Span

# One recognizer's call: the text's views (made once per text) and the text.
_Finder = Callable[[textmap.TextViews, str], Iterable[Span]]


class Detector:
    def __init__(self, recognizers: Sequence[Recognizer]) -> None:
        self.recognizers = tuple(recognizers)
        self._finders = tuple(_finder(r) for r in self.recognizers)

    def detect(self, text: str) -> list[Span]:
        """Non-overlapping spans sorted by start; code-point offsets into `text`."""
        views = textmap.views_of(text)
        candidates: list[Span] = []
        for find in self._finders:
            candidates += find(views, text)
        return resolve_overlaps(candidates)


def _finder(recognizer: Recognizer) -> _Finder:
    """How the detector calls `recognizer`, in the order given (ties between equal candidates
    keep it). Pattern recognizers take the views directly, which saves a cache lookup per
    recognizer and text; any other recognizer is called through its `find`."""
    if type(recognizer) is PatternRecognizer:  # a subclass may override `find`
        return recognizer.find_in
    return lambda _views, text: recognizer.find(text)


def default_detector(extra: Iterable[Recognizer] = ()) -> Detector:
    """Every registered recognizer, then `extra` (a tenant's own, or ones under test)."""
    return Detector([*registry.builtin_recognizers(), *extra])
