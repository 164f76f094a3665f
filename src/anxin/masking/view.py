"""What one reader sees: the policy resolved for a tenant and a role, applied to fields and texts.

Services build a `Viewer` per request (`MaskingPolicy.viewer(...)`) and pass every customer value
and every free text through it before it leaves in a response, so no output can skip the policy.
A text is rendered span by span from the detector's spans: each span's type gives its data
class, the class gives the reader's style, and the style renders the value. `hidden` inside a
text becomes the typed placeholder, because a text has no "null" to put in the middle of it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence

from anxin.masking import styles
from anxin.masking.styles import Style
from anxin.pii.catalogue import DataClass, class_of
from anxin.pii.spans import EntityType, Span


@dataclasses.dataclass(frozen=True, slots=True)
class Viewer:
    """Styles per data class for one tenant and role, decided once per request."""

    role: str
    classes: Mapping[DataClass, Style]

    def style(self, data_class: DataClass) -> Style:
        return self.classes.get(data_class, Style.HIDDEN)

    def field(self, name: str, value: str | None) -> str | None:
        """A customer field (`styles.FIELD_CLASSES`) as this reader may see it."""
        if value is None:
            return None
        data_class = styles.FIELD_CLASSES[name]
        return styles.apply(self.style(data_class), data_class, value)

    def values(self, name: str, values: Sequence[str]) -> list[str] | None:
        """A list field (phone numbers): `None` when the class is hidden from this reader."""
        data_class = styles.FIELD_CLASSES[name]
        style = self.style(data_class)
        if style is Style.HIDDEN:
            return None
        return [styles.apply(style, data_class, v) or "" for v in values]

    def text(self, text: str, spans: Iterable[Span]) -> str:
        """`text` with each detected span shown in this reader's style for its class."""
        pieces: list[str] = []
        cursor = 0
        for span in sorted(spans):
            if span.start < cursor or span.end > len(text):
                raise ValueError(f"span {span.start}:{span.end} overlaps or lies outside the text")
            pieces.append(text[cursor : span.start])
            pieces.append(self._span(text[span.start : span.end], span.type))
            cursor = span.end
        pieces.append(text[cursor:])
        return "".join(pieces)

    @property
    def shows_text_in_full(self) -> bool:
        """True when every class is `full`, so a text needs no spans to be rendered."""
        return all(self.style(c) is Style.FULL for c in DataClass)

    def _span(self, value: str, pii_type: EntityType) -> str:
        data_class = class_of(pii_type)
        if data_class is None:
            return f"[{pii_type}]"  # a tenant type no longer configured: its name only
        style = self.style(data_class)
        if style is Style.HIDDEN:
            style = Style.REDACTED
        return styles.apply(style, data_class, value, pii_type) or ""
