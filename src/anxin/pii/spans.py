"""What the detector returns: typed spans over the original text, and the recognizer contract.

Offsets are Python `str` indexes (code points), end exclusive, into the text exactly as given,
so `text[span.start:span.end]` is the value even when recognizers looked at a normalized copy
(full-width digits, spoken digits).
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Iterable
from typing import Protocol


class PiiType(enum.StrEnum):
    CN_MOBILE = "CN_MOBILE"
    CN_LANDLINE = "CN_LANDLINE"
    CN_ID = "CN_ID"
    BANK_CARD = "BANK_CARD"
    CREDIT_CARD = "CREDIT_CARD"
    EMAIL = "EMAIL"
    PASSPORT = "PASSPORT"
    IP_ADDRESS = "IP_ADDRESS"
    US_PHONE = "US_PHONE"
    US_SSN = "US_SSN"
    PERSON = "PERSON"
    ADDRESS = "ADDRESS"


class CustomType(str):
    """A tenant's own entity type (EMPLOYEE_ID, MEMBER_NO), declared in its recognizer
    configuration together with the data class and sensitivity grade that decide how it is
    masked. A `str`, like PiiType's members, so it is stored, compared and printed the same
    way; `value` mirrors the enum's attribute for code that handles both.
    """

    data_class: str
    sensitivity: int
    pipl_sensitive: bool

    def __new__(
        cls, name: str, *, data_class: str, sensitivity: int = 2, pipl_sensitive: bool = False
    ) -> CustomType:
        made = super().__new__(cls, name)
        made.data_class = data_class
        made.sensitivity = sensitivity
        made.pipl_sensitive = pipl_sensitive
        return made

    @property
    def value(self) -> str:
        return str.__str__(self)


EntityType = PiiType | CustomType


@dataclasses.dataclass(frozen=True, slots=True, order=True)
class Span:
    start: int
    end: int
    type: EntityType
    score: float

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end:
            raise ValueError(f"empty or negative span {self.start}:{self.end}")
        if not 0.0 <= self.score <= 1.0:
            raise ValueError(f"score {self.score} is outside 0..1")


class Recognizer(Protocol):
    """One kind of personal data. Pure: no I/O, no state that changes between calls."""

    name: str
    types: tuple[EntityType, ...]

    def find(self, text: str) -> Iterable[Span]:
        """Every candidate in `text`; spans may overlap (the detector resolves overlaps)."""
        ...
