"""Signed checkpoints for the audit log: C2SP tlog-checkpoint bodies in C2SP signed notes.

A checkpoint states a log's origin, its tree size and its Merkle root hash::

    anxin.example/audit/<tenant-id>
    <tree size in decimal>
    <base64 of the 32-byte root hash>
    [extension lines]

and is carried as the text of a signed note (the golang.org/x/mod/sumdb/note format), followed
by a blank line and one signature line per key::

    — <key name> <base64(4-byte key id || Ed25519 signature)>

The key id is the first four bytes of SHA-256(name || "\\n" || 0x01 || public key), big-endian.
A verifier key is written ``<name>+<8 hex digits of key id>+<base64(0x01 || public key)>``, and
a signer key ``PRIVATE+KEY+<name>+<key id>+<base64(0x01 || seed)>``.

This module is pure: no database, no clock, no I/O. Every failure on untrusted input is a
`CheckpointError` (a `ValueError`) whose message names what was wrong and never echoes key
material.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

__all__ = [
    "MAX_SIGNATURES",
    "AmbiguousKeyError",
    "BadSignatureError",
    "Checkpoint",
    "CheckpointError",
    "MalformedCheckpointError",
    "MalformedKeyError",
    "MalformedNoteError",
    "OpenedCheckpoint",
    "OpenedNote",
    "Signature",
    "Signer",
    "TooManySignaturesError",
    "UnknownKeyError",
    "UnterminatedTextError",
    "Verifier",
    "WrongKeyError",
    "key_id",
    "open_checkpoint",
    "open_note",
    "parse_checkpoint",
    "parse_note",
    "sign_checkpoint",
    "sign_note",
    "vkey",
]

#: At most this many signature lines in one note (the Go reference implementation's limit).
MAX_SIGNATURES = 100

#: The signature-type byte of an Ed25519 key in signed-note key encodings.
ALG_ED25519 = 0x01

_SIG_PREFIX = "\u2014 "  # an em dash and a space
_HASH_SIZE = 32
_MAX_TREE_SIZE = 2**64 - 1
_HEX_ID = re.compile(r"[0-9a-f]{8}")
_DECIMAL = re.compile(r"0|[1-9][0-9]{0,19}")
_SKEY_PREFIX = "PRIVATE+KEY+"


# --- errors -----------------------------------------------------------------------------------


class CheckpointError(ValueError):
    """Any malformed, unverifiable or wrongly signed note, checkpoint or key."""


class MalformedNoteError(CheckpointError):
    """The note does not follow the signed-note syntax."""


class UnterminatedTextError(MalformedNoteError):
    """The note text does not end with a newline."""

    def __init__(self) -> None:
        super().__init__("note text does not end with a newline")


class TooManySignaturesError(MalformedNoteError):
    """More than `MAX_SIGNATURES` signature lines."""

    def __init__(self) -> None:
        super().__init__(f"note has more than {MAX_SIGNATURES} signatures")


class MalformedCheckpointError(CheckpointError):
    """The note text is not a valid tlog-checkpoint body."""


class MalformedKeyError(CheckpointError):
    """A key name, verifier key or signer key is not valid."""


class UnknownKeyError(CheckpointError):
    """No signature in the note is by a key the caller trusts."""


class WrongKeyError(CheckpointError):
    """A signature carries a trusted key's name but another key id."""


class BadSignatureError(CheckpointError):
    """A signature by a trusted key does not verify over the note text."""


class AmbiguousKeyError(CheckpointError):
    """Two different trusted keys share a name and a key id."""


# --- keys -------------------------------------------------------------------------------------


def _check_name(name: str) -> None:
    """Raise MalformedKeyError unless `name` is a valid signed-note key name."""
    if not isinstance(name, str) or not name:
        raise MalformedKeyError("key name is empty")
    if "+" in name:
        raise MalformedKeyError("key name contains '+'")
    if any(c.isspace() or ord(c) < 0x20 or ord(c) == 0x7F for c in name):
        raise MalformedKeyError("key name contains whitespace or a control character")
    if any(0xD800 <= ord(c) <= 0xDFFF for c in name):
        raise MalformedKeyError("key name is not valid UTF-8")


def _is_valid_name(name: str) -> bool:
    try:
        _check_name(name)
    except MalformedKeyError:
        return False
    return True


def _b64decode(text: str) -> bytes | None:
    """Strict standard base64 (padded, canonical); None if `text` is not exactly that."""
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None
    if base64.b64encode(raw).decode("ascii") != text:
        return None
    return raw


def _b64encode(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _raw_public(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def key_id(name: str, public_key: Ed25519PublicKey) -> int:
    """The 32-bit key id: SHA-256(name || "\\n" || 0x01 || public key)[:4], big-endian."""
    _check_name(name)
    digest = hashlib.sha256(
        name.encode("utf-8") + b"\n" + bytes([ALG_ED25519]) + _raw_public(public_key)
    ).digest()
    return int.from_bytes(digest[:4], "big")


def vkey(name: str, public_key: Ed25519PublicKey) -> str:
    """The verifier key string ``<name>+<key id hex>+<base64(0x01 || public key)>``."""
    kid = key_id(name, public_key)
    material = _b64encode(bytes([ALG_ED25519]) + _raw_public(public_key))
    return f"{name}+{kid:08x}+{material}"


def _split_key(text: str, what: str) -> tuple[str, int, bytes]:
    """Split ``name+hexid+base64`` into its parts, checking syntax but not the id."""
    if not isinstance(text, str):
        raise MalformedKeyError(f"{what} is not a string")
    parts = text.split("+", 2)  # the base64 part may itself contain '+'
    if len(parts) != 3:
        raise MalformedKeyError(f"{what} is not of the form name+keyid+key")
    name, hex_id, material = parts
    _check_name(name)
    if not _HEX_ID.fullmatch(hex_id):
        raise MalformedKeyError(f"{what} id is not 8 lowercase hex digits")
    raw = _b64decode(material)
    if raw is None:
        raise MalformedKeyError(f"{what} material is not valid base64")
    if len(raw) != 1 + 32 or raw[0] != ALG_ED25519:
        raise MalformedKeyError(f"{what} is not an Ed25519 key")
    return name, int(hex_id, 16), raw[1:]


@dataclass(frozen=True, eq=False)
class Verifier:
    """A trusted Ed25519 public key under a name."""

    name: str
    public_key: Ed25519PublicKey

    def __post_init__(self) -> None:
        _check_name(self.name)

    @classmethod
    def from_vkey(cls, text: str) -> Verifier:
        """Parse a verifier key string, checking that its key id matches its name and key."""
        name, kid, raw = _split_key(text, "verifier key")
        try:
            public_key = Ed25519PublicKey.from_public_bytes(raw)
        except ValueError:
            raise MalformedKeyError("verifier key is not a valid Ed25519 public key") from None
        verifier = cls(name, public_key)
        if verifier.key_id != kid:
            raise MalformedKeyError("verifier key id does not match its name and key")
        return verifier

    @property
    def key_id(self) -> int:
        return key_id(self.name, self.public_key)

    @property
    def public_bytes(self) -> bytes:
        return _raw_public(self.public_key)

    @property
    def vkey(self) -> str:
        return vkey(self.name, self.public_key)

    def verify(self, message: bytes, signature: bytes) -> bool:
        try:
            self.public_key.verify(signature, message)
        except InvalidSignature:
            return False
        return True

    def __repr__(self) -> str:
        return f"Verifier({self.name}+{self.key_id:08x})"


@dataclass(frozen=True, eq=False)
class Signer:
    """An Ed25519 private key under a name. Its repr never shows the key."""

    name: str
    private_key: Ed25519PrivateKey

    def __post_init__(self) -> None:
        _check_name(self.name)

    @classmethod
    def from_skey(cls, text: str) -> Signer:
        """Parse ``PRIVATE+KEY+<name>+<key id>+<base64(0x01 || seed)>``."""
        if not isinstance(text, str) or not text.startswith(_SKEY_PREFIX):
            raise MalformedKeyError("signer key does not start with PRIVATE+KEY+")
        name, kid, seed = _split_key(text[len(_SKEY_PREFIX) :], "signer key")
        signer = cls(name, Ed25519PrivateKey.from_private_bytes(seed))
        if signer.key_id != kid:
            raise MalformedKeyError("signer key id does not match its name and key")
        return signer

    @property
    def verifier(self) -> Verifier:
        return Verifier(self.name, self.private_key.public_key())

    @property
    def key_id(self) -> int:
        return self.verifier.key_id

    @property
    def vkey(self) -> str:
        return self.verifier.vkey

    @property
    def skey(self) -> str:
        """The signer key string. Secret: keep it out of logs and out of the database."""
        seed = self.private_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
        material = _b64encode(bytes([ALG_ED25519]) + seed)
        return f"{_SKEY_PREFIX}{self.name}+{self.key_id:08x}+{material}"

    def sign(self, message: bytes) -> bytes:
        return self.private_key.sign(message)

    def __repr__(self) -> str:
        return f"Signer({self.name}+{self.key_id:08x})"


# --- signed notes -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Signature:
    """One signature line: the key name, the key id and the raw signature bytes."""

    name: str
    key_id: int
    signature: bytes

    @property
    def line(self) -> str:
        blob = _b64encode(self.key_id.to_bytes(4, "big") + self.signature)
        return f"{_SIG_PREFIX}{self.name} {blob}\n"


class OpenedNote(NamedTuple):
    text: str
    signatures: tuple[Signature, ...]  # verified, in note order, one per key


def _check_text(text: str) -> None:
    if not isinstance(text, str):
        raise MalformedNoteError("note text is not a string")
    for c in text:
        o = ord(c)
        if (o < 0x20 and c != "\n") or 0xD800 <= o <= 0xDFFF:
            raise MalformedNoteError("note contains a control character or invalid UTF-8")
    if not text.endswith("\n"):
        raise UnterminatedTextError


def sign_note(text: str, *signers: Signer) -> str:
    """The signed note: `text`, a blank line, and one signature line per signer."""
    _check_text(text)
    if not signers:
        raise CheckpointError("no signer given")
    if len(signers) > MAX_SIGNATURES:
        raise TooManySignaturesError
    message = text.encode("utf-8")
    lines = [Signature(s.name, s.key_id, s.sign(message)).line for s in signers]
    return text + "\n" + "".join(lines)


def _parse_signature_line(number: int, line: str) -> Signature:
    if not line.startswith(_SIG_PREFIX):
        raise MalformedNoteError(
            f"signature line {number} does not start with an em dash and a space"
        )
    name, sep, blob = line[len(_SIG_PREFIX) :].partition(" ")
    if not sep or not _is_valid_name(name):
        raise MalformedNoteError(f"signature line {number} has no valid key name")
    raw = _b64decode(blob)
    if raw is None:
        raise MalformedNoteError(f"signature line {number} is not valid base64")
    if len(raw) < 5:
        raise MalformedNoteError(f"signature line {number} is too short")
    return Signature(name, int.from_bytes(raw[:4], "big"), raw[4:])


def parse_note(note: str | bytes) -> tuple[str, tuple[Signature, ...]]:
    """Split a signed note into its text and signature lines, checking syntax only."""
    if isinstance(note, bytes):
        try:
            note = note.decode("utf-8")
        except UnicodeDecodeError:
            raise MalformedNoteError("note is not valid UTF-8") from None
    if not isinstance(note, str):
        raise MalformedNoteError("note is not a string")
    for c in note:
        o = ord(c)
        if (o < 0x20 and c != "\n") or 0xD800 <= o <= 0xDFFF:
            raise MalformedNoteError("note contains a control character or invalid UTF-8")
    split = note.rfind("\n\n")
    if split < 0:
        raise MalformedNoteError("note has no blank line before its signatures")
    text, block = note[: split + 1], note[split + 2 :]
    if not block:
        raise MalformedNoteError("note has no signature lines")
    if not block.endswith("\n"):
        raise MalformedNoteError("signature block does not end with a newline")
    lines = block[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise TooManySignaturesError
    signatures = tuple(_parse_signature_line(n, line) for n, line in enumerate(lines, 1))
    return text, signatures


def open_note(note: str | bytes, verifiers: Iterable[Verifier]) -> OpenedNote:
    """Verify a signed note against trusted keys; return its text and verified signatures.

    Signatures by keys whose names are not trusted (a witness's cosignature, say) are ignored,
    as in the Go reference, but at least one trusted signature must verify. Stricter than the
    reference: a signature that names a trusted key but carries another key id is refused
    (`WrongKeyError`) rather than ignored, and repeated lines by one key are allowed but
    reported once.
    """
    text, signatures = parse_note(note)
    by_id: dict[tuple[str, int], Verifier] = {}
    names: set[str] = set()
    for v in verifiers:
        k = (v.name, v.key_id)
        known = by_id.get(k)
        if known is not None and known.public_bytes != v.public_bytes:
            raise AmbiguousKeyError(f"two trusted keys are named {v.name}+{v.key_id:08x}")
        by_id[k] = v
        names.add(v.name)

    message = text.encode("utf-8")
    verified: list[Signature] = []
    seen: set[tuple[str, int]] = set()
    for sig in signatures:
        k = (sig.name, sig.key_id)
        verifier = by_id.get(k)
        if verifier is None:
            if sig.name in names:
                raise WrongKeyError(
                    f"signature by {sig.name} has key id {sig.key_id:08x}, "
                    "which is not the trusted key's"
                )
            continue
        if k in seen:
            continue
        seen.add(k)
        if not verifier.verify(message, sig.signature):
            raise BadSignatureError(f"invalid signature for key {sig.name}+{sig.key_id:08x}")
        verified.append(sig)
    if not verified:
        raise UnknownKeyError("note has no signature by a trusted key")
    return OpenedNote(text, tuple(verified))


# --- checkpoints ------------------------------------------------------------------------------


def _check_checkpoint(
    origin: str, size: int, root_hash: bytes, extensions: tuple[str, ...]
) -> None:
    if not isinstance(origin, str) or not origin:
        raise MalformedCheckpointError("checkpoint origin is empty")
    if not isinstance(size, int) or isinstance(size, bool) or not 0 <= size <= _MAX_TREE_SIZE:
        raise MalformedCheckpointError("checkpoint tree size is not a 64-bit unsigned integer")
    if not isinstance(root_hash, bytes) or len(root_hash) != _HASH_SIZE:
        raise MalformedCheckpointError("checkpoint root hash is not 32 bytes")
    for line in (origin, *extensions):
        if not isinstance(line, str) or not line:
            raise MalformedCheckpointError("checkpoint has an empty line")
        if any(ord(c) < 0x20 or 0xD800 <= ord(c) <= 0xDFFF for c in line):
            raise MalformedCheckpointError("checkpoint line contains a control character")


@dataclass(frozen=True)
class Checkpoint:
    """A tlog-checkpoint body: origin, tree size, root hash and optional extension lines."""

    origin: str
    size: int
    root_hash: bytes
    extensions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # The same checks as parsing, so a value that could not be parsed back is never signed.
        _check_checkpoint(self.origin, self.size, self.root_hash, self.extensions)

    @property
    def text(self) -> str:
        """The body, as signed."""
        lines = [self.origin, str(self.size), _b64encode(self.root_hash), *self.extensions]
        return "".join(f"{line}\n" for line in lines)


def parse_checkpoint(text: str) -> Checkpoint:
    """Parse a checkpoint body, strictly."""
    if not isinstance(text, str):
        raise MalformedCheckpointError("checkpoint is not a string")
    if not text.endswith("\n"):
        raise MalformedCheckpointError("checkpoint does not end with a newline")
    lines = text[:-1].split("\n")
    if len(lines) < 3:
        raise MalformedCheckpointError("checkpoint has fewer than three lines")
    origin, size_line, root_line, *extensions = lines
    if not _DECIMAL.fullmatch(size_line):
        raise MalformedCheckpointError(
            "checkpoint tree size is not a decimal number without leading zeros"
        )
    root = _b64decode(root_line)
    if root is None:
        raise MalformedCheckpointError("checkpoint root hash is not valid base64")
    return Checkpoint(origin, int(size_line), root, tuple(extensions))


class OpenedCheckpoint(NamedTuple):
    checkpoint: Checkpoint
    signatures: tuple[Signature, ...]


def sign_checkpoint(checkpoint: Checkpoint, *signers: Signer) -> str:
    """The checkpoint as a signed note."""
    return sign_note(checkpoint.text, *signers)


def open_checkpoint(
    note: str | bytes, verifiers: Iterable[Verifier], *, origin: str | None = None
) -> OpenedCheckpoint:
    """Verify a signed checkpoint; at least one verified signature must be by the origin's key.

    With `origin`, the checkpoint must be for that log.
    """
    opened = open_note(note, verifiers)
    checkpoint = parse_checkpoint(opened.text)
    if origin is not None and checkpoint.origin != origin:
        raise MalformedCheckpointError("checkpoint is for another log origin")
    if not any(sig.name == checkpoint.origin for sig in opened.signatures):
        raise UnknownKeyError("checkpoint has no signature by its log's key")
    return OpenedCheckpoint(checkpoint, opened.signatures)
