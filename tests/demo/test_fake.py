"""The demo generator is deterministic, and its identifiers are valid wherever validity is defined.

Identifiers are checked with python-stdnum, an implementation independent of the generator's
own check-digit code, and conversations are checked against the contact API's input schemas,
because demo seeding feeds them through those schemas.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import itertools
import os
import random
import re
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum import luhn
from stdnum.cn import ric

from anxin.contact.schemas import CloseRequest, ConversationCreate, MessageIn
from anxin.demo import vocabulary as v
from anxin.demo.fake import (
    DemoFaker,
    FakeConversation,
    FakeCustomer,
    id_check_character,
    luhn_check_digit,
)
from anxin.pii.normalize import normalize_phone

MOBILE = re.compile(r"1[3-9]\d{9}")
# 16-19 digit UnionPay or 16 digit Visa numbers, not part of a longer digit run or of an ID.
CARD = re.compile(r"(?<![\dX])(?:62\d{14,17}|4\d{15})(?![\dX])")
# Phone numbers as written in messages: 138-1234-5678, +86 138 1234 5678, 13812345678, ...
WRITTEN_PHONE = re.compile(r"(?<![\d+])(?:\+86 ?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)")
SPEAKERS = {"customer", "agent", "system"}


def _fingerprint(faker: DemoFaker, count: int) -> list[object]:
    """Customers interleaved with their conversations, as demo seeding draws them."""
    out: list[object] = []
    for customer in faker.customers(count):
        out += [customer, faker.conversation(customer)]
    return out


def _cards(conversation: FakeConversation, customer: FakeCustomer) -> list[str]:
    found = []
    for message in conversation.messages:
        found += [c for c in CARD.findall(message.text) if c != customer.id_number]
    return found


def _assert_customer(customer: FakeCustomer) -> None:
    assert customer.locale in {"zh", "en"}
    assert customer.name
    assert 1 <= len(customer.phones) <= 2
    assert all(MOBILE.fullmatch(p) for p in customer.phones), customer.phones
    assert customer.address.startswith(tuple(d.place for d in v.DISTRICTS))
    if customer.email is not None:
        assert re.fullmatch(r"[a-z0-9.]+@[a-z0-9.]+\.(com|net|org)", customer.email)
    if customer.id_number is not None:
        assert ric.is_valid(customer.id_number), customer.id_number
        born = ric.get_birth_date(customer.id_number)
        assert dt.date(1950, 1, 1) <= born <= dt.date(2005, 12, 31)


def _assert_conversation(conversation: FakeConversation, customer: FakeCustomer) -> None:
    assert conversation.channel in {"voice", "chat", "email"}
    assert conversation.direction in {"inbound", "outbound"}
    assert conversation.dialed_number in v.SERVICE_NUMBERS
    assert conversation.queue in v.QUEUES
    assert conversation.disposition in v.DISPOSITIONS
    assert conversation.satisfaction is None or 1 <= conversation.satisfaction <= 5
    assert 0 <= conversation.age_days <= 720
    assert conversation.resolution_summary
    assert 4 <= len(conversation.messages) <= 12
    offsets = [m.offset_ms for m in conversation.messages]
    assert all(a < b for a, b in itertools.pairwise(offsets)), offsets
    assert offsets[0] >= 0
    assert all(m.speaker in SPEAKERS and m.text for m in conversation.messages)
    assert "{" not in "".join(m.text for m in conversation.messages)  # every slot was filled
    for card in _cards(conversation, customer):
        assert luhn.is_valid(card), card


def test_same_seed_same_data_and_different_seed_different_data() -> None:
    assert _fingerprint(DemoFaker(seed=1), 200) == _fingerprint(DemoFaker(seed=1), 200)
    assert _fingerprint(DemoFaker(seed=1), 200) != _fingerprint(DemoFaker(seed=2), 200)
    assert list(DemoFaker().customers(5)) == list(DemoFaker(seed=0).customers(5))


def test_global_random_state_does_not_matter() -> None:
    random.seed(1)
    first = _fingerprint(DemoFaker(seed=9), 50)
    random.seed(2)
    random.random()
    assert _fingerprint(DemoFaker(seed=9), 50) == first


def test_output_does_not_depend_on_the_process_hash_seed() -> None:
    script = (
        "import hashlib\n"
        "from anxin.demo.fake import DemoFaker\n"
        "f = DemoFaker(seed=5)\n"
        "print(hashlib.sha256(repr([(c, f.conversation(c)) "
        "for c in f.customers(100)]).encode()).hexdigest())\n"
    )
    digests = set()
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        result = subprocess.run(
            [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
        )
        digests.add(result.stdout.strip())
    faker = DemoFaker(seed=5)
    here = repr([(c, faker.conversation(c)) for c in faker.customers(100)])
    assert digests == {hashlib.sha256(here.encode()).hexdigest()}


def test_customers_are_well_formed_and_ids_pass_stdnum() -> None:
    customers = list(DemoFaker(seed=3).customers(5_000))
    for customer in customers:
        _assert_customer(customer)
    ids = [c.id_number for c in customers if c.id_number]
    assert len(ids) > 3_000
    assert {i[:6] for i in ids} <= {d.code for d in v.DISTRICTS}
    assert any(i.endswith("X") for i in ids)
    assert {c.locale for c in customers} == {"zh", "en"}
    assert any(len(c.phones) == 2 for c in customers)
    assert any(c.email is None for c in customers)
    assert any(c.name[:2] in v.COMPOUND_SURNAMES for c in customers)


def test_phones_are_valid_numbers_in_libphonenumber() -> None:
    for customer in DemoFaker(seed=8).customers(2_000):
        for phone in customer.phones:
            assert normalize_phone(phone) == f"+86{phone}"


def test_first_phones_are_unique_for_100k_customers() -> None:
    customers = list(DemoFaker(seed=4).customers(100_000))
    first = [c.phones[0] for c in customers]
    assert len(set(first)) == len(first)
    every = [p for c in customers for p in c.phones]
    assert len(set(every)) == len(every)  # second phones never collide either
    assert len({p[:3] for p in first}) == len(v.MOBILE_PREFIXES)


def test_id_check_character_agrees_with_stdnum() -> None:
    rng = random.Random(0)
    for _ in range(5_000):
        first17 = f"{rng.randrange(10**17):017d}"
        assert id_check_character(first17) == ric.calc_check_digit(first17 + "0")


def test_luhn_check_digit_agrees_with_stdnum() -> None:
    rng = random.Random(0)
    for _ in range(5_000):
        body = str(rng.randrange(10 ** rng.randint(1, 18)))
        assert luhn_check_digit(body) == luhn.calc_check_digit(body)


def test_conversations_are_well_formed_and_cards_pass_luhn() -> None:
    faker = DemoFaker(seed=5)
    cards: list[str] = []
    mentioned_phones = 0
    english = 0
    for customer in faker.customers(1_000):
        conversation = faker.conversation(customer)
        _assert_conversation(conversation, customer)
        cards += _cards(conversation, customer)
        english += conversation.messages[-1].text.isascii()
        for message in conversation.messages:
            for written in WRITTEN_PHONE.findall(message.text):
                assert message.speaker == "customer"
                assert normalize_phone(written)[3:] in customer.phones, written
                mentioned_phones += 1
    assert {len(c) for c in cards if c.startswith("62")} == {16, 17, 18, 19}
    assert any(c.startswith("4") for c in cards)
    assert mentioned_phones > 100
    assert 50 < english < 500  # mostly Chinese, some English


def test_conversations_are_accepted_by_the_contact_api_schemas() -> None:
    faker = DemoFaker(seed=6)
    for customer in faker.customers(300):
        fake = faker.conversation(customer)
        ConversationCreate.model_validate(
            {
                "phone": customer.phones[0],
                "channel": fake.channel,
                "direction": fake.direction,
                "dialed_number": fake.dialed_number,
                "queue": fake.queue,
            }
        )
        for message in fake.messages:
            MessageIn.model_validate(
                {"speaker": message.speaker, "text": message.text, "offset_ms": message.offset_ms}
            )
        CloseRequest.model_validate(
            {
                "disposition": fake.disposition,
                "satisfaction": fake.satisfaction,
                "resolution_summary": fake.resolution_summary,
            }
        )


def test_district_names_match_the_area_code_history_from_their_first_year() -> None:
    assert len(v.DISTRICTS) >= 36
    assert len({d.code for d in v.DISTRICTS}) == len(v.DISTRICTS)
    for district in v.DISTRICTS:
        for year in (max(district.since, 1950), 2005):
            first17 = f"{district.code}{year}0101001"
            place = ric.get_birth_place(first17 + id_check_character(first17))
            assert place["county"] == district.name, (district, year)


def test_every_phrasebook_covers_every_queue_and_disposition() -> None:
    for book in v.PHRASEBOOKS.values():
        assert set(book.queue_labels) == set(v.QUEUES)
        assert set(book.openers) == set(v.QUEUES)
        assert set(book.resolved) == set(v.QUEUES)
        assert set(book.outcomes) == set(v.DISPOSITIONS) - {"resolved"}


def test_agent_names_are_chinese_names() -> None:
    faker = DemoFaker(seed=2)
    names = [faker.agent_name() for _ in range(200)]
    surnames = set(v.SURNAMES) | set(v.COMPOUND_SURNAMES)
    assert all(2 <= len(n) <= 4 and (n[0] in surnames or n[:2] in surnames) for n in names)
    assert len(set(names)) > 100


def test_customers_are_immutable() -> None:
    customer = next(DemoFaker().customers(1))
    assert not hasattr(customer, "__dict__")  # slotted
    for field in dataclasses.fields(customer):
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(customer, field.name, None)


@settings(max_examples=30, deadline=None)
@given(st.integers(min_value=0, max_value=2**64))
def test_any_seed_gives_valid_customers_and_conversations(seed: int) -> None:
    faker = DemoFaker(seed=seed)
    for customer in faker.customers(20):
        _assert_customer(customer)
        _assert_conversation(faker.conversation(customer), customer)
    assert list(DemoFaker(seed=seed).customers(3)) == list(DemoFaker(seed=seed).customers(3))
