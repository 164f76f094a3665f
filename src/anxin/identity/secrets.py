"""Password hashing (argon2id) and opaque bearer tokens.

Session tokens and API keys are 256-bit random values, so a single SHA-256 is enough to store
them safely (no dictionary to attack); passwords are low-entropy and get argon2id.
"""

from __future__ import annotations

import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

SESSION_PREFIX = "axs_"
GATEWAY_PREFIX = "axg_"

# RFC 9106 second recommended option (64 MiB, 3 passes): affordable on a 2-core machine.
_hasher = PasswordHasher(time_cost=3, memory_cost=65_536, parallelism=4)
# Verified against when the user does not exist, so response time does not reveal that.
_DUMMY_HASH = _hasher.hash("anxin-dummy-password-for-timing")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def new_token(prefix: str) -> str:
    return prefix + secrets.token_urlsafe(32)


def token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def new_password() -> str:
    """A generated password for demo users and `anxin user add` without --password."""
    return secrets.token_urlsafe(15)
