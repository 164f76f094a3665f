"""Crypto failures. Messages name what failed (tenant, column, row), never key material."""

from __future__ import annotations

from anxin.kernel.errors import AnxinError


class CryptoError(AnxinError):
    code = "crypto.error"
    status = 500
    title = "Cryptographic operation failed"


class KeyFileError(CryptoError):
    code = "crypto.key_file_invalid"
    title = "The key file is missing, unreadable or unsafe"


class UnknownKey(CryptoError):
    code = "crypto.key_unknown"
    title = "No key for this tenant and version"


class KeyDestroyed(CryptoError):
    code = "crypto.key_destroyed"
    status = 410
    title = "The data key was destroyed; the data it protected is gone"


class DecryptionFailed(CryptoError):
    code = "crypto.decryption_failed"
    title = "A sealed value failed authentication"


class KeystoreError(CryptoError):
    code = "crypto.keystore_unavailable"
    title = "The keystore is missing, unreadable or of another version"


class KeyExhausted(CryptoError):
    code = "crypto.key_exhausted"
    title = "A data key reached its encryption limit and must be rotated"


class UnwrapFailed(DecryptionFailed):
    """A wrapped key failed to unwrap: tampered, moved to another row, or its KEK is gone.

    Carries the tenant and what failed so the edge can audit it after the failed unit of work
    has rolled back.
    """

    code = "crypto.unwrap_failed"
    title = "A wrapped key could not be unwrapped"

    def __init__(self, detail: str, *, tenant_id: str, what: str, reason: str) -> None:
        super().__init__(detail)
        self.tenant_id = tenant_id
        self.what = what
        self.reason = reason
