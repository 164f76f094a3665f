"""The PERSON recognizer: Chinese and English personal names, customers' and agents' alike."""

from __future__ import annotations

import itertools

from anxin.pii.cn_names import find_chinese_names
from anxin.pii.en_names import find_english_names
from anxin.pii.overlap import select_spans
from anxin.pii.spans import PiiType, Span


class PersonRecognizer:
    """Names in contact-center text; see `cn_names` and `en_names` for how each script is read."""

    name = "person"
    types = (PiiType.PERSON,)

    def find(self, text: str) -> list[Span]:
        candidates = itertools.chain(find_chinese_names(text), find_english_names(text))
        return select_spans(candidates, PiiType.PERSON)
