"""Context words: the nearest cue before a candidate decides what the number is.

`订单号2023112512345678` passes Luhn but the context says order number; `联系电话13812345678`
is a phone whatever came earlier in the sentence. So the cue closest to the candidate wins, and
a negative cue only counts when it sits right before the value (`流水号是…`), because a word
like 订单 many words back says nothing about this number. The look-back stops at a sentence or
line break: a cue in the previous sentence is about something else.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence

_CLAUSE_BREAKS = "。！？；;!?\n"


class Cue(enum.Enum):
    NONE = "none"
    POSITIVE = "positive"
    NEGATIVE = "negative"


def look_back(text: str, start: int, window: int) -> str:
    """Lower-cased text before `start`, at most `window` characters, cut at a clause break."""
    before = text[max(0, start - window) : start].lower()
    cut = max(before.rfind(c) for c in _CLAUSE_BREAKS)
    return before[cut + 1 :]


def nearest_cue(
    before: str,
    *,
    positive: Sequence[str],
    negative: Sequence[str],
    negative_reach: int,
) -> Cue:
    """The cue ending closest to the candidate; on a tie the longer word (订单号码 beats 号码)."""
    best: tuple[int, int] | None = None
    cue = Cue.NONE
    for words, kind in ((positive, Cue.POSITIVE), (negative, Cue.NEGATIVE)):
        for word in words:
            at = before.rfind(word)
            if at < 0:
                continue
            distance = len(before) - at - len(word)
            if kind is Cue.NEGATIVE and distance > negative_reach:
                continue
            rank = (distance, -len(word))
            if best is None or rank < best:
                best, cue = rank, kind
    return cue
