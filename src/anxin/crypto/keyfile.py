"""Local key-file provider: tenant KEKs in one JSON file with mode 0600, optionally passphrased.

The file lives apart from the records and the keystore (by default <home>/keys/), so a copy of
either decrypts nothing. It is rewritten atomically (temporary file + rename) under an advisory
lock, so a server and `anxin keys rotate` running at once never lose each other's keys, and it
is re-read when a tenant's key is missing, so a KEK made by the CLI is usable by a running server
without a restart.

With a passphrase each KEK is stored encrypted (AES-256-GCM) under a key derived by scrypt; the
KDF parameters and salt are in the file so they can be raised later, and a check value lets a
wrong passphrase be refused at open time rather than on the first unwrap.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from anxin.crypto.errors import DecryptionFailed, KeyFileError, UnknownKey
from anxin.kernel.files import private_file_problem, write_private

FORMAT = "anxin-keyfile/v2"
LEGACY_FORMAT = "anxin-keyfile/v1"
SCRYPT = {"n": 2**15, "r": 8, "p": 1}  # ~0.1 s and 32 MiB per derivation: slow to guess
_NONCE = 12
_CHECK = b"anxin-keyfile-check"


class KeyFilePassphraseWrong(KeyFileError):
    code = "crypto.key_file_passphrase_wrong"
    title = "The key file passphrase is wrong"


class LocalKeyFileProvider:
    name = "local-file"

    def __init__(self, path: Path, *, passphrase: str | None = None) -> None:
        self.path = path
        self._passphrase = passphrase
        self._lock = threading.Lock()
        self._keks: dict[tuple[str, int], AESGCM] = {}
        self._document: dict[str, Any] = {}
        self._wrapping: AESGCM | None = None
        self._load()

    def __repr__(self) -> str:
        protected = self._passphrase is not None
        return f"LocalKeyFileProvider(path={str(self.path)!r}, passphrase={protected})"

    @classmethod
    def create(cls, path: Path, *, passphrase: str | None = None) -> LocalKeyFileProvider:
        """Create an empty key file (refusing to overwrite one) in a 0700 directory."""
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if path.exists():
            raise KeyFileError(f"key file {path} already exists; refusing to overwrite keys")
        document: dict[str, Any] = {"format": FORMAT, "protection": None, "tenants": {}}
        if passphrase is not None:
            document["protection"] = _new_protection(passphrase)
        write_private(path, _encode(document))
        return cls(path, passphrase=passphrase)

    # --- the KeyProvider protocol ---------------------------------------------------------

    def create_kek(self, *, tenant_id: str, version: int) -> None:
        with self._exclusive():
            versions = self._document["tenants"].setdefault(tenant_id, {})
            if str(version) in versions:
                return
            secret = AESGCM.generate_key(bit_length=256)
            versions[str(version)] = self._store(tenant_id, version, secret)
            write_private(self.path, _encode(self._document))
            self._keks[(tenant_id, version)] = AESGCM(secret)

    def has_kek(self, *, tenant_id: str, version: int) -> bool:
        return version in self.kek_versions(tenant_id=tenant_id)

    def kek_versions(self, *, tenant_id: str) -> list[int]:
        with self._lock:
            self._load()
        return sorted(int(v) for v in self._document["tenants"].get(tenant_id, {}))

    def destroy_kek(self, *, tenant_id: str, version: int) -> None:
        with self._exclusive():
            versions = self._document["tenants"].get(tenant_id, {})
            if versions.pop(str(version), None) is None:
                return
            write_private(self.path, _encode(self._document))
            self._keks.pop((tenant_id, version), None)

    def wrap(self, *, tenant_id: str, kek_version: int, key: bytes, context: bytes) -> bytes:
        nonce = os.urandom(_NONCE)
        return nonce + self._kek(tenant_id, kek_version).encrypt(nonce, key, context)

    def unwrap(self, *, tenant_id: str, kek_version: int, wrapped: bytes, context: bytes) -> bytes:
        kek = self._kek(tenant_id, kek_version)
        try:
            return kek.decrypt(wrapped[:_NONCE], wrapped[_NONCE:], context)
        except (InvalidTag, ValueError):
            raise DecryptionFailed(
                f"a wrapped key of tenant {tenant_id} failed to unwrap under KEK v{kek_version}"
            ) from None

    def close(self) -> None:
        self._keks.clear()
        self._wrapping = None

    def change_passphrase(self, new: str | None) -> None:
        """Re-encrypt every KEK under a new passphrase (or none), in one atomic rewrite."""
        with self._exclusive():
            secrets = {
                (tenant_id, int(v)): self._reveal(tenant_id, int(v), stored)
                for tenant_id, versions in self._document["tenants"].items()
                for v, stored in versions.items()
            }
            self._passphrase = new
            self._document["protection"] = None if new is None else _new_protection(new)
            self._wrapping = None if new is None else self._derive(self._document["protection"])
            for (tenant_id, version), secret in secrets.items():
                self._document["tenants"][tenant_id][str(version)] = self._store(
                    tenant_id, version, secret
                )
            self._document["format"] = FORMAT
            write_private(self.path, _encode(self._document))

    # --- internals ------------------------------------------------------------------------

    def _kek(self, tenant_id: str, version: int) -> AESGCM:
        cached = self._keks.get((tenant_id, version))
        if cached is not None:
            return cached
        with self._lock:
            self._load()
            stored = self._document["tenants"].get(tenant_id, {}).get(str(version))
            if stored is None:
                raise UnknownKey(f"no KEK version {version} for tenant {tenant_id} in {self.path}")
            kek = AESGCM(self._reveal(tenant_id, version, stored))
            self._keks[(tenant_id, version)] = kek
            return kek

    @contextlib.contextmanager
    def _exclusive(self) -> Iterator[None]:
        """Read-modify-write under the process lock and an advisory lock shared across processes."""
        lock_path = self.path.with_name(f".{self.path.name}.lock")
        with self._lock:
            fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                self._load()
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
                os.close(fd)

    def _load(self) -> None:
        document = _read_private(self.path)
        protection = document.get("protection")
        if protection is None and self._passphrase is not None:
            raise KeyFileError(
                f"key file {self.path} has no passphrase but ANXIN_KEY_PASSPHRASE is set; "
                "unset it, or add one with `anxin keys passphrase`"
            )
        if protection is not None and self._passphrase is None:
            raise KeyFileError(
                f"key file {self.path} is protected by a passphrase; set ANXIN_KEY_PASSPHRASE"
            )
        if protection is not None and self._wrapping is None:
            self._wrapping = self._derive(protection)
        self._document = document

    def _derive(self, protection: dict[str, Any]) -> AESGCM:
        if self._passphrase is None:
            raise KeyFileError(f"key file {self.path} needs a passphrase")
        try:
            salt = base64.b64decode(protection["salt"])
            kdf = Scrypt(
                salt=salt, length=32, n=protection["n"], r=protection["r"], p=protection["p"]
            )
            wrapping = AESGCM(kdf.derive(self._passphrase.encode()))
            check = base64.b64decode(protection["check"])
        except (KeyError, TypeError, ValueError):
            raise KeyFileError(
                f"key file {self.path} has an unreadable protection section"
            ) from None
        try:
            wrapping.decrypt(check[:_NONCE], check[_NONCE:], _CHECK)
        except InvalidTag:
            raise KeyFilePassphraseWrong(f"wrong passphrase for key file {self.path}") from None
        return wrapping

    def _store(self, tenant_id: str, version: int, secret: bytes) -> str:
        if self._wrapping is None:
            return base64.b64encode(secret).decode()
        nonce = os.urandom(_NONCE)
        sealed = self._wrapping.encrypt(nonce, secret, _kek_context(tenant_id, version))
        return base64.b64encode(nonce + sealed).decode()

    def _reveal(self, tenant_id: str, version: int, stored: str) -> bytes:
        raw = base64.b64decode(stored)
        if self._wrapping is None:
            return raw
        try:
            return self._wrapping.decrypt(
                raw[:_NONCE], raw[_NONCE:], _kek_context(tenant_id, version)
            )
        except InvalidTag:
            raise KeyFileError(
                f"KEK v{version} of tenant {tenant_id} in {self.path} is damaged"
            ) from None


def _kek_context(tenant_id: str, version: int) -> bytes:
    return f"anxin.kek.v1\x00{tenant_id}\x00{version}".encode()


def _new_protection(passphrase: str) -> dict[str, Any]:
    salt = os.urandom(16)
    kdf = Scrypt(salt=salt, length=32, **SCRYPT)
    wrapping = AESGCM(kdf.derive(passphrase.encode()))
    nonce = os.urandom(_NONCE)
    check = nonce + wrapping.encrypt(nonce, _CHECK, _CHECK)
    return {
        "kdf": "scrypt",
        **SCRYPT,
        "salt": base64.b64encode(salt).decode(),
        "check": base64.b64encode(check).decode(),
    }


def _encode(document: dict[str, Any]) -> bytes:
    return json.dumps(document, indent=2, sort_keys=True).encode()


def _read_private(path: Path) -> dict[str, Any]:
    _check_permissions(path)
    try:
        document: Any = json.loads(path.read_bytes())
    except (OSError, ValueError):
        raise KeyFileError(f"key file {path} is unreadable or not a key file") from None
    if not isinstance(document, dict) or document.get("format") not in {FORMAT, LEGACY_FORMAT}:
        raise KeyFileError(f"key file {path} is not in {FORMAT} format")
    if not isinstance(document.get("tenants"), dict):
        raise KeyFileError(f"key file {path} has no tenants section")
    document.setdefault("protection", None)  # v1 files had none
    return document


def _check_permissions(path: Path) -> None:
    """Refuse a key file others could read or replace, naming the fix."""
    if not path.exists() and not path.is_symlink():
        raise KeyFileError(f"key file {path} does not exist; run `anxin init`")
    problem = private_file_problem(path, "key file")
    if problem is not None:
        raise KeyFileError(problem)
