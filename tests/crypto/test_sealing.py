"""Sealed values are bound to their place; keys live in a private file; indexes are keyed."""

from __future__ import annotations

import os

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from anxin.crypto import aead
from anxin.crypto.aead import FieldRef
from anxin.crypto.blind_index import IndexKind, blind_digest
from anxin.crypto.errors import DecryptionFailed

REF = FieldRef("tenant-a", "customers", "email", "row-1")


@pytest.fixture
def cipher() -> AESGCM:
    return AESGCM(AESGCM.generate_key(bit_length=256))


def test_round_trip_and_fresh_nonces(cipher: AESGCM) -> None:
    one = aead.seal(cipher, key_version=3, plaintext=b"zhang@example.com", ref=REF)
    two = aead.seal(cipher, key_version=3, plaintext=b"zhang@example.com", ref=REF)
    assert one != two
    assert aead.open_sealed(cipher, blob=one, ref=REF) == b"zhang@example.com"
    assert aead.key_version_of(one) == 3


@pytest.mark.parametrize(
    "moved",
    [
        FieldRef("tenant-b", "customers", "email", "row-1"),
        FieldRef("tenant-a", "customers", "phones", "row-1"),
        FieldRef("tenant-a", "customers", "email", "row-2"),
        FieldRef("tenant-a", "tickets", "email", "row-1"),
    ],
)
def test_a_ciphertext_copied_elsewhere_does_not_open(cipher: AESGCM, moved: FieldRef) -> None:
    blob = aead.seal(cipher, key_version=1, plaintext=b"secret", ref=REF)
    with pytest.raises(DecryptionFailed) as caught:
        aead.open_sealed(cipher, blob=blob, ref=moved)
    assert "secret" not in str(caught.value)


def test_tampered_or_truncated_blobs_fail(cipher: AESGCM) -> None:
    blob = bytearray(aead.seal(cipher, key_version=1, plaintext=b"secret", ref=REF))
    blob[-1] ^= 1
    with pytest.raises(DecryptionFailed):
        aead.open_sealed(cipher, blob=bytes(blob), ref=REF)
    with pytest.raises(DecryptionFailed):
        aead.open_sealed(cipher, blob=b"\x01short", ref=REF)
    version_swapped = b"\x01\x00\x00\x00\x02" + bytes(blob[5:])
    with pytest.raises(DecryptionFailed):
        aead.open_sealed(cipher, blob=version_swapped, ref=REF)


def test_blind_digests_depend_on_key_and_kind() -> None:
    key_a, key_b = os.urandom(32), os.urandom(32)
    phone = blind_digest(key_a, kind=IndexKind.PHONE, normalized="+8613812345678")
    assert phone == blind_digest(key_a, kind=IndexKind.PHONE, normalized="+8613812345678")
    assert phone != blind_digest(key_b, kind=IndexKind.PHONE, normalized="+8613812345678")
    assert phone != blind_digest(key_a, kind=IndexKind.ID_NUMBER, normalized="+8613812345678")
