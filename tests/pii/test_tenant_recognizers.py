"""A tenant adds a recognizer from configuration (a dict as read from TOML or YAML)."""

from __future__ import annotations

from typing import Any

import pytest

from anxin.pii.detector import default_detector
from anxin.pii.errors import InvalidRecognizerConfig
from anxin.pii.recognizer_config import recognizer_from_config
from anxin.pii.spans import PiiType

EMPLOYEE_NUMBER: dict[str, Any] = {
    "name": "acme_member_card",
    "type": "BANK_CARD",
    "regex": r"(?<![0-9A-Za-z])AC(?P<value>\d{12})(?!\d)",
    "context": ["会员卡", "member card"],
    "negative_context": ["样例"],
    "validator": "luhn",
    "score": 0.7,
}


def test_when_a_tenant_defines_a_recognizer_as_data_then_the_detector_uses_it():
    recognizer = recognizer_from_config(EMPLOYEE_NUMBER)
    detector = default_detector(extra=[recognizer])
    text = "会员卡AC400000000002，谢谢"
    (span,) = detector.detect(text)
    assert (text[span.start : span.end], span.type, span.score) == (
        "400000000002",
        PiiType.BANK_CARD,
        pytest.approx(0.8),
    )


def test_when_the_validator_or_context_rejects_then_nothing_is_found():
    recognizer = recognizer_from_config(EMPLOYEE_NUMBER)
    assert list(recognizer.find("会员卡AC400000000003")) == []  # fails Luhn
    assert list(recognizer.find("样例AC400000000002")) == []  # negative context


def test_when_context_is_required_and_absent_then_nothing_is_found():
    recognizer = recognizer_from_config({**EMPLOYEE_NUMBER, "context_required": True})
    assert list(recognizer.find("AC400000000002")) == []
    assert len(list(recognizer.find("member card AC400000000002"))) == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"validator": "no_such_check"}, "unknown validator 'no_such_check'"),
        ({"regex": "(unclosed"}, "the regex does not compile"),
        ({"type": "EMPLOYEE"}, "class is required for the new type EMPLOYEE"),
        ({"type": "employee"}, "type must be a built-in type"),
        ({"score": 1.5}, "score must be a number between 0 and 1"),
        ({"context": "会员卡"}, "context must be a list of words"),
        ({"colour": "red"}, "unknown keys: colour"),
        ({"spoken": "yes"}, "spoken must be true or false"),
        ({"validator": ["luhn"]}, "validator must be the name of a validator"),
        ({"regex": r"AC\d+"}, "unbounded repeat"),
        ({"regex": r"(?:A|B*)C"}, "unbounded repeat"),
    ],
)
def test_when_the_config_is_wrong_then_a_pii_error_with_a_stable_code_says_why(
    change: dict[str, Any], message: str
):
    with pytest.raises(InvalidRecognizerConfig, match=message) as caught:
        recognizer_from_config({**EMPLOYEE_NUMBER, **change})
    assert caught.value.code == "pii.invalid_recognizer"


def test_when_a_required_key_is_missing_then_the_error_names_it():
    config = {k: v for k, v in EMPLOYEE_NUMBER.items() if k != "regex"}
    with pytest.raises(InvalidRecognizerConfig, match="missing keys: regex"):
        recognizer_from_config(config)
