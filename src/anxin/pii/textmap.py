"""Views of a text that recognizers match against, each exactly as long as the original.

Full-width digits (１３８…) and spoken Chinese digits (幺三八…) are rewritten one code point for
one code point, so an offset in a view is the same offset in the original text: no offset map is
needed, and `text[start:end]` is always the value the caller wrote. NFKC is deliberately not
used: it can change the length of a string (ligatures, compatibility sequences).
"""

from __future__ import annotations

import dataclasses
import functools
import re

# Full-width ASCII (U+FF01..U+FF5E) that can be part of a value; full-width punctuation such as
# `：` and `，` stays as it is so it keeps separating words from values.
_WIDE_KEEP = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz@.+-()"
_WRITTEN = {ord(c) + 0xFEE0: c for c in _WIDE_KEEP} | {0x3000: " "}

# Digits as read aloud in call transcripts: 幺 (yao) for 1, 两 for 2, 洞 for 0 and 拐 for 7 (the
# radio and military readings), 〇 and 零 for 0.
SPOKEN_DIGITS = {
    "零": "0", "〇": "0", "洞": "0", "幺": "1", "一": "1", "二": "2", "两": "2", "三": "3",
    "四": "4", "五": "5", "六": "6", "七": "7", "拐": "7", "八": "8", "九": "9", "勾": "9",
    # The formal numerals (大写) some transcribers and agents write digits with.
    "壹": "1", "贰": "2", "叁": "3", "肆": "4", "伍": "5", "陆": "6", "柒": "7", "捌": "8",
    "玖": "9",
}  # fmt: skip
# 叉 ("cross") is how the X check character of a resident ID is read aloud.
_SPOKEN = _WRITTEN | {ord(k): v for k, v in SPOKEN_DIGITS.items()} | {ord("叉"): "X"}
# Translating is the costly part for short texts, so it only happens when there is something to
# translate: a full-width character, or a spoken digit next to another digit (一 alone is a word,
# not a number; 幺38 is a number).
_HAS_WIDE = re.compile("[" + "".join(map(chr, _WRITTEN)) + "]")
_SPOKEN_CLASS = "[" + "".join(SPOKEN_DIGITS) + "]"
_NEAR = "[ ,，、杠]?"
_HAS_SPOKEN_NUMBER = re.compile(
    f"{_SPOKEN_CLASS}{_NEAR}[0-9０-９{_SPOKEN_CLASS[1:-1]}]|[0-9０-９]{_NEAR}{_SPOKEN_CLASS}"
)
# Every match of _HAS_SPOKEN_NUMBER holds a spoken digit; most texts have none, and finding one
# character of a class is far quicker than trying the two-branch regex at every position.
_HAS_SPOKEN_DIGIT = re.compile(_SPOKEN_CLASS)


@dataclasses.dataclass(frozen=True, slots=True)
class TextViews:
    """`written`: full-width folded to ASCII. `spoken`: also spoken digits as ASCII digits, or
    None when the text has no run of spoken digits (so recognizers skip the second pass).
    `lower`: the written view lower-cased, for finding context words anywhere in the text (its
    length may differ; it is never used for offsets)."""

    written: str
    spoken: str | None
    lower: str


@functools.lru_cache(maxsize=32)
def views_of(text: str) -> TextViews:
    """Cached because every recognizer asks for the views of the same text in turn."""
    written = text.translate(_WRITTEN) if _HAS_WIDE.search(text) else text
    spoken = text.translate(_SPOKEN) if _has_spoken_number(text) else None
    return TextViews(written=written, spoken=spoken, lower=written.lower())


def _has_spoken_number(text: str) -> bool:
    """Whether `text` holds a run of spoken digits (next to another digit)."""
    return _HAS_SPOKEN_DIGIT.search(text) is not None and bool(_HAS_SPOKEN_NUMBER.search(text))


def has_spoken_digit(text: str) -> bool:
    return any(c in SPOKEN_DIGITS for c in text)
