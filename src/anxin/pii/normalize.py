"""Canonical forms of identifiers, so equal values give equal blind-index digests.

A caller's number arrives as +86 138 1234 5678, 138-1234-5678, 0086 13812345678 or in
full-width digits; all must become the same E.164 string before hashing, or a repeat caller
would not be recognised. libphonenumber (the `phonenumbers` package) holds the numbering plans.
"""

from __future__ import annotations

import re
import unicodedata

import phonenumbers

from anxin.pii.errors import InvalidEmail, InvalidIdNumber, InvalidPhoneNumber

DEFAULT_REGION = "CN"
MAX_PHONE_CHARS = 40
_PHONE_CHARS = re.compile(r"^[+\d\s().\-/]*$")
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
_ID_NUMBER = re.compile(r"^\d{17}[\dX]$")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def normalize_phone(raw: str, *, region: str = DEFAULT_REGION) -> str:
    """E.164 (+8613812345678) for any common written form, or InvalidPhoneNumber."""
    text = unicodedata.normalize("NFKC", raw).strip()
    if not text or len(text) > MAX_PHONE_CHARS or not _PHONE_CHARS.match(text):
        raise InvalidPhoneNumber("phone numbers contain only digits, spaces, + ( ) . - and /")
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        raise InvalidPhoneNumber("the phone number could not be parsed") from None
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhoneNumber("the phone number is not valid in its numbering plan")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def national_digits(e164: str) -> str:
    """The national significant number of an E.164 string (for display masking)."""
    if e164.startswith("+86"):  # the common case, without a full parse
        return e164[3:]
    return str(phonenumbers.parse(e164).national_number)


def normalize_email(raw: str) -> str:
    text = unicodedata.normalize("NFKC", raw).strip().lower()
    if len(text) > 254 or not _EMAIL.match(text):
        raise InvalidEmail("the e-mail address is not of the form name@domain")
    return text


def normalize_id_number(raw: str) -> str:
    """An 18-character PRC resident ID, upper-case X, with a valid GB 11643 check character."""
    text = unicodedata.normalize("NFKC", raw).strip().replace(" ", "").upper()
    if not _ID_NUMBER.match(text) or id_check_character(text[:17]) != text[17]:
        raise InvalidIdNumber("resident ID numbers are 18 characters with a valid check digit")
    return text


def id_check_character(first17: str) -> str:
    """The GB 11643-1999 ISO 7064 MOD 11-2 check character."""
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]
