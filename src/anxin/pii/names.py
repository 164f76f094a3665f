"""The PERSON recognizer: Chinese and English personal names, customers' and agents' alike."""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterable

from anxin.pii.addresses import AddressRecognizer
from anxin.pii.cn_names import find_chinese_names
from anxin.pii.en_names import find_english_names
from anxin.pii.overlap import select_spans
from anxin.pii.spans import EntityType, PiiType, Span


class PersonRecognizer:
    """Names in contact-center text; see `cn_names` and `en_names` for how each script is read.

    A name inside an address (Martin Luther King Jr Blvd, 李宁大厦) names a street or a building,
    not the person we protect, so candidates overlapping an address are dropped: PERSON and
    ADDRESS spans from this package never overlap.
    """

    name: str = "person"
    types: tuple[EntityType, ...] = (PiiType.PERSON,)

    def __init__(self) -> None:
        self._addresses = AddressRecognizer()

    def find(self, text: str) -> list[Span]:
        return self.find_outside(text, self._addresses.find(text))

    def find_outside(self, text: str, addresses: list[Span]) -> list[Span]:
        """The names in `text` that overlap none of `addresses` (its ADDRESS spans, sorted and
        non-overlapping), for a caller that has found the addresses already."""
        candidates = itertools.chain(find_chinese_names(text), find_english_names(text))
        return select_spans(_outside(candidates, addresses), PiiType.PERSON)


def _outside(
    candidates: Iterable[tuple[int, int, float]], addresses: list[Span]
) -> list[tuple[int, int, float]]:
    """The candidates that overlap no address (addresses sorted and non-overlapping)."""
    starts = [a.start for a in addresses]
    kept = []
    for cand in candidates:
        at = bisect.bisect_left(starts, cand[1])  # the addresses that start before cand ends
        if at == 0 or addresses[at - 1].end <= cand[0]:
            kept.append(cand)
    return kept
