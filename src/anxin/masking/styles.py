"""Display masks: enough of a value to confirm it with the customer, not enough to misuse it.

`apply(style, data_class, value)` is the one entry point: the policy (policy.py) picks the style
for a role and data class, and this module renders it. The mask_* helpers are the `masked` style
of each kind of value; docs/masking.md lists them with examples.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from types import MappingProxyType

from anxin.pii.catalogue import DataClass
from anxin.pii.spans import EntityType, PiiType

MASK = "*"


def mask_phone(digits: str) -> str:
    """13812345678 -> 138****5678; shorter numbers keep at most their first 3 and last 2-4."""
    if len(digits) >= 11:
        return digits[:3] + MASK * (len(digits) - 7) + digits[-4:]
    if len(digits) >= 7:
        return digits[:3] + MASK * (len(digits) - 5) + digits[-2:]
    return MASK * len(digits)


def mask_email(email: str) -> str:
    """zhang.wei@example.com -> z***@example.com."""
    local, _, domain = email.partition("@")
    return (local[:1] or MASK) + MASK * 3 + "@" + domain


def mask_id_number(id_number: str) -> str:
    """110101199001011234 -> 110101********1234 (region kept, birth date hidden)."""
    if len(id_number) < 10:
        return MASK * len(id_number)
    return id_number[:6] + MASK * (len(id_number) - 10) + id_number[-4:]


def mask_name(name: str) -> str:
    """张伟 -> 张*, 欧阳娜娜 -> 欧***; Zhang Wei -> Z*** W***."""
    text = name.strip()
    if not text:
        return text
    if " " in text:
        return " ".join(part[:1] + MASK * 3 for part in text.split())
    return text[:1] + MASK * max(1, len(text) - 1)


def mask_address(address: str, *, keep: int = 6) -> str:
    """北京市朝阳区建国路88号 -> 北京市朝阳区****: the city and district, never the door."""
    text = address.strip()
    if len(text) <= keep:
        return MASK * 4
    return text[:keep] + MASK * 4


class Style(enum.StrEnum):
    """How much of a value a reader sees (docs/masking.md shows each one)."""

    FULL = "full"  # the raw value
    MASKED = "masked"  # the per-class display mask below: enough to confirm, not to misuse
    HIDDEN = "hidden"  # nothing: apply() returns None and the edge sends JSON null
    REDACTED = "redacted"  # a typed placeholder such as [CN_MOBILE] or [CONTACT]


# The customer's stored fields and the class each one belongs to.
FIELD_CLASSES: Mapping[str, DataClass] = MappingProxyType(
    {
        "name": DataClass.IDENTITY,
        "phones": DataClass.CONTACT,
        "email": DataClass.CONTACT,
        "id_number": DataClass.GOVERNMENT_ID,
        "address": DataClass.LOCATION,
    }
)


def apply(
    style: Style, data_class: DataClass, value: str, pii_type: EntityType | None = None
) -> str | None:
    """`value` as `style` allows. `pii_type`, when known, picks a finer mask and placeholder."""
    if style is Style.FULL:
        return value
    if style is Style.MASKED:
        # A type added to pii later without a mask here falls back to its class's mask.
        mask = _TYPE_MASKS.get(PiiType(pii_type)) if pii_type in _TYPE_NAMES else None
        return (mask or _CLASS_MASKS[data_class])(value)
    if style is Style.REDACTED:
        return f"[{(pii_type or data_class).upper()}]"
    # HIDDEN, and any style added later without a branch here: show nothing (deny by default).
    return None


def mask_digits(value: str, *, head: int, tail: int) -> str:
    """Replace every digit except the first `head` and last `tail`; keep the separators.

    `+86 138-1234-5678` -> `+86 1**-****-5678`: the layout survives, the number does not.
    """
    total = sum(ch.isdigit() for ch in value)
    if head + tail >= total:
        head, tail = 0, 0  # too short to show any part safely
    out, seen = [], 0
    for ch in value:
        if ch.isdigit():
            seen += 1
            keep = seen <= head or seen > total - tail
            out.append(ch if keep else MASK)
        else:
            out.append(ch)
    return "".join(out)


def mask_phone_text(value: str) -> str:
    """A phone number as written: 138****5678, +86 1******5678, (415) ***-**23."""
    digits = sum(ch.isdigit() for ch in value)
    if digits >= 11:
        return mask_digits(value, head=3, tail=4)
    if digits >= 7:
        return mask_digits(value, head=3, tail=2)
    return mask_digits(value, head=0, tail=0)


def mask_card(value: str) -> str:
    """6222021234561234 -> 6222 **** **** 1234: issuer and last four, hidden digits in groups of
    four; a 19-digit card ends `**** *** 0128`, so the last four always stand as one group."""
    digits = "".join(ch for ch in value if ch.isdigit())
    if len(digits) < 12:
        return mask_digits(value, head=0, tail=0)
    hidden = MASK * (len(digits) - 8)
    groups = [hidden[i : i + 4] for i in range(0, len(hidden), 4)]
    return " ".join([digits[:4], *groups, digits[-4:]])


def mask_ssn(value: str) -> str:
    """123-45-6014 -> ***-**-6014: the last four, as on US statements."""
    return mask_digits(value, head=0, tail=4)


def mask_passport(value: str) -> str:
    """E12345236 -> E*****236: the letter and the last three."""
    text = value.strip()
    if len(text) < 8:
        return MASK * len(text)
    return text[:1] + MASK * (len(text) - 4) + text[-3:]


def mask_ip(value: str) -> str:
    """153.244.10.7 -> 153.244.*.*; 2001:db8:85a3::7334 -> 2001:db8:*: the network, not the host."""
    text = value.strip()
    if ":" in text:
        groups = text.split(":")
        return ":".join(groups[:2]) + ":" + MASK
    octets = text.split(".")
    if len(octets) != 4:
        return MASK * 4
    return ".".join([*octets[:2], MASK, MASK])


def mask_contact(value: str) -> str:
    """An e-mail address or a phone number, whichever the value is."""
    return mask_email(value) if "@" in value else mask_phone_text(value)


def mask_government_id(value: str) -> str:
    """A resident ID keeps region and check digits; shorter IDs (SSN, passport) the last four."""
    length = sum(ch.isalnum() for ch in value)
    if length >= 15:
        return mask_id_number(value.strip())
    if length >= 9:
        return _mask_alnum_except_tail(value, tail=4)
    return _mask_alnum_except_tail(value, tail=0)


def mask_financial(value: str) -> str:
    """A card or account number: issuer and last four when long enough, else nothing."""
    if sum(ch.isdigit() for ch in value) >= 12:
        return mask_card(value)
    return _mask_alnum_except_tail(value, tail=0)


def _mask_alnum_except_tail(value: str, *, tail: int) -> str:
    total = sum(ch.isalnum() for ch in value)
    out, seen = [], 0
    for ch in value:
        if ch.isalnum():
            seen += 1
            out.append(ch if seen > total - tail else MASK)
        else:
            out.append(ch)
    return "".join(out)


_CLASS_MASKS: Mapping[DataClass, Callable[[str], str]] = MappingProxyType(
    {
        DataClass.CONTACT: mask_contact,
        DataClass.GOVERNMENT_ID: mask_government_id,
        DataClass.FINANCIAL: mask_financial,
        DataClass.IDENTITY: mask_name,
        DataClass.LOCATION: mask_address,
        DataClass.NETWORK: mask_ip,
    }
)

_TYPE_NAMES = frozenset(t.value for t in PiiType)
_TYPE_MASKS: Mapping[PiiType, Callable[[str], str]] = MappingProxyType(
    {
        PiiType.CN_MOBILE: mask_phone_text,
        PiiType.CN_LANDLINE: mask_phone_text,
        PiiType.US_PHONE: mask_phone_text,
        PiiType.EMAIL: mask_email,
        PiiType.CN_ID: mask_government_id,
        PiiType.US_SSN: mask_ssn,
        PiiType.PASSPORT: mask_passport,
        PiiType.BANK_CARD: mask_financial,
        PiiType.CREDIT_CARD: mask_financial,
        PiiType.PERSON: mask_name,
        PiiType.ADDRESS: mask_address,
        PiiType.IP_ADDRESS: mask_ip,
    }
)
