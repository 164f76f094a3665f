"""Detection at ingestion: what a message's text adds besides its sealed original.

For each text the detector runs once (it is pure, so one detector serves every request): the
redacted copy goes to `messages.text_redacted`, the spans' types and offsets to
`message_entities`, and each phone number, e-mail and ID number that normalizes to a canonical
form gets a blind-index entry in `message_index` under every active index key, digested exactly
as the customer index digests a customer's identifiers. Values that do not normalize are still
redacted but not indexed.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Sequence

from anxin.crypto.aead import FieldRef
from anxin.crypto.blind_index import IndexKind, blind_digest
from anxin.crypto.keyring import IndexKey
from anxin.kernel.errors import AnxinError, InvalidInput
from anxin.pii import normalize
from anxin.pii.detector import Detector
from anxin.pii.redaction import redact
from anxin.pii.spans import EntityType, PiiType, Span
from anxin.pii.tenant_recognizers import builtin_only

PHONE: tuple[IndexKind, Callable[[str], str]] = (IndexKind.PHONE, normalize.normalize_phone)
EMAIL: tuple[IndexKind, Callable[[str], str]] = (IndexKind.EMAIL, normalize.normalize_email)
ID_NUMBER: tuple[IndexKind, Callable[[str], str]] = (
    IndexKind.ID_NUMBER,
    normalize.normalize_id_number,
)
# Which detected types are identifiers worth a blind index, and their canonical form.
_INDEXED: dict[EntityType, tuple[IndexKind, Callable[[str], str]]] = {
    PiiType.CN_MOBILE: PHONE,
    PiiType.CN_LANDLINE: PHONE,
    PiiType.US_PHONE: (IndexKind.PHONE, functools.partial(normalize.normalize_phone, region="US")),
    PiiType.EMAIL: EMAIL,
    PiiType.CN_ID: ID_NUMBER,
}


def message_ref(tenant_id: str, conversation_id: str, seq: int) -> FieldRef:
    """Where a message's sealed text belongs (bound into its ciphertext's associated data)."""
    return FieldRef(tenant_id, "messages", "text", f"{conversation_id}:{seq}")


def detector() -> Detector:
    """Built on first use, not at import (STYLE.md habit 7), then shared: detection is pure."""
    return builtin_only().builtin


@dataclasses.dataclass(frozen=True, slots=True)
class Detected:
    """One text's detection: the redacted copy, its spans, and its normalized identifiers."""

    redacted: str
    spans: tuple[Span, ...]
    identifiers: frozenset[tuple[IndexKind, str]]


def detect(text: str, using: Detector | None = None) -> Detected:
    """`using` is the tenant's detector; the built-in one by default."""
    spans = tuple((using or detector()).detect(text))
    return Detected(
        redacted=redact(text, spans),
        spans=spans,
        identifiers=frozenset(_identifiers(text, spans)),
    )


def _identifiers(text: str, spans: Sequence[Span]) -> list[tuple[IndexKind, str]]:
    out: list[tuple[IndexKind, str]] = []
    for span in spans:
        indexed = _INDEXED.get(span.type)
        if indexed is None:
            continue
        kind, canonical = indexed
        try:
            out.append((kind, canonical(text[span.start : span.end])))
        except AnxinError:
            continue  # redacted all the same; only a canonical value can be looked up
    return out


def canonical_query(
    *, phone: str | None, email: str | None, id_number: str | None
) -> tuple[IndexKind, str]:
    """The one identifier a "which conversations mentioned it" query names, normalized as
    ingestion normalized it (so the pii.invalid_* errors reach the caller as they are)."""
    given = [(k, v) for k, v in ((PHONE, phone), (EMAIL, email), (ID_NUMBER, id_number)) if v]
    if len(given) != 1:
        raise InvalidInput("give exactly one of phone, email or id_number")
    ((kind, canonical), raw) = given[0]
    return kind, canonical(raw)


def entity_rows(
    tenant_id: str, conversation_id: str, seq: int, detected: Detected
) -> list[dict[str, object]]:
    return [
        {
            "tenant_id": tenant_id,
            "conversation_id": conversation_id,
            "seq": seq,
            "start_offset": span.start,
            "end_offset": span.end,
            "type": span.type.value,
            "score": span.score,
        }
        for span in detected.spans
    ]


def index_rows(
    keys: Sequence[IndexKey],
    tenant_id: str,
    conversation_id: str,
    seq: int,
    identifiers: frozenset[tuple[IndexKind, str]],
) -> list[dict[str, object]]:
    """Entries under every active index key version, as the customer index writes them."""
    return [
        {
            "tenant_id": tenant_id,
            "kind": kind.value,
            "digest": blind_digest(key.key, kind=kind, normalized=value),
            "conversation_id": conversation_id,
            "seq": seq,
            "key_version": key.version,
        }
        for key in keys
        for kind, value in sorted(identifiers)
    ]
