"""The data-class catalogue: every type classified, graded and flagged as the module says."""

from __future__ import annotations

import dataclasses

import pytest

from anxin.pii.catalogue import CATALOGUE, DataClass, Sensitivity, entries, entry_for
from anxin.pii.spans import PiiType


@pytest.mark.parametrize("pii_type", list(PiiType))
def test_every_pii_type_has_an_entry_for_itself(pii_type: PiiType):
    assert entry_for(pii_type).type is pii_type


def test_when_listed_then_entries_follow_the_pii_type_order():
    assert [e.type for e in entries()] == list(PiiType)
    assert len(CATALOGUE) == len(PiiType)


@pytest.mark.parametrize(
    ("data_class", "types"),
    [
        (DataClass.CONTACT, {"CN_MOBILE", "CN_LANDLINE", "EMAIL", "US_PHONE"}),
        (DataClass.GOVERNMENT_ID, {"CN_ID", "PASSPORT", "US_SSN"}),
        (DataClass.FINANCIAL, {"BANK_CARD", "CREDIT_CARD"}),
        (DataClass.IDENTITY, {"PERSON"}),
        (DataClass.LOCATION, {"ADDRESS"}),
        (DataClass.NETWORK, {"IP_ADDRESS"}),
    ],
)
def test_each_data_class_holds_its_types(data_class: DataClass, types: set[str]):
    assert {str(e.type) for e in entries() if e.data_class is data_class} == types


def test_when_a_value_alone_enables_fraud_then_it_is_critical_and_sensitive_everywhere():
    critical = {str(e.type) for e in entries() if e.sensitivity is Sensitivity.CRITICAL}
    assert critical == {"CN_ID", "PASSPORT", "US_SSN", "BANK_CARD", "CREDIT_CARD"}
    assert critical == {str(e.type) for e in entries() if e.pipl_sensitive}
    assert critical == {str(e.type) for e in entries() if e.ccpa_sensitive}


def test_every_type_is_gdpr_and_ccpa_personal_information():
    assert all(e.gdpr_personal and e.ccpa_personal for e in entries())


def test_entries_cannot_be_changed():
    with pytest.raises(dataclasses.FrozenInstanceError):
        entry_for(PiiType.EMAIL).sensitivity = Sensitivity.LOW  # type: ignore[misc]
    with pytest.raises(TypeError):
        CATALOGUE[PiiType.EMAIL] = entry_for(PiiType.EMAIL)  # type: ignore[index]
