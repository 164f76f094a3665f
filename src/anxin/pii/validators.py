"""Checks a candidate must pass to be reported: checksums and numbering-plan rules.

Each validator takes the matched text exactly as written (separators included) and answers
yes or no. They are registered by name in VALIDATORS so a recognizer defined in configuration
can name one without code.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
from collections.abc import Callable, Mapping

from anxin.pii.normalize import id_check_character

Validator = Callable[[str], bool]
_NOT_DIGITS = re.compile("[^0-9]")

# GB 2260 province-level codes: the first two digits of a resident ID.
_PROVINCES = frozenset({
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
    "65", "71", "81", "82", "91",
})  # fmt: skip
# Toll-free and non-geographic North American area codes: company lines, not a person's.
_US_NON_PERSONAL_AREAS = frozenset({"400", "800", "822", "833", "844", "855", "866", "877", "888"})


def digits_of(value: str) -> str:
    return _NOT_DIGITS.sub("", value)


def luhn(value: str) -> bool:
    digits = digits_of(value)
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return bool(digits) and total % 10 == 0


def cn_id(value: str) -> bool:
    """GB 11643: province code, a real birth date, and the MOD 11-2 check character."""
    chars = "".join(c for c in value if c not in " -").upper()
    if len(chars) != 18 or not chars[:17].isdigit() or chars[:2] not in _PROVINCES:
        return False
    try:
        born = dt.date(int(chars[6:10]), int(chars[10:12]), int(chars[12:14]))
    except ValueError:
        return False
    return 1900 <= born.year <= 2099 and id_check_character(chars[:17]) == chars[17]


def bank_card(value: str) -> bool:
    """UnionPay debit cards: 62…, 16 to 19 digits, Luhn."""
    digits = digits_of(value)
    return digits.startswith("62") and 16 <= len(digits) <= 19 and luhn(digits)


def credit_card(value: str) -> bool:
    """Visa (4…, 13/16/19), Mastercard (51–55, 2221–2720; 16), Amex (34/37; 15), Luhn."""
    digits = digits_of(value)
    n = len(digits)
    visa = digits[0] == "4" and n in (13, 16, 19)
    master = n == 16 and (51 <= int(digits[:2]) <= 55 or 2221 <= int(digits[:4]) <= 2720)
    amex = n == 15 and digits[:2] in ("34", "37")
    return (visa or master or amex) and luhn(digits)


# 1-646-555-0133 is a North American number with its trunk prefix, grouped 1-3-3-4; a Chinese
# mobile number is grouped 3-4-4 (or 3-3-… read aloud), never with the 1 standing alone.
_NANP_GROUPING = re.compile(r"1[ \-.]\d{3}[ \-.]\d{3}[ \-.]\d{4}")


def cn_mobile(value: str) -> bool:
    """Eleven national digits 1[3-9]…, after an optional +86 / 0086; not grouped 1-3-3-4."""
    if _NANP_GROUPING.fullmatch(value):
        return False
    digits = digits_of(value)
    for prefix in ("0086", "86"):
        if len(digits) == 11 + len(prefix) and digits.startswith(prefix):
            digits = digits[len(prefix) :]
    return len(digits) == 11 and digits[0] == "1" and digits[1] in "3456789"


def cn_landline(value: str) -> bool:
    """Area code (010, 02x, 0xxx; or after +86 without the 0) and a 7–8 digit local number."""
    digits = digits_of(value)
    for prefix in ("0086", "86"):
        if value.lstrip("+").startswith(prefix):
            digits = "0" + digits[len(prefix) :]
            break
    area = 3 if digits[1] in "12" else 4
    local = digits[area:]
    return digits[0] == "0" and 7 <= len(local) <= 8 and local[0] != "0"


def us_phone(value: str) -> bool:
    """NANP: area and exchange start 2–9, neither is N11; toll-free areas are not personal."""
    digits = digits_of(value)
    if len(digits) == 11 and digits[0] == "1":
        digits = digits[1:]
    if len(digits) != 10:
        return False
    area, exchange = digits[:3], digits[3:6]
    plausible = all(part[0] not in "01" and part[1:] != "11" for part in (area, exchange))
    return plausible and area not in _US_NON_PERSONAL_AREAS


def us_ssn(value: str) -> bool:
    """Area 001–899 except 666, group 01–99, serial 0001–9999."""
    digits = digits_of(value)
    if len(digits) != 9:
        return False
    area, group, serial = int(digits[:3]), int(digits[3:5]), int(digits[5:])
    return 0 < area < 900 and area != 666 and group > 0 and serial > 0


def ip_address(value: str) -> bool:
    """A parseable IPv4 or IPv6 address; IPv6 needs two groups so a lone `::` is not one."""
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return False
    return address.version == 4 or sum(1 for part in value.split(":") if part) >= 2


VALIDATORS: Mapping[str, Validator] = {
    "luhn": luhn,
    "cn_id": cn_id,
    "bank_card": bank_card,
    "credit_card": credit_card,
    "cn_mobile": cn_mobile,
    "cn_landline": cn_landline,
    "us_phone": us_phone,
    "us_ssn": us_ssn,
    "ip_address": ip_address,
}
