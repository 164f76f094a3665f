from __future__ import annotations

import pytest

from anxin.pii.errors import InvalidEmail, InvalidIdNumber, InvalidPhoneNumber
from anxin.pii.normalize import normalize_email, normalize_id_number, normalize_phone


@pytest.mark.parametrize(
    "raw",
    [
        "+86 138 1234 5678",
        "138-1234-5678",
        "13812345678",
        "0086 13812345678",
        "+8613812345678",
        "１３８１２３４５６７８",
        "(+86) 138 1234 5678",
        " 138.1234.5678 ",
    ],
)
def test_common_forms_of_a_mobile_number_normalize_to_e164(raw: str) -> None:
    assert normalize_phone(raw) == "+8613812345678"


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("010-6552 9988", "+861065529988"),
        ("+1 (415) 555-2671", "+14155552671"),
        ("0044 20 7946 0958", "+442079460958"),
    ],
)
def test_landlines_and_foreign_numbers(raw: str, e164: str) -> None:
    assert normalize_phone(raw) == e164


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "12345",
        "1381234567",
        "abc13812345678",
        "138123456789012345678901234567890123456789X",
        "+86 100 0000 0000",
        "13812345678; DROP TABLE",
    ],
)
def test_invalid_numbers_are_refused(raw: str) -> None:
    with pytest.raises(InvalidPhoneNumber):
        normalize_phone(raw)


def test_email_is_lowercased_and_checked() -> None:
    assert normalize_email(" Zhang.Wei@Example.COM ") == "zhang.wei@example.com"
    for bad in ("no-at-sign", "a@b", "two@@example.com", "a b@example.com"):
        with pytest.raises(InvalidEmail):
            normalize_email(bad)


def test_id_number_checksum() -> None:
    assert normalize_id_number("11010519491231002x") == "11010519491231002X"
    for bad in ("110105194912310021", "11010519491231002", "A10105194912310026"):
        with pytest.raises(InvalidIdNumber):
            normalize_id_number(bad)
