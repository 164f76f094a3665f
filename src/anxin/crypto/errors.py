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
