"""Free-text input hygiene shared by the input schemas of every package.

Lone surrogates (a JSON "\\ud800" escape) cannot be encoded to UTF-8; pydantic refuses them in
every str field (error type string_unicode). Control characters other than tab, LF and CR (C0,
DEL, C1; NUL above all, which PostgreSQL text cannot hold) are refused by `CleanText`. app.py
turns both into stable codes; the error never holds the text.
"""

from __future__ import annotations

import re

from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

CONTROL_CHARACTER = "text.control_character"
_CONTROL = re.compile("[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f]")


def _clean_text(value: str) -> str:
    if _CONTROL.search(value):
        raise PydanticCustomError(
            CONTROL_CHARACTER, "the text contains a control character other than tab, LF or CR"
        )
    return value


CleanText = AfterValidator(_clean_text)
