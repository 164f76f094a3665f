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
        # One f-string: this runs on every seal and open, and joins cost more than the AES.
        return (
            f"anxin.field.v1\x00{self.tenant_id}\x00{self.table}\x00{self.column}"
            f"\x00{self.row_id}\x00{key_version}"
        ).encode()


class SealingKey:
    """One AES-256-GCM key of one version, ready to seal and open many values.

    The cipher object and the blob header are built once per key: building AESGCM per call
    costs about two thirds of the rate, and the header never changes for a key version.
    """

    __slots__ = ("_decrypt", "_encrypt", "_header", "version")

    def __init__(self, cipher: AESGCM, version: int) -> None:
        self.version = version
        self._header = bytes([FORMAT_V1]) + version.to_bytes(4, "big")
        self._encrypt = cipher.encrypt
        self._decrypt = cipher.decrypt

    def __repr__(self) -> str:
        return f"SealingKey(version={self.version})"

    def seal(self, ref: FieldRef, plaintext: bytes) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return (
            self._header
            + nonce
            + self._encrypt(nonce, plaintext, ref.associated_data(self.version))
        )

    def open(self, ref: FieldRef, blob: bytes) -> bytes:
        if len(blob) < _HEADER + _TAG or blob[:5] != self._header:
            if blob[:1] != bytes([FORMAT_V1]) or len(blob) < _HEADER + _TAG:
                raise DecryptionFailed("sealed value has an unknown format")
            raise DecryptionFailed(
                f"sealed value in {ref.table}.{ref.column} of row {ref.row_id} names key "
                f"v{key_version_of(blob)}, not v{self.version}"
            )
        try:
            return self._decrypt(blob[5:_HEADER], blob[_HEADER:], ref.associated_data(self.version))
        except InvalidTag:
            where = f"{ref.table}.{ref.column} of row {ref.row_id}"
            raise DecryptionFailed(f"sealed value in {where} failed authentication") from None


def seal(aead: AESGCM, *, key_version: int, plaintext: bytes, ref: FieldRef) -> bytes:
    return SealingKey(aead, key_version).seal(ref, plaintext)


def key_version_of(blob: bytes) -> int:
    """The key version a blob was sealed under, read without decrypting."""
    if len(blob) < _HEADER + _TAG or blob[0] != FORMAT_V1:
        raise DecryptionFailed("sealed value has an unknown format")
    return int.from_bytes(blob[1:5], "big")


def open_sealed(aead: AESGCM, *, blob: bytes, ref: FieldRef) -> bytes:
    """Open under whatever version the blob names (the caller's key must be that version)."""
    return SealingKey(aead, key_version_of(blob)).open(ref, blob)
