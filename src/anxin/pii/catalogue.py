"""The data-class catalogue: what each kind of personal data is, how sensitive, and which laws
name it. Pure data; masking policies (role x data class) and retention read it.

Sensitivity is graded 1-4 (an IntEnum, so a policy can say "at least HIGH") by the harm a
leaked value does on its own:

- CRITICAL (4): enough by itself for identity theft or payment fraud, and hard or impossible
  to change: national ID, passport and Social Security numbers, bank and credit card numbers.
- HIGH (3): exposes a person physically: a postal address says where someone lives or works.
- MODERATE (2): reaches or names a person (phone, e-mail, name): spam, phishing and social
  engineering, but changeable or widely known, and harmless without other data.
- LOW (1): identifies a connection more than a person: an IP address is often shared or
  reassigned, and only a provider's logs tie it to a subscriber.

Legal flags:

- PIPL sensitive personal information (art. 28: specific identity, financial accounts,
  whereabouts, biometrics, ...). Identity document numbers (CN_ID, PASSPORT, and US_SSN, the
  same kind of number) and financial accounts (BANK_CARD, CREDIT_CARD) are flagged. Following the
  examples in GB/T 35273-2020 Annex B, phone numbers, e-mail, names and IP addresses are not. A
  postal address is not flagged either: art. 28's 行踪轨迹 is a person's movements over time,
  which one address is not (a history of delivery addresses with dates may become one; that is a
  property of the data set, not of a detected value). It is graded HIGH all the same.
- GDPR personal data (art. 4(1)): every type here relates to an identifiable person; IP
  addresses included (CJEU C-582/14, Breyer).
- CCPA personal information (Cal. Civ. Code 1798.140(v)): every type here, IP addresses named.
- CCPA sensitive personal information (1798.140(ae)): Social Security and passport numbers,
  and account, debit and credit card numbers. The statute counts card numbers "in combination
  with" an access code; a detected number is flagged regardless, because whether a code travels
  with it is not known where it is found. CN_ID is flagged as well: the statute lists state
  identification card numbers, and a national identity card number is the same kind of value.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from anxin.pii.spans import CustomType, EntityType, PiiType


class DataClass(enum.StrEnum):
    CONTACT = "contact"
    GOVERNMENT_ID = "government_id"
    FINANCIAL = "financial"
    IDENTITY = "identity"
    LOCATION = "location"
    NETWORK = "network"


class Sensitivity(enum.IntEnum):
    LOW = 1
    MODERATE = 2
    HIGH = 3
    CRITICAL = 4


@dataclasses.dataclass(frozen=True, slots=True)
class CatalogueEntry:
    type: EntityType
    data_class: DataClass
    sensitivity: Sensitivity
    pipl_sensitive: bool
    ccpa_sensitive: bool
    gdpr_personal: bool = True
    ccpa_personal: bool = True

    def as_json(self) -> dict[str, Any]:
        """The row `anxin pii classes --json` prints and `GET /api/v1/pii/classes` returns."""
        return {
            "type": str(self.type),
            "class": str(self.data_class),
            "sensitivity": int(self.sensitivity),
            "grade": self.sensitivity.name.lower(),
            "pipl_sensitive": self.pipl_sensitive,
            "gdpr_personal": self.gdpr_personal,
            "ccpa_personal": self.ccpa_personal,
            "ccpa_sensitive": self.ccpa_sensitive,
        }


def _entry(
    pii_type: PiiType,
    data_class: DataClass,
    sensitivity: Sensitivity,
    *,
    pipl_sensitive: bool = False,
    ccpa_sensitive: bool = False,
) -> tuple[PiiType, CatalogueEntry]:
    entry = CatalogueEntry(pii_type, data_class, sensitivity, pipl_sensitive, ccpa_sensitive)
    return pii_type, entry


_C, _G, _F = DataClass.CONTACT, DataClass.GOVERNMENT_ID, DataClass.FINANCIAL
_S = Sensitivity

CATALOGUE: Mapping[PiiType, CatalogueEntry] = MappingProxyType(
    dict(
        [
            _entry(PiiType.CN_MOBILE, _C, _S.MODERATE),
            _entry(PiiType.CN_LANDLINE, _C, _S.MODERATE),
            _entry(PiiType.EMAIL, _C, _S.MODERATE),
            _entry(PiiType.US_PHONE, _C, _S.MODERATE),
            _entry(PiiType.CN_ID, _G, _S.CRITICAL, pipl_sensitive=True, ccpa_sensitive=True),
            _entry(PiiType.PASSPORT, _G, _S.CRITICAL, pipl_sensitive=True, ccpa_sensitive=True),
            _entry(PiiType.US_SSN, _G, _S.CRITICAL, pipl_sensitive=True, ccpa_sensitive=True),
            _entry(PiiType.BANK_CARD, _F, _S.CRITICAL, pipl_sensitive=True, ccpa_sensitive=True),
            _entry(PiiType.CREDIT_CARD, _F, _S.CRITICAL, pipl_sensitive=True, ccpa_sensitive=True),
            _entry(PiiType.PERSON, DataClass.IDENTITY, _S.MODERATE),
            _entry(PiiType.ADDRESS, DataClass.LOCATION, _S.HIGH),
            _entry(PiiType.IP_ADDRESS, DataClass.NETWORK, _S.LOW),
        ]
    )
)


def entry_for(pii_type: EntityType) -> CatalogueEntry:
    """The catalogue entry of a type; every PiiType has one (a test checks this), and a
    tenant's own type carries its class and grade from its configuration."""
    if isinstance(pii_type, CustomType):
        return CatalogueEntry(
            pii_type,
            DataClass(pii_type.data_class),
            Sensitivity(pii_type.sensitivity),
            pipl_sensitive=pii_type.pipl_sensitive,
            ccpa_sensitive=pii_type.pipl_sensitive,
        )
    return CATALOGUE[pii_type]


def class_of(pii_type: EntityType) -> DataClass | None:
    """The type's data class; `None` for a stored custom type whose configuration is gone."""
    if isinstance(pii_type, CustomType):
        return DataClass(pii_type.data_class) if pii_type.data_class in _CLASS_NAMES else None
    return CATALOGUE[pii_type].data_class


_CLASS_NAMES = frozenset(c.value for c in DataClass)


def entries() -> tuple[CatalogueEntry, ...]:
    """Every entry, in PiiType order."""
    return tuple(CATALOGUE[t] for t in PiiType)
