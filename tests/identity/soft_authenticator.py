"""A software WebAuthn authenticator for tests: a real EC P-256 key pair and real signatures.

It answers registration options with a "none" attestation and authentication options with a
signed assertion, byte for byte as a platform authenticator and a browser would (clientDataJSON,
authenticatorData, CBOR attestation object, COSE key), so the server's checks run unmocked.
Knobs let a test break one thing at a time: the origin, the user-verified flag, the counter.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import struct
from typing import Any

import cbor2  # installed with webauthn (its CBOR decoder)
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

FLAG_UP = 0x01
FLAG_UV = 0x04
FLAG_AT = 0x40
COSE_ES256 = -7


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class SoftAuthenticator:
    """One credential on one authenticator (a phone's or laptop's platform authenticator)."""

    def __init__(self, origin: str = "https://localhost:8443") -> None:
        self.origin = origin
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = os.urandom(32)
        self.sign_count = 0

    def cose_public_key(self) -> bytes:
        numbers = self.key.public_key().public_numbers()
        return cbor2.dumps(
            {
                1: 2,  # kty: EC2
                3: COSE_ES256,  # alg: ES256
                -1: 1,  # crv: P-256
                -2: numbers.x.to_bytes(32, "big"),
                -3: numbers.y.to_bytes(32, "big"),
            }
        )

    def _client_data(self, kind: str, options: dict[str, Any], origin: str | None) -> bytes:
        return json.dumps(
            {
                "type": kind,
                "challenge": options["challenge"],
                "origin": origin or self.origin,
                "crossOrigin": False,
            },
            separators=(",", ":"),
        ).encode()

    @staticmethod
    def _rp_id(options: dict[str, Any]) -> str:
        rp = options.get("rp")
        return str(rp["id"]) if rp else str(options["rpId"])

    def create(
        self, options: dict[str, Any], *, origin: str | None = None, user_verified: bool = True
    ) -> dict[str, Any]:
        """The browser's JSON for navigator.credentials.create(options)."""
        client_data = self._client_data("webauthn.create", options, origin)
        flags = FLAG_UP | FLAG_AT | (FLAG_UV if user_verified else 0)
        attested = (
            bytes(16)  # AAGUID: zeros, as "none" attestation allows
            + struct.pack(">H", len(self.credential_id))
            + self.credential_id
            + self.cose_public_key()
        )
        auth_data = (
            hashlib.sha256(self._rp_id(options).encode()).digest()
            + bytes([flags])
            + struct.pack(">I", self.sign_count)
            + attested
        )
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        return {
            "id": b64url(self.credential_id),
            "rawId": b64url(self.credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64url(client_data),
                "attestationObject": b64url(attestation),
                "transports": ["internal"],
            },
            "clientExtensionResults": {},
            "authenticatorAttachment": "platform",
        }

    def get(
        self,
        options: dict[str, Any],
        *,
        origin: str | None = None,
        user_verified: bool = True,
        count: bool = True,
    ) -> dict[str, Any]:
        """The browser's JSON for navigator.credentials.get(options), signed with the key.
        `count`: the counter goes up first (False: it repeats, as a cloned key's would)."""
        if count:
            self.sign_count += 1
        client_data = self._client_data("webauthn.get", options, origin)
        flags = FLAG_UP | (FLAG_UV if user_verified else 0)
        auth_data = (
            hashlib.sha256(self._rp_id(options).encode()).digest()
            + bytes([flags])
            + struct.pack(">I", self.sign_count)
        )
        signed = auth_data + hashlib.sha256(client_data).digest()
        signature = self.key.sign(signed, ec.ECDSA(hashes.SHA256()))
        return {
            "id": b64url(self.credential_id),
            "rawId": b64url(self.credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64url(client_data),
                "authenticatorData": b64url(auth_data),
                "signature": b64url(signature),
            },
            "clientExtensionResults": {},
            "authenticatorAttachment": "platform",
        }
