"""Context words: the nearest cue before a candidate decides what the number is.

`订单号2023112512345678` passes Luhn but the context says order number; `联系电话13812345678`
is a phone whatever came earlier in the sentence. So the cue closest to the candidate wins, and
a negative cue only counts when it sits right before the value (`流水号是…`) in the same clause,
because a word like 订单 many words back or in the sentence before says nothing about this
number. Where a type demands context (passports), the positive cue may sit in the previous
turn: `坐席：请提供护照号码。\n客户：E12345678`.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Sequence

_CLAUSE_BREAKS = "。！？；;!?\n"


class Cue(enum.Enum):
    NONE = "none"
    POSITIVE = "positive"
    NEGATIVE = "negative"


def look_back(text: str, start: int, window: int) -> str:
    """Lower-cased text before `start`, at most `window` characters."""
    return text[max(0, start - window) : start].lower()


# The last break: a break followed by none up to the end. One search instead of one `rfind`
# per break character (this runs for every candidate that passes its validator).
_BREAK = re.escape(_CLAUSE_BREAKS)
_LAST_BREAK = re.compile(rf"[{_BREAK}][^{_BREAK}]*\Z")


def clause_start(before: str) -> int:
    """Where the clause that `before` ends with begins (after the last sentence or line break)."""
    last = _LAST_BREAK.search(before)
    return 0 if last is None else last.start() + 1


class Cues:
    """One recognizer's context words, found in a single regex pass over the look-back.

    Alternatives are tried longest first, so where 订单号码 occurs the shorter 号码 inside it is
    not seen: the longer word wins a tie. A word in both lists counts as negative.
    """

    def __init__(self, positive: Sequence[str], negative: Sequence[str]) -> None:
        self._kind = {w.lower(): Cue.POSITIVE for w in positive}
        self._kind.update({w.lower(): Cue.NEGATIVE for w in negative})
        self._regex = _alternation(self._kind)
        self._positive = _alternation([w for w, k in self._kind.items() if k is Cue.POSITIVE])

    def nearest(self, before: str, *, negative_reach: int, earlier_clauses: bool = False) -> Cue:
        """The cue ending closest to the end of `before`, in its last clause (positives also in
        earlier ones if `earlier_clauses`); negatives only within the reach."""
        cue = Cue.NONE
        if self._regex is None:
            return cue
        clause = clause_start(before)
        for match in self._regex.finditer(before):
            kind = self._kind[match.group()]
            if match.start() < clause and (kind is Cue.NEGATIVE or not earlier_clauses):
                continue
            if kind is Cue.NEGATIVE and len(before) - match.end() > negative_reach:
                continue
            cue = kind
        return cue

    def any_positive_in(self, text: str) -> bool:
        """Whether a positive word occurs anywhere in (lower-cased) `text`."""
        return self._positive is not None and self._positive.search(text) is not None


def _alternation(words: Iterable[str]) -> re.Pattern[str] | None:
    """One regex for a word list, longest alternatives first; None for no words."""
    ordered = sorted(words, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, ordered))) if ordered else None
