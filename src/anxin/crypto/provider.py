"""The key provider interface: where tenant key-encryption keys (KEKs) live.

The local key file is the default; a PKCS#11 HSM provider implements the same protocol. A KEK
never leaves its provider through this interface: callers hand in a data key to wrap and get
bytes back.
"""

from __future__ import annotations

from typing import Protocol


class KeyProvider(Protocol):
    name: str

    def create_kek(self, *, tenant_id: str) -> int:
        """Create the tenant's next KEK version and return its number."""
        ...

    def current_kek_version(self, *, tenant_id: str) -> int: ...

    def wrap(self, *, tenant_id: str, kek_version: int, key: bytes, context: bytes) -> bytes: ...

    def unwrap(
        self, *, tenant_id: str, kek_version: int, wrapped: bytes, context: bytes
    ) -> bytes: ...
