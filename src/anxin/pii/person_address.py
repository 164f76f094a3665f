"""PERSON and ADDRESS in one recognizer, so each text's addresses are found once.

The PERSON recognizer needs the addresses to drop names inside them (李宁大厦, Martin Luther King
Jr Blvd); registered side by side, it and the ADDRESS recognizer each scanned every text for
addresses, which was the largest single cost of the default detector. Both classes stay usable
on their own (tests, a tenant that wants only one of them).
"""

from __future__ import annotations

from anxin.pii.addresses import AddressRecognizer
from anxin.pii.names import PersonRecognizer
from anxin.pii.spans import EntityType, PiiType, Span


class PersonAddressRecognizer:
    """Addresses, then the names outside them; the two never overlap."""

    name: str = "person_address"
    types: tuple[EntityType, ...] = (PiiType.PERSON, PiiType.ADDRESS)

    def __init__(self) -> None:
        self._addresses = AddressRecognizer()
        self._persons = PersonRecognizer()

    def find(self, text: str) -> list[Span]:
        addresses = self._addresses.find(text)
        return addresses + self._persons.find_outside(text, addresses)
