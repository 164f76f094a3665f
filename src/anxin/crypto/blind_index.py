"""Blind indexes: find a row by an exact value without storing or decrypting the value.

HMAC-SHA256 under a per-tenant index key that is separate from the data keys, over a
normalized value prefixed with its kind, so the same digits as a phone and as an ID number give
unrelated digests, and equal values in two tenants give unrelated digests too.
"""

from __future__ import annotations

import enum
import hmac


class IndexKind(enum.StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    ID_NUMBER = "id_number"


def blind_digest(index_key: bytes, *, kind: IndexKind, normalized: str) -> bytes:
    return hmac.digest(index_key, kind.value.encode() + b"\x00" + normalized.encode(), "sha256")
