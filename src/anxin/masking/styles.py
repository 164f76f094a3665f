"""Display masks: enough of a value to confirm it with the customer, not enough to misuse it.

Until the masking issue brings role x data-class policies, every API output of customer data
uses these masks; nothing returns a raw value.
"""

from __future__ import annotations

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
