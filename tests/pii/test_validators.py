"""The validators agree with python-stdnum's reference implementations and the numbering rules."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum import luhn as stdnum_luhn
from stdnum.cn import ric

from anxin.pii import validators

DIGITS = st.text(alphabet="0123456789", min_size=2, max_size=19)


@given(DIGITS)
def test_luhn_agrees_with_stdnum(number: str):
    assert validators.luhn(number) == stdnum_luhn.is_valid(number)


@given(st.dates(), st.integers(0, 999))
def test_a_resident_id_with_stdnums_check_character_is_valid(born: dt.date, serial: int):
    body = f"440106{born:%Y%m%d}{serial:03d}"
    check = ric.calc_check_digit(body + "0")
    assert validators.cn_id(body + check) == (1900 <= born.year <= 2099)


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("440106196403030005", True),
        ("440106196403030006", False),  # checksum
        ("990106196403030005", False),  # no such province
        ("440106196402300005", False),  # 30 February
        ("110105 19491231 002X", True),
    ],
)
def test_resident_id_rules(value: str, valid: bool):
    assert validators.cn_id(value) is valid


@pytest.mark.parametrize(
    ("validator", "value", "valid"),
    [
        ("cn_mobile", "+86 138 1234 5678", True),
        ("cn_mobile", "12812345678", False),
        ("cn_mobile", "138.1234.5678", True),
        ("cn_mobile", "1-646-555-0133", False),  # a North American number with its trunk 1
        ("cn_landline", "0755-8765432", True),
        ("cn_landline", "010-0234567", False),
        ("bank_card", "6230582240707196", True),
        ("bank_card", "4111111111111111", False),
        ("credit_card", "4111111111111111", True),
        ("credit_card", "2720990000000007", True),
        ("credit_card", "378282246310005", True),
        ("credit_card", "6230582240707196", False),
        ("us_phone", "(415) 555-0123", True),
        ("us_phone", "800-520-3848", False),
        ("us_phone", "400-820-8820", False),
        ("us_ssn", "551-77-6014", True),
        ("us_ssn", "666-77-6014", False),
        ("us_ssn", "900-77-6014", False),
        ("us_ssn", "551-00-6014", False),
        ("us_ssn", "551-77-0000", False),
        ("ip_address", "2001:db8::1", True),
        ("ip_address", "::", False),
        ("ip_address", "256.1.1.1", False),
    ],
)
def test_numbering_rules(validator: str, value: str, valid: bool):
    assert validators.VALIDATORS[validator](value) is valid
