"""The key provider interface: where tenant key-encryption keys (KEKs) live.

The local key file is the default; a PKCS#11 HSM provider implements the same protocol. A KEK
never leaves its provider through this interface: callers hand in a data key to wrap and get
bytes back, or hand in wrapped bytes and get the data key back.

Which KEK versions exist and which one is current is recorded by the caller (the keystore's
`keks` table), not by the provider: the caller picks the version number and asks the provider to
make it. `create_kek` is idempotent so that a rotation killed between "provider made the key" and
"keystore recorded it" simply runs again.
"""

from __future__ import annotations

from typing import Protocol


class KeyProvider(Protocol):
    name: str

    def create_kek(self, *, tenant_id: str, version: int) -> None:
        """Make KEK `version` of the tenant; do nothing if it already exists."""
        ...

    def has_kek(self, *, tenant_id: str, version: int) -> bool: ...

    def kek_versions(self, *, tenant_id: str) -> list[int]:
        """Versions the provider holds for the tenant, ascending."""
        ...

    def destroy_kek(self, *, tenant_id: str, version: int) -> None:
        """Erase KEK `version` for good; do nothing if it does not exist."""
        ...

    def wrap(self, *, tenant_id: str, kek_version: int, key: bytes, context: bytes) -> bytes:
        """Encrypt `key` under the KEK, authenticated together with `context`."""
        ...

    def unwrap(self, *, tenant_id: str, kek_version: int, wrapped: bytes, context: bytes) -> bytes:
        """Inverse of `wrap`; raises `DecryptionFailed` (naming tenant and version, never bytes)
        when `wrapped` or `context` was altered, `UnknownKey` when the KEK does not exist."""
        ...

    def close(self) -> None:
        """Release sessions and handles; the provider is not used afterwards."""
        ...
