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


class _Passwords:
    """The process-wide argon2id parameters, set once at start-up from settings."""

    def __init__(self) -> None:
        self.configure(time_cost=3, memory_kib=65_536, parallelism=4)

    def configure(self, *, time_cost: int, memory_kib: int, parallelism: int) -> None:
        self.hasher = PasswordHasher(
            time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism
        )
        # Verified against when the user does not exist, so timing does not reveal that.
        self.dummy_hash = self.hasher.hash("anxin-dummy-password-for-timing")


# Default: RFC 9106's second recommended option (64 MiB, 3 passes), affordable on 2 cores.
_passwords = _Passwords()


def configure_password_hashing(*, time_cost: int, memory_kib: int, parallelism: int) -> None:
    _passwords.configure(time_cost=time_cost, memory_kib=memory_kib, parallelism=parallelism)


def hash_password(password: str) -> str:
    return _passwords.hasher.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    hasher = _passwords.hasher
    try:
        return hasher.verify(stored_hash or _passwords.dummy_hash, password) and bool(stored_hash)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """True when the hash was made with other parameters than the configured ones."""
    try:
        return _passwords.hasher.check_needs_rehash(stored_hash)
    except InvalidHashError:
        return True


def new_token(prefix: str) -> str:
    return prefix + secrets.token_urlsafe(32)


def token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def new_password() -> str:
    """A generated password for demo users and `anxin user add` without --password."""
    return secrets.token_urlsafe(15)
