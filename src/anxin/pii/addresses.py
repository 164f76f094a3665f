"""The ADDRESS recognizer: Chinese postal addresses and US street addresses."""

from __future__ import annotations

import itertools

from anxin.pii.cn_addresses import find_chinese_addresses
from anxin.pii.en_addresses import find_english_addresses
from anxin.pii.overlap import select_spans
from anxin.pii.spans import EntityType, PiiType, Span


class AddressRecognizer:
    """Addresses down to the room; a place name alone is not one (see `cn_addresses`)."""

    name: str = "address"
    types: tuple[EntityType, ...] = (PiiType.ADDRESS,)

    def find(self, text: str) -> list[Span]:
        candidates = itertools.chain(find_chinese_addresses(text), find_english_addresses(text))
        return select_spans(candidates, PiiType.ADDRESS)
