"""A redacted copy of a text: each detected span replaced by a typed placeholder.

The copy serves search, summaries and reports (DESIGN.md invariant 2), so it keeps the words
around the personal data and says what kind of value stood there: "call me on [CN_MOBILE]".
Pure: no I/O; spans come from the detector (sorted, non-overlapping).

A value the detector found once is also replaced where it occurs again undetected (inside a
longer digit run, say "013010300000:13010300000", where only the second is a valid mobile):
having recognised it, leaving a verbatim copy of it in the plaintext column would be a leak.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from anxin.pii.spans import EntityType, Span

# Shorter values (a two-character name) are too common as plain words to chase through the text.
MIN_REPEAT_CHARS = 4


def placeholder(pii_type: EntityType) -> str:
    return f"[{pii_type.value}]"


def redact(text: str, spans: Sequence[Span]) -> str:
    """`text` with every span (and any verbatim repeat of its value) replaced by a placeholder."""
    ordered = sorted(spans)
    repeats = _repeat_pattern(text, ordered)
    pieces: list[str] = []
    cursor = 0
    for span in ordered:
        if span.start < cursor or span.end > len(text):
            raise ValueError(f"span {span.start}:{span.end} overlaps or lies outside the text")
        pieces.append(_redact_repeats(text[cursor : span.start], repeats))
        pieces.append(placeholder(span.type))
        cursor = span.end
    pieces.append(_redact_repeats(text[cursor:], repeats))
    return "".join(pieces)


def _repeat_pattern(
    text: str, spans: Sequence[Span]
) -> tuple[re.Pattern[str], dict[str, str]] | None:
    values = {
        text[s.start : s.end]: placeholder(s.type)
        for s in spans
        if s.end - s.start >= MIN_REPEAT_CHARS
    }
    if not values:
        return None
    # Longest first, so a value that contains another is replaced whole.
    alternatives = sorted(values, key=len, reverse=True)
    return re.compile("|".join(re.escape(v) for v in alternatives)), values


def _redact_repeats(gap: str, repeats: tuple[re.Pattern[str], dict[str, str]] | None) -> str:
    if repeats is None or not gap:
        return gap
    pattern, values = repeats
    return pattern.sub(lambda m: values[m.group(0)], gap)
