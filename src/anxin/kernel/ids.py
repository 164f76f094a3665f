"""Identifiers and opaque tokens.

Row ids are UUIDv7-style strings: time-ordered (so B-tree inserts stay append-mostly, which
matters for SQLite ingestion speed) yet unguessable in their random part, so an id seen in one
tenant says nothing useful about another.
"""

from __future__ import annotations

import os
import time
import uuid


def new_id() -> str:
    """A UUIDv7 (RFC 9562) as its canonical 36-character string."""
    millis = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10), "big")
    value = (millis & 0xFFFF_FFFF_FFFF) << 80
    value |= 0x7 << 76  # version 7
    value |= ((rand >> 62) & 0x0FFF) << 64  # rand_a, 12 bits
    value |= 0b10 << 62  # RFC 9562 variant
    value |= rand & 0x3FFF_FFFF_FFFF_FFFF  # rand_b, 62 bits
    return str(uuid.UUID(int=value))


def is_id(value: str) -> bool:
    """True when value parses as a UUID; used to reject garbage path parameters early."""
    try:
        uuid.UUID(value)
    except (ValueError, AttributeError, TypeError):
        return False
    return True
