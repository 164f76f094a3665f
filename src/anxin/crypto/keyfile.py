"""Local key-file provider: tenant KEKs in one JSON file with mode 0600.

The file lives apart from the database (by default <home>/keys/), so a copy of the database alone
decrypts nothing. It is rewritten atomically (temporary file + rename) and re-read when a tenant's
key is missing, so a tenant added by the CLI is usable by a running server without a restart.
"""

from __future__ import annotations

import base64
import json
import os
import stat
import threading
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from anxin.crypto.errors import DecryptionFailed, KeyFileError, UnknownKey
from anxin.kernel.files import write_private

FORMAT = "anxin-keyfile/v1"
_NONCE = 12


class LocalKeyFileProvider:
    name = "local-file"

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._keks: dict[str, dict[int, AESGCM]] = {}
        self._raw: dict[str, dict[str, str]] = {}
        if path.exists():
            self._load()

    @classmethod
    def create(cls, path: Path) -> LocalKeyFileProvider:
        """Create an empty key file (refusing to overwrite one) and its 0700 directory."""
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if path.exists():
            raise KeyFileError(f"key file {path} already exists; refusing to overwrite keys")
        write_private(path, _document({}))
        return cls(path)

    def create_kek(self, *, tenant_id: str) -> int:
        with self._lock:
            self._load()
            versions = self._raw.setdefault(tenant_id, {})
            version = max((int(v) for v in versions), default=0) + 1
            versions[str(version)] = base64.b64encode(AESGCM.generate_key(bit_length=256)).decode()
            write_private(self.path, _document(self._raw))
            self._cache(tenant_id)
            return version

    def current_kek_version(self, *, tenant_id: str) -> int:
        return max(self._tenant_keks(tenant_id))

    def wrap(self, *, tenant_id: str, kek_version: int, key: bytes, context: bytes) -> bytes:
        nonce = os.urandom(_NONCE)
        return nonce + self._kek(tenant_id, kek_version).encrypt(nonce, key, context)

    def unwrap(self, *, tenant_id: str, kek_version: int, wrapped: bytes, context: bytes) -> bytes:
        kek = self._kek(tenant_id, kek_version)
        try:
            return kek.decrypt(wrapped[:_NONCE], wrapped[_NONCE:], context)
        except InvalidTag:
            raise DecryptionFailed(
                f"a wrapped key of tenant {tenant_id} failed to unwrap under KEK v{kek_version}"
            ) from None

    def _kek(self, tenant_id: str, version: int) -> AESGCM:
        keks = self._tenant_keks(tenant_id)
        if version not in keks:
            raise UnknownKey(f"no KEK version {version} for tenant {tenant_id}")
        return keks[version]

    def _tenant_keks(self, tenant_id: str) -> dict[int, AESGCM]:
        if tenant_id not in self._keks:
            with self._lock:
                self._load()
        if tenant_id not in self._keks:
            raise UnknownKey(f"no KEK for tenant {tenant_id} in {self.path}")
        return self._keks[tenant_id]

    def _load(self) -> None:
        self._raw = _read_private(self.path)
        for tenant_id in self._raw:
            self._cache(tenant_id)

    def _cache(self, tenant_id: str) -> None:
        versions = self._raw[tenant_id]
        self._keks[tenant_id] = {int(v): AESGCM(base64.b64decode(k)) for v, k in versions.items()}


def _document(tenants: dict[str, dict[str, str]]) -> bytes:
    return json.dumps({"format": FORMAT, "tenants": tenants}, indent=2, sort_keys=True).encode()


def _read_private(path: Path) -> dict[str, dict[str, str]]:
    try:
        info = path.stat()
    except FileNotFoundError:
        raise KeyFileError(f"key file {path} does not exist; run `anxin init`") from None
    if stat.S_IMODE(info.st_mode) & 0o077:
        raise KeyFileError(
            f"key file {path} is readable by group or others "
            f"(mode {stat.S_IMODE(info.st_mode):o}); run `chmod 600 {path}`"
        )
    try:
        document: Any = json.loads(path.read_bytes())
    except (OSError, ValueError):
        raise KeyFileError(f"key file {path} is unreadable or not a key file") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise KeyFileError(f"key file {path} is not in {FORMAT} format")
    tenants = document.get("tenants")
    if not isinstance(tenants, dict):
        raise KeyFileError(f"key file {path} has no tenants section")
    return tenants
