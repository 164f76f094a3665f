"""The checkpoint signing key: one secret seed in a file of its own, one Ed25519 key per log.

Kept apart from the database (whoever can rewrite the audit tables must still be unable to
sign a checkpoint over the rewritten log) and from the data keys (rotating or destroying data
keys must not touch it, and it unlocks no personal data). Each log's signer is derived from the
seed with HKDF-SHA256 under the log's origin, so a tenant's verifier key is stable for its
whole life and one file serves every tenant.

File format, mode 0600:

    anxin-audit-signing-seed/v1
    <base64 of 32 random bytes>
"""

from __future__ import annotations

import base64
import binascii
import os
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from anxin.audit.checkpoint import Signer, Verifier
from anxin.kernel.errors import AnxinError
from anxin.kernel.files import private_file_problem, write_private

FORMAT = "anxin-audit-signing-seed/v1"
SEED_BYTES = 32
_INFO = b"anxin-audit-checkpoint-key/v1\n"


class SigningKeyError(AnxinError):
    code = "audit.signing_key"
    status = 500
    title = "The audit signing key cannot be used"


class SigningKey:
    """The seed, and the per-log signers derived from it. Its repr never shows the seed."""

    __slots__ = ("_seed",)

    def __init__(self, seed: bytes) -> None:
        if len(seed) != SEED_BYTES:
            raise SigningKeyError(f"the audit signing seed must be {SEED_BYTES} bytes")
        self._seed = seed

    def signer(self, origin: str) -> Signer:
        """The signer of one log: its key name is the log's origin (C2SP tlog-checkpoint)."""
        hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO + origin.encode())
        return Signer(origin, Ed25519PrivateKey.from_private_bytes(hkdf.derive(self._seed)))

    def verifier(self, origin: str) -> Verifier:
        return self.signer(origin).verifier

    def __repr__(self) -> str:
        return "SigningKey(<secret>)"


def create(path: Path) -> bool:
    """Create the key file if it is missing; True when created. Never overwrites."""
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    encoded = base64.b64encode(os.urandom(SEED_BYTES)).decode()
    write_private(path, f"{FORMAT}\n{encoded}\n".encode())
    return True


def load(path: Path) -> SigningKey:
    """Read the key file, refusing one that others could read or replace."""
    if not path.exists():
        raise SigningKeyError(f"audit signing key {path} does not exist; run `anxin init`")
    problem = private_file_problem(path, "audit signing key")
    if problem is not None:
        raise SigningKeyError(problem)
    lines = path.read_text(encoding="ascii", errors="replace").splitlines()
    if len(lines) != 2 or lines[0] != FORMAT:
        raise SigningKeyError(f"audit signing key {path} is not in {FORMAT} format")
    try:
        seed = base64.b64decode(lines[1], validate=True)
    except binascii.Error:
        raise SigningKeyError(f"audit signing key {path} is not valid base64") from None
    return SigningKey(seed)
