from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from anxin.masking import styles
from anxin.masking.styles import Style
from anxin.pii.catalogue import DataClass
from anxin.pii.spans import PiiType


@pytest.mark.parametrize(
    ("fn", "raw", "masked"),
    [
        (styles.mask_phone, "13812345678", "138****5678"),
        (styles.mask_phone, "1065529988", "106*****88"),
        (styles.mask_phone, "110", "***"),
        (styles.mask_email, "zhang.wei@example.com", "z***@example.com"),
        (styles.mask_id_number, "11010519491231002X", "110105********002X"),
        (styles.mask_name, "张伟", "张*"),
        (styles.mask_name, "欧阳娜娜", "欧***"),
        (styles.mask_name, "Mary Smith", "M*** S***"),
        (styles.mask_address, "北京市朝阳区建国路88号", "北京市朝阳区****"),
        (styles.mask_address, "北京", "****"),
    ],
)
def test_masks(fn, raw: str, masked: str) -> None:
    assert fn(raw) == masked


@pytest.mark.parametrize(
    ("data_class", "pii_type", "raw", "masked"),
    [
        (DataClass.CONTACT, None, "13812345678", "138****5678"),
        (DataClass.CONTACT, PiiType.CN_MOBILE, "+86 138-1234-5678", "+86 1**-****-5678"),
        (DataClass.CONTACT, PiiType.CN_LANDLINE, "010-65529988", "010-****9988"),
        (DataClass.CONTACT, PiiType.US_PHONE, "(415) 555-0123", "(415) ***-**23"),
        (DataClass.CONTACT, None, "zhang.wei@example.com", "z***@example.com"),
        (DataClass.CONTACT, PiiType.EMAIL, "zhang.wei@example.com", "z***@example.com"),
        (DataClass.GOVERNMENT_ID, None, "11010119900101123X", "110101********123X"),
        (DataClass.GOVERNMENT_ID, PiiType.CN_ID, "11010119900101123X", "110101********123X"),
        (DataClass.GOVERNMENT_ID, PiiType.US_SSN, "123-45-6014", "***-**-6014"),
        (DataClass.GOVERNMENT_ID, None, "123-45-6014", "***-**-6014"),
        (DataClass.GOVERNMENT_ID, PiiType.PASSPORT, "E12345236", "E*****236"),
        (DataClass.GOVERNMENT_ID, None, "E1234", "*****"),
        (DataClass.FINANCIAL, None, "6222021234561234", "6222 **** **** 1234"),
        (DataClass.FINANCIAL, PiiType.BANK_CARD, "6222 0212 3456 1234", "6222 **** **** 1234"),
        (DataClass.FINANCIAL, PiiType.CREDIT_CARD, "4111-1111-1111-1111", "4111 **** **** 1111"),
        (DataClass.FINANCIAL, None, "12345", "*****"),
        (DataClass.IDENTITY, None, "张伟", "张*"),
        (DataClass.IDENTITY, PiiType.PERSON, "Mary Smith", "M*** S***"),
        (DataClass.LOCATION, None, "北京市朝阳区建国路88号", "北京市朝阳区****"),
        (DataClass.LOCATION, PiiType.ADDRESS, "北京市朝阳区建国路88号", "北京市朝阳区****"),
        (DataClass.NETWORK, None, "153.244.10.7", "153.244.*.*"),
        (DataClass.NETWORK, PiiType.IP_ADDRESS, "2001:db8:85a3::7334", "2001:db8:*"),
        (DataClass.NETWORK, None, "not-an-ip", "****"),
        (DataClass.CONTACT, PiiType.CN_LANDLINE, "110", "***"),
        (DataClass.CONTACT, None, "12-34", "**-**"),
        (DataClass.FINANCIAL, PiiType.BANK_CARD, "62220212345", "***********"),
        (DataClass.GOVERNMENT_ID, PiiType.PASSPORT, "E1234", "*****"),
        (DataClass.IDENTITY, None, "  ", ""),
        (DataClass.GOVERNMENT_ID, PiiType.US_SSN, "6014", "****"),
    ],
)
def test_when_style_is_masked_then_each_class_gets_its_display_mask(
    data_class: DataClass, pii_type: PiiType | None, raw: str, masked: str
) -> None:
    assert styles.apply(Style.MASKED, data_class, raw, pii_type) == masked


@pytest.mark.parametrize("data_class", list(DataClass))
def test_when_style_is_full_hidden_or_redacted_then_value_is_raw_none_or_class_placeholder(
    data_class: DataClass,
) -> None:
    assert styles.apply(Style.FULL, data_class, "v@1") == "v@1"
    assert styles.apply(Style.HIDDEN, data_class, "v@1") is None
    assert styles.apply(Style.REDACTED, data_class, "v@1") == f"[{data_class.value.upper()}]"


@pytest.mark.parametrize("pii_type", list(PiiType))
def test_when_type_is_known_then_redacted_placeholder_names_it(pii_type: PiiType) -> None:
    assert styles.apply(Style.REDACTED, DataClass.CONTACT, "x", pii_type) == f"[{pii_type}]"


def test_every_stored_customer_field_has_a_class() -> None:
    assert dict(styles.FIELD_CLASSES) == {
        "name": DataClass.IDENTITY,
        "phones": DataClass.CONTACT,
        "email": DataClass.CONTACT,
        "id_number": DataClass.GOVERNMENT_ID,
        "address": DataClass.LOCATION,
    }


separators = st.sampled_from(["", " ", "-"])


def _numbers(length: int) -> st.SearchStrategy[str]:
    return st.text(alphabet="0123456789", min_size=length, max_size=length)


def _only_digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


@given(number=st.one_of(_numbers(11), _numbers(10), _numbers(8), _numbers(13)), sep=separators)
def test_when_phone_is_masked_then_its_full_digits_never_appear(number: str, sep: str) -> None:
    written = sep.join([number[:3], number[3:7], number[7:]])
    for pii_type in (None, PiiType.CN_MOBILE, PiiType.US_PHONE):
        masked = styles.apply(Style.MASKED, DataClass.CONTACT, written, pii_type)
        assert masked is not None
        assert number not in _only_digits(masked)
        assert number not in masked


@given(body=st.one_of(_numbers(17), _numbers(14)), check=st.sampled_from("0123456789X"))
def test_when_id_is_masked_then_its_full_number_never_appears(body: str, check: str) -> None:
    id_number = body + check
    for pii_type in (None, PiiType.CN_ID):
        masked = styles.apply(Style.MASKED, DataClass.GOVERNMENT_ID, id_number, pii_type)
        assert masked is not None
        assert id_number not in masked
        assert len(_only_digits(masked)) <= 10


@given(number=st.one_of(_numbers(16), _numbers(19), _numbers(13)), sep=separators)
def test_when_card_is_masked_then_its_full_number_never_appears(number: str, sep: str) -> None:
    written = sep.join(number[i : i + 4] for i in range(0, len(number), 4))
    for pii_type in (None, PiiType.BANK_CARD, PiiType.CREDIT_CARD):
        masked = styles.apply(Style.MASKED, DataClass.FINANCIAL, written, pii_type)
        assert masked is not None
        assert number not in _only_digits(masked)
        assert len(_only_digits(masked)) <= 8


@given(number=_numbers(9))
def test_when_ssn_is_masked_then_only_the_last_four_remain(number: str) -> None:
    written = f"{number[:3]}-{number[3:5]}-{number[5:]}"
    masked = styles.apply(Style.MASKED, DataClass.GOVERNMENT_ID, written, PiiType.US_SSN)
    assert masked == f"***-**-{number[5:]}"


@pytest.mark.parametrize("pii_type", list(PiiType))
def test_every_detected_type_has_a_mask_that_hides_something(pii_type: PiiType) -> None:
    raw = "13812345678@example.com" if pii_type is PiiType.EMAIL else "11010119900101123X"
    masked = styles.apply(Style.MASKED, DataClass.CONTACT, raw, pii_type)
    assert masked is not None
    assert masked != raw
    assert "*" in masked


@pytest.mark.parametrize(
    ("number", "shown"),
    [
        ("6222021234561234", "6222 **** **** 1234"),
        ("6222021234567890128", "6222 **** **** *** 0128"),
        ("378282246310005", "3782 **** *** 0005"),
    ],
)
def test_a_card_keeps_issuer_and_last_four_as_groups(number: str, shown: str) -> None:
    assert styles.mask_card(number) == shown
