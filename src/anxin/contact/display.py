"""Stored values as one reader may see them: every customer value and free text leaves here.

A `Reader` is built per request (`ContactService.reader`): the masking policy resolved for the
caller's role and tenant, and the tenant's detector. Customer fields go through it by data
class. Message texts are rendered from the spans found at ingestion (`message_entities`), so a
reader sees exactly what was detected; messages stored before detection ran at ingestion,
ticket subjects and resolution summaries are detected when read (they are short, and the
detector is pure).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import overload

from sqlalchemy import select
from sqlalchemy.orm import Session

from anxin.contact.models import MessageEntity
from anxin.masking.view import Viewer
from anxin.pii import normalize
from anxin.pii.detector import Detector
from anxin.pii.spans import EntityType, Span


@dataclasses.dataclass(frozen=True, slots=True)
class Reader:
    viewer: Viewer
    detector: Detector
    resolve: Callable[[str], EntityType]  # a stored type name -> its type (tenant-aware)

    def customer_fields(self, values: Mapping[str, str | None]) -> dict[str, object]:
        """The opened customer fields (`phones` as stored JSON) in the reader's styles."""
        viewer = self.viewer
        phones = json.loads(values["phones"]) if values["phones"] else []
        return {
            "name": viewer.field("name", values["name"]),
            "phones": viewer.values("phones", [normalize.national_digits(p) for p in phones]),
            "email": viewer.field("email", values["email"]),
            "id_number": viewer.field("id_number", values["id_number"]),
            "address": viewer.field("address", values["address"]),
        }

    @overload
    def free_text(self, text: str) -> str: ...
    @overload
    def free_text(self, text: str | None) -> str | None: ...
    def free_text(self, text: str | None) -> str | None:
        """A text with no stored spans (summary, subject, legacy message): detected now."""
        if text is None or self.viewer.shows_text_in_full:
            return text
        return self.viewer.text(text, self.detector.detect(text))

    def message_text(self, text: str, spans: Sequence[Span] | None) -> str:
        """A message with its ingestion spans; `None`: it predates detection at ingestion."""
        if spans is None:
            return self.free_text(text)
        return text if self.viewer.shows_text_in_full else self.viewer.text(text, spans)

    def stored_spans(
        self, session: Session, *, conversation_id: str, seqs: Iterable[int]
    ) -> dict[int, list[Span]]:
        """The ingestion spans of some messages of a conversation, by message number."""
        wanted = sorted(set(seqs))
        out: dict[int, list[Span]] = {seq: [] for seq in wanted}
        if not wanted:
            return out
        rows = session.execute(
            select(
                MessageEntity.seq,
                MessageEntity.start_offset,
                MessageEntity.end_offset,
                MessageEntity.type,
                MessageEntity.score,
            ).where(
                MessageEntity.conversation_id == conversation_id,
                MessageEntity.seq >= wanted[0],
                MessageEntity.seq <= wanted[-1],
            )
        ).all()
        for seq, start, end, type_name, score in rows:
            if seq in out:
                out[seq].append(Span(start, end, self.resolve(type_name), score))
        return out
