"""The redacted copy never holds a detected value, and a text without spans is left as it is."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from anxin.pii.detector import default_detector
from anxin.pii.redaction import redact
from anxin.pii.spans import PiiType, Span

DETECTOR = default_detector()
PIECES = st.sampled_from(
    [*"0123456789 -+.@:()，。Xx", "打", "电话", "邮箱", "身份证号", "是", "我的手机",
     "13812345678", "+86 138 1234 5678", "zhang.san@qq.com", "440106196403030005",
     "4111 1111 1111 1111", "E12345678", "192.168.1.20", "请联系"]
)  # fmt: skip
TEXTS = st.one_of(
    st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=200),
    st.lists(PIECES, max_size=40).map("".join),
)


@given(TEXTS)
@settings(max_examples=300, deadline=None)
def test_the_redacted_copy_never_contains_a_detected_value(text: str) -> None:
    spans = DETECTOR.detect(text)
    redacted = redact(text, spans)
    for span in spans:
        value = text[span.start : span.end]
        if len(value) >= 4:
            assert value not in redacted


@given(st.text(max_size=200))
def test_when_there_are_no_spans_then_the_text_is_unchanged(text: str) -> None:
    assert redact(text, []) == text


def test_when_spans_are_found_then_each_becomes_a_typed_placeholder() -> None:
    text = "手机13812345678，身份证440106196403030005"
    assert redact(text, DETECTOR.detect(text)) == "手机[CN_MOBILE]，身份证[CN_ID]"


def test_when_spans_overlap_then_redaction_refuses() -> None:
    spans = [Span(0, 5, PiiType.CN_MOBILE, 1.0), Span(3, 8, PiiType.EMAIL, 1.0)]
    with pytest.raises(ValueError, match="overlaps"):
        redact("0123456789", spans)
