"""Whatever the text, spans lie inside it, never overlap, and come sorted by start."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from anxin.pii.detector import default_detector

DETECTOR = default_detector()
# Text made of the pieces values are built from, so candidates actually occur.
PIECES = st.sampled_from(
    [*"0123456789 -+.@:()，。Xx", "幺三八", "一二", "洞两", "１３８", "138", "@qq.com", "身份证",
     "护照", "IP", "版本", "订单号", "E1234567", "::", "2001:db8", "4111 1111 1111 1111",
     "13812345678", "440106196403030005"]
)  # fmt: skip
TEXTS = st.one_of(
    st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=200),
    st.lists(PIECES, max_size=60).map("".join),
)


@given(TEXTS)
@settings(max_examples=300, deadline=None)
def test_spans_are_inside_the_text_sorted_and_disjoint(text: str):
    spans = DETECTOR.detect(text)
    assert all(0 <= s.start < s.end <= len(text) for s in spans)
    assert all(a.end <= b.start for a, b in itertools.pairwise(spans))
