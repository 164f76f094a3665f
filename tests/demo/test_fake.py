"""The demo generator is deterministic and its identifiers are valid where validity is defined."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum import luhn
from stdnum.cn import ric

from anxin.demo.fake import DemoFaker
from anxin.pii.normalize import normalize_phone

CARD = re.compile(r"(?<!\d)(?:62\d{14}|62\d{17}|4\d{15})(?!\d)")


def test_same_seed_same_data_and_different_seed_different_data() -> None:
    a = list(DemoFaker(seed=1).customers(50))
    b = list(DemoFaker(seed=1).customers(50))
    c = list(DemoFaker(seed=2).customers(50))
    assert a == b
    assert a != c


def test_identifiers_are_valid() -> None:
    faker = DemoFaker(seed=3)
    for customer in faker.customers(2_000):
        assert all(re.fullmatch(r"1[3-9]\d{9}", p) for p in customer.phones)
        assert normalize_phone(customer.phones[0]).startswith("+861")
        if customer.id_number:
            assert ric.is_valid(customer.id_number), customer.id_number


def test_first_phones_are_unique_for_100k_customers() -> None:
    phones = [c.phones[0] for c in DemoFaker(seed=4).customers(100_000)]
    assert len(set(phones)) == len(phones)


def test_conversations_are_well_formed_and_cards_pass_luhn() -> None:
    faker = DemoFaker(seed=5)
    cards = 0
    for customer in faker.customers(300):
        conversation = faker.conversation(customer)
        offsets = [m.offset_ms for m in conversation.messages]
        assert offsets == sorted(offsets)
        assert len(set(offsets)) == len(offsets)
        assert conversation.satisfaction is None or 1 <= conversation.satisfaction <= 5
        for message in conversation.messages:
            for card in CARD.findall(message.text):
                cards += 1
                assert luhn.is_valid(card), card
    assert cards > 0


@settings(max_examples=25, deadline=None)
@given(st.integers(min_value=0, max_value=2**32))
def test_any_seed_gives_valid_ids(seed: int) -> None:
    for customer in DemoFaker(seed=seed).customers(20):
        assert customer.id_number is None or ric.is_valid(customer.id_number)
