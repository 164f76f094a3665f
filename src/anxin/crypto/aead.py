"""AES-256-GCM sealing of one field value, bound to where it lives.

Blob layout (big-endian): format byte 0x01 | key version (4 bytes) | nonce (12) | ciphertext+tag.
The associated data names the tenant, table, column and row id together with the key version,
so a ciphertext copied into another row, column or tenant fails authentication instead of
decrypting to someone else's data (DESIGN.md invariant 2).
"""

from __future__ import annotations

import dataclasses
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from anxin.crypto.errors import DecryptionFailed

FORMAT_V1 = 1
NONCE_BYTES = 12
_HEADER = 1 + 4 + NONCE_BYTES
_TAG = 16


@dataclasses.dataclass(frozen=True, slots=True)
class FieldRef:
    """Where a sealed value lives; part of its associated data."""

    tenant_id: str
    table: str
    column: str
    row_id: str

    def associated_data(self, key_version: int) -> bytes:
        parts = (self.tenant_id, self.table, self.column, self.row_id, str(key_version))
        return b"anxin.field.v1\x00" + "\x00".join(parts).encode()


def seal(aead: AESGCM, *, key_version: int, plaintext: bytes, ref: FieldRef) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    header = bytes([FORMAT_V1]) + key_version.to_bytes(4, "big") + nonce
    return header + aead.encrypt(nonce, plaintext, ref.associated_data(key_version))


def key_version_of(blob: bytes) -> int:
    """The key version a blob was sealed under, read without decrypting."""
    if len(blob) < _HEADER + _TAG or blob[0] != FORMAT_V1:
        raise DecryptionFailed("sealed value has an unknown format")
    return int.from_bytes(blob[1:5], "big")


def open_sealed(aead: AESGCM, *, blob: bytes, ref: FieldRef) -> bytes:
    version = key_version_of(blob)
    nonce = blob[5:_HEADER]
    try:
        return aead.decrypt(nonce, blob[_HEADER:], ref.associated_data(version))
    except InvalidTag:
        raise DecryptionFailed(
            f"sealed value in {ref.table}.{ref.column} of row {ref.row_id} failed authentication"
        ) from None
