"""Signed notes and checkpoints: published interoperability vectors, round trips, tampering and
malformed input.

The vectors come from the Go reference implementation's tests (golang.org/x/mod/sumdb/note,
note_test.go: TestSign, TestOpen, TestVerifierList) and the C2SP tlog-checkpoint /
tlog-witness examples. Ed25519 is deterministic, so signing the published text with the
published key must reproduce the published signature byte for byte.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from hypothesis import given
from hypothesis import strategies as st

from anxin.audit.checkpoint import (
    MAX_SIGNATURES,
    AmbiguousKeyError,
    BadSignatureError,
    Checkpoint,
    CheckpointError,
    MalformedCheckpointError,
    MalformedKeyError,
    MalformedNoteError,
    Signature,
    Signer,
    TooManySignaturesError,
    UnknownKeyError,
    UnterminatedTextError,
    Verifier,
    WrongKeyError,
    key_id,
    open_checkpoint,
    open_note,
    parse_checkpoint,
    parse_note,
    sign_checkpoint,
    sign_note,
    vkey,
)

# --- golang.org/x/mod/sumdb/note note_test.go ------------------------------------------------

PETER_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
PETER_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
ENOCH_VKEY = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop"
TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
PETER_SIG = (
    "\u2014 PeterNeumann "
    "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
)
ENOCH_SIG = (
    "\u2014 EnochRoot "
    "rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n"
)
GO_NOTE = TEXT + "\n" + PETER_SIG

# --- C2SP tlog-checkpoint / tlog-witness example ---------------------------------------------

SOFA_BODY = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
SOFA_NOTE = (
    SOFA_BODY
    + "\n\u2014 example.com/behind-the-sofa "
    + "Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+"
    + "zyWE+xeMcTOAYQ8=\n"
)

ORIGIN = "anxin.example/audit/0b6a1c2e-5d4f-4e3a-9c1b-2f7e8d9a0b1c"
ROOT = hashlib.sha256(b"root").digest()


def _signer(name: str = ORIGIN, seed: int = 1) -> Signer:
    return Signer(name, Ed25519PrivateKey.from_private_bytes(bytes([seed]) * 32))


# --- interoperability ------------------------------------------------------------------------


def test_signing_the_go_example_reproduces_the_published_note_byte_for_byte() -> None:
    assert sign_note(TEXT, Signer.from_skey(PETER_SKEY)) == GO_NOTE


def test_the_go_example_note_opens() -> None:
    opened = open_note(GO_NOTE, [Verifier.from_vkey(PETER_VKEY)])
    assert opened.text == TEXT
    assert [(s.name, s.key_id) for s in opened.signatures] == [("PeterNeumann", 0xC74F20A3)]
    assert opened.signatures[0].line == PETER_SIG


def test_the_go_example_keys_round_trip_and_their_ids_are_computed() -> None:
    signer = Signer.from_skey(PETER_SKEY)
    verifier = Verifier.from_vkey(PETER_VKEY)
    assert signer.skey == PETER_SKEY
    assert signer.vkey == verifier.vkey == PETER_VKEY
    assert signer.key_id == verifier.key_id == 0xC74F20A3
    raw = base64.b64decode(PETER_VKEY.split("+", 2)[2])[1:]
    assert key_id("PeterNeumann", Ed25519PublicKey.from_public_bytes(raw)) == 0xC74F20A3
    assert vkey("PeterNeumann", verifier.public_key) == PETER_VKEY
    assert "AYEKFALV" not in repr(signer)


def test_go_two_signers_one_unknown_is_ignored_and_both_known_verify() -> None:
    peter, enoch = Verifier.from_vkey(PETER_VKEY), Verifier.from_vkey(ENOCH_VKEY)
    note = TEXT + "\n" + PETER_SIG + ENOCH_SIG
    assert [s.name for s in open_note(note, [peter]).signatures] == ["PeterNeumann"]
    assert [s.name for s in open_note(note, [peter, enoch]).signatures] == [
        "PeterNeumann",
        "EnochRoot",
    ]
    with pytest.raises(UnknownKeyError, match="no signature by a trusted key"):
        open_note(note, [])


def test_go_invalid_signature_message() -> None:
    bad = TEXT + "\n" + PETER_SIG[:60] + "ABCD" + PETER_SIG[60:]
    with pytest.raises(
        BadSignatureError, match=r"invalid signature for key PeterNeumann\+c74f20a3"
    ):
        open_note(bad, [Verifier.from_vkey(PETER_VKEY)])


@pytest.mark.parametrize(
    "message",
    [
        TEXT,
        TEXT + "\n",
        TEXT + "\n" + PETER_SIG[:-1],
        "\x01" + TEXT + "\n" + PETER_SIG,
        TEXT
        + "\n"
        + "\u2014 Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZS"
        "NXgKvqfqdngotpRZb6KE6RyyBwJnAM=",
        TEXT + "\n" + PETER_SIG + "Unexpected line.\n",
    ],
)
def test_go_malformed_messages(message: str) -> None:
    with pytest.raises(MalformedNoteError):
        open_note(message, [Verifier.from_vkey(PETER_VKEY)])


def test_go_invalid_utf8_bytes_are_malformed() -> None:
    with pytest.raises(MalformedNoteError, match="not valid UTF-8"):
        open_note(b"\xff" + GO_NOTE.encode(), [Verifier.from_vkey(PETER_VKEY)])
    assert open_note(GO_NOTE.encode(), [Verifier.from_vkey(PETER_VKEY)]).text == TEXT


def test_go_too_many_signatures() -> None:
    note = TEXT + "\n" + PETER_SIG * (MAX_SIGNATURES + 1)
    with pytest.raises(TooManySignaturesError, match="more than 100 signatures"):
        open_note(note, [Verifier.from_vkey(PETER_VKEY)])
    # Exactly the limit is fine, and repeated lines by one key are reported once.
    opened = open_note(TEXT + "\n" + PETER_SIG * MAX_SIGNATURES, [Verifier.from_vkey(PETER_VKEY)])
    assert len(opened.signatures) == 1


def test_go_verifier_key_manglings_are_refused() -> None:
    b = PETER_VKEY
    for i in range(len(b)):
        mangled = b[:i] + chr(ord(b[i]) + 1) + b[i + 1 :]
        with pytest.raises(MalformedKeyError):
            Verifier.from_vkey(mangled)
    for i in range(len(b)):
        with pytest.raises(MalformedKeyError):
            Verifier.from_vkey(b[:i])
    # Wrong key length and unknown algorithm, each with an adjusted key id (Go's own cases).
    # The first is also non-canonical base64 ("EY==" has nonzero spare bits), refused as such.
    with pytest.raises(MalformedKeyError, match="not valid base64"):
        Verifier.from_vkey(
            "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY=="
        )
    with pytest.raises(MalformedKeyError, match="not an Ed25519 key"):
        Verifier.from_vkey("PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")


def test_go_signer_key_manglings_are_refused() -> None:
    b = PETER_SKEY
    for i in range(len(b)):
        mangled = b[:i] + chr(ord(b[i]) + 1) + b[i + 1 :]
        with pytest.raises(MalformedKeyError):
            Signer.from_skey(mangled)


def test_signed_note_spec_key_id_example() -> None:
    """C2SP signed-note's Ed25519 example: example.com/foo has key id 530d903a."""
    pub = Ed25519PublicKey.from_public_bytes(
        bytes.fromhex("e932791ae6e7a840a46164c904786426d5e7821dd8b29a00d61cae72afdd4da4")
    )
    assert key_id("example.com/foo", pub) == 0x530D903A
    assert Verifier.from_vkey(vkey("example.com/foo", pub)).key_id == 0x530D903A


def test_the_c2sp_example_checkpoint_parses() -> None:
    cp = parse_checkpoint(SOFA_BODY)
    assert cp.origin == "example.com/behind-the-sofa"
    assert cp.size == 20852163
    assert cp.root_hash == base64.b64decode("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=")
    assert cp.extensions == ()
    assert cp.text == SOFA_BODY
    text, sigs = parse_note(SOFA_NOTE)
    assert text == SOFA_BODY
    assert [(s.name, s.key_id, len(s.signature)) for s in sigs] == [
        ("example.com/behind-the-sofa", 0x033DE0AE, 64)
    ]
    # The spec publishes no public key for it, so against our key it is simply unknown.
    with pytest.raises(UnknownKeyError):
        open_checkpoint(SOFA_NOTE, [_signer().verifier])


# --- round trips -----------------------------------------------------------------------------


def test_checkpoint_round_trip() -> None:
    signer = _signer()
    cp = Checkpoint(ORIGIN, 42, ROOT, ("extension one", "ext two"))
    note = sign_checkpoint(cp, signer)
    assert note.startswith(f"{ORIGIN}\n42\n{base64.b64encode(ROOT).decode()}\nextension one\n")
    opened = open_checkpoint(note, [Verifier.from_vkey(signer.vkey)], origin=ORIGIN)
    assert opened.checkpoint == cp
    assert [s.name for s in opened.signatures] == [ORIGIN]
    assert parse_checkpoint(Checkpoint(ORIGIN, 0, ROOT).text).size == 0
    assert parse_checkpoint(Checkpoint(ORIGIN, 2**64 - 1, ROOT).text).size == 2**64 - 1


def test_checkpoint_with_a_witness_cosignature_opens_for_either_party() -> None:
    log, witness = _signer(), _signer("witness.example/w1", 2)
    note = sign_checkpoint(Checkpoint(ORIGIN, 7, ROOT), log, witness)
    assert open_checkpoint(note, [log.verifier]).checkpoint.size == 7
    both = open_checkpoint(note, [log.verifier, witness.verifier])
    assert [s.name for s in both.signatures] == [ORIGIN, "witness.example/w1"]
    with pytest.raises(UnknownKeyError, match="no signature by its log's key"):
        open_checkpoint(note, [witness.verifier])


def test_checkpoint_for_another_origin_is_refused() -> None:
    signer = _signer()
    note = sign_checkpoint(Checkpoint(ORIGIN, 1, ROOT), signer)
    with pytest.raises(MalformedCheckpointError, match="another log origin"):
        open_checkpoint(note, [signer.verifier], origin="anxin.example/audit/other")


def test_a_signature_by_another_key_with_the_same_name_is_a_wrong_key() -> None:
    trusted, impostor = _signer(seed=1), _signer(seed=2)
    assert trusted.key_id != impostor.key_id
    note = sign_checkpoint(Checkpoint(ORIGIN, 1, ROOT), impostor)
    with pytest.raises(WrongKeyError, match="not the trusted key's"):
        open_checkpoint(note, [trusted.verifier])
    # Even beside a valid signature by the trusted key.
    both = sign_checkpoint(Checkpoint(ORIGIN, 1, ROOT), trusted, impostor)
    with pytest.raises(WrongKeyError):
        open_checkpoint(both, [trusted.verifier])


def test_unknown_key_is_refused() -> None:
    note = sign_checkpoint(Checkpoint(ORIGIN, 1, ROOT), _signer("someone.else", 3))
    with pytest.raises(UnknownKeyError, match="no signature by a trusted key"):
        open_checkpoint(note, [_signer().verifier])


def test_two_different_trusted_keys_with_one_name_and_id_are_ambiguous() -> None:
    signer = _signer()
    real = signer.verifier
    note = sign_checkpoint(Checkpoint(ORIGIN, 1, ROOT), signer)
    # The same key given twice is fine.
    assert open_note(note, [real, Verifier.from_vkey(real.vkey)]).text

    class Colliding(Verifier):
        """Another key claiming the same id: needs a SHA-256 prefix collision in real life."""

        @property
        def key_id(self) -> int:
            return real.key_id

    other = Colliding(ORIGIN, _signer(seed=9).verifier.public_key)
    with pytest.raises(AmbiguousKeyError, match="two trusted keys are named"):
        open_note(note, [real, other])


def test_tampering_with_any_character_fails() -> None:
    signer = _signer()
    note = sign_checkpoint(Checkpoint(ORIGIN, 1234, ROOT, ("ext",)), signer)
    verifiers = [signer.verifier]
    for i, c in enumerate(note):
        for replacement in {"A", "0", "\n", " "} - {c}:
            tampered = note[:i] + replacement + note[i + 1 :]
            with pytest.raises(CheckpointError):
                open_checkpoint(tampered, verifiers)


def test_tampering_with_signature_bytes_fails_as_bad_signature() -> None:
    signer = _signer()
    note = sign_checkpoint(Checkpoint(ORIGIN, 5, ROOT), signer)
    text, (sig,) = parse_note(note)
    for i in range(len(sig.signature)):
        flipped = bytearray(sig.signature)
        flipped[i] ^= 0x01
        bad = text + "\n" + Signature(sig.name, sig.key_id, bytes(flipped)).line
        with pytest.raises(BadSignatureError):
            open_note(bad, [signer.verifier])


# --- malformed input -------------------------------------------------------------------------


def _note_with(body: str) -> str:
    """`body` signed as a note without checkpoint checks, so only the checkpoint parse fails."""
    return sign_note(body, _signer())


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (f"{ORIGIN}\n01\n{base64.b64encode(ROOT).decode()}\n", "leading zeros"),
        (f"{ORIGIN}\n-1\n{base64.b64encode(ROOT).decode()}\n", "leading zeros"),
        (f"{ORIGIN}\n 1\n{base64.b64encode(ROOT).decode()}\n", "leading zeros"),
        (f"{ORIGIN}\n{2**64}\n{base64.b64encode(ROOT).decode()}\n", "64-bit"),
        (f"{ORIGIN}\n{'9' * 5000}\n{base64.b64encode(ROOT).decode()}\n", "leading zeros"),
        (f"{ORIGIN}\n1\n{base64.b64encode(ROOT[:31]).decode()}\n", "not 32 bytes"),
        (f"{ORIGIN}\n1\n{base64.b64encode(ROOT + b'x').decode()}\n", "not 32 bytes"),
        (f"{ORIGIN}\n1\n{base64.b64encode(ROOT).decode().rstrip('=')}\n", "not valid base64"),
        (f"{ORIGIN}\n1\n!{base64.b64encode(ROOT).decode()[1:]}\n", "not valid base64"),
        (f"{ORIGIN}\n1\n", "fewer than three lines"),
        (f"\n1\n{base64.b64encode(ROOT).decode()}\n", "origin is empty"),
    ],
)
def test_malformed_checkpoints(body: str, message: str) -> None:
    signer = _signer()
    with pytest.raises(MalformedCheckpointError, match=message):
        parse_checkpoint(body)
    with pytest.raises(MalformedCheckpointError, match=message):
        open_checkpoint(_note_with(body), [signer.verifier])


def test_checkpoint_body_must_end_with_a_newline() -> None:
    with pytest.raises(MalformedCheckpointError, match="does not end with a newline"):
        parse_checkpoint(SOFA_BODY[:-1])


@pytest.mark.parametrize(
    ("origin", "size", "root", "extensions"),
    [
        ("", 1, ROOT, ()),
        (ORIGIN, -1, ROOT, ()),
        (ORIGIN, 2**64, ROOT, ()),
        (ORIGIN, 1, ROOT[:31], ()),
        (ORIGIN, 1, ROOT, ("",)),
        (ORIGIN + "\nx", 1, ROOT, ()),
    ],
)
def test_checkpoint_constructor_refuses_what_parsing_would(
    origin: str, size: int, root: bytes, extensions: tuple[str, ...]
) -> None:
    with pytest.raises(MalformedCheckpointError):
        Checkpoint(origin, size, root, extensions)


def test_note_text_must_end_with_a_newline() -> None:
    with pytest.raises(UnterminatedTextError, match="does not end with a newline"):
        sign_note("no newline", _signer())


@pytest.mark.parametrize(
    ("note", "message"),
    [
        (TEXT + PETER_SIG, "no blank line"),
        (TEXT + "\n" + PETER_SIG.replace("\u2014", "-"), "em dash"),
        (TEXT + "\n" + PETER_SIG.replace("\u2014 ", "\u2014"), "em dash"),
        (TEXT + "\n" + PETER_SIG.replace("x08go", "x08g!"), "not valid base64"),
        (TEXT + "\n" + PETER_SIG.replace("AM=\n", "AM\n"), "not valid base64"),
        (TEXT + "\n" + PETER_SIG + "trailing garbage", "does not end with a newline"),
        (TEXT + "\n" + PETER_SIG + "trailing garbage\n", "line 2 does not start"),
        (TEXT + "\n\u2014 PeterNeumann AAAA\n", "too short"),
        (
            TEXT + "\n\u2014 Peter+Neumann " + PETER_SIG.rsplit(maxsplit=1)[-1] + "\n",
            "no valid key name",
        ),
        (TEXT + "\n\u2014 PeterNeumann\n", "no valid key name"),
        ("text\r\n\n" + PETER_SIG, "control character"),
    ],
)
def test_malformed_notes(note: str, message: str) -> None:
    with pytest.raises(MalformedNoteError, match=message):
        open_note(note, [Verifier.from_vkey(PETER_VKEY)])


@pytest.mark.parametrize(
    "name", ["", "has space", "has+plus", "tab\there", "nbsp\u00a0", "new\nline"]
)
def test_invalid_key_names_are_refused(name: str) -> None:
    with pytest.raises(MalformedKeyError):
        _signer(name)


def test_too_many_signers() -> None:
    with pytest.raises(TooManySignaturesError):
        sign_note(TEXT, *[_signer(f"s{i}", 1) for i in range(MAX_SIGNATURES + 1)])


# --- property: arbitrary input never raises anything but CheckpointError ---------------------

_pieces = st.sampled_from(
    ["\n", "\n\n", "\u2014 ", " ", "+", "=", "0", "01", "PeterNeumann", "\u2014", "x08go/ZJ", "\r"]
)
_texts = st.lists(st.one_of(st.text(max_size=20), _pieces), max_size=12).map("".join)


@given(_texts)
def test_arbitrary_text_only_ever_raises_checkpoint_error(text: str) -> None:
    verifiers = [Verifier.from_vkey(PETER_VKEY)]
    for call in (
        lambda: open_note(text, verifiers),
        lambda: open_note(text.encode("utf-8", "surrogatepass"), verifiers),
        lambda: open_checkpoint(text, verifiers),
        lambda: parse_checkpoint(text),
        lambda: Verifier.from_vkey(text),
        lambda: Signer.from_skey(text),
        lambda: Signer.from_skey("PRIVATE+KEY+" + text),
        lambda: sign_note(text, Signer.from_skey(PETER_SKEY)),
    ):
        with contextlib.suppress(CheckpointError):
            call()


@given(st.integers(0, len(GO_NOTE) - 1), st.text(min_size=1, max_size=3))
def test_any_edit_of_the_go_note_is_refused_or_is_the_same_note(at: int, insert: str) -> None:
    edited = GO_NOTE[:at] + insert + GO_NOTE[at + 1 :]
    try:
        opened = open_note(edited, [Verifier.from_vkey(PETER_VKEY)])
    except CheckpointError:
        return
    assert opened.text == TEXT
