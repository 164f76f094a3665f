"""Deterministic synthetic customers and conversations for demos, tests and benchmarks.

Only `random.Random(seed)` is used, so the same seed always yields the same data. First phone
numbers are unique by construction (an affine permutation of a counter over each prefix's
subscriber numbers), so a million demo customers never collide on the repeat-caller index.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from collections.abc import Iterator

from anxin.demo import vocabulary as v

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_SUBSCRIBERS = 10**8
_STRIDE = 48_271_013  # odd and coprime with 10**8: counter * stride mod 10**8 is a permutation
_LAST_BIRTH = dt.date(2005, 12, 31)


@dataclasses.dataclass(frozen=True, slots=True)
class FakeCustomer:
    locale: str
    name: str
    phones: tuple[str, ...]
    email: str | None
    id_number: str | None
    address: str


@dataclasses.dataclass(frozen=True, slots=True)
class FakeMessage:
    speaker: str
    text: str
    offset_ms: int


@dataclasses.dataclass(frozen=True, slots=True)
class FakeConversation:
    channel: str
    direction: str
    dialed_number: str
    queue: str
    messages: tuple[FakeMessage, ...]
    satisfaction: int | None
    disposition: str
    resolution_summary: str
    age_days: int


def id_check_character(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def luhn_complete(body: str) -> str:
    """Append the Luhn check digit to `body`."""
    total = 0
    for index, char in enumerate(reversed(body)):
        digit = int(char)
        if index % 2 == 0:
            digit *= 2
            digit -= 9 if digit > 9 else 0
        total += digit
    return body + str((10 - total % 10) % 10)


class DemoFaker:
    def __init__(self, seed: int = 0) -> None:
        self.rng = random.Random(seed)
        self._counter = self.rng.randrange(_SUBSCRIBERS)

    def customer(self) -> FakeCustomer:
        rng = self.rng
        english = rng.random() < 0.15
        name = self._english_name() if english else self._chinese_name()
        phones = [self._unique_mobile()]
        if rng.random() < 0.2:
            phones.append(self._random_mobile())
        district = rng.choice(v.DISTRICTS)
        return FakeCustomer(
            locale="en" if english else "zh",
            name=name,
            phones=tuple(phones),
            email=self._email(name) if rng.random() < 0.7 else None,
            id_number=self._id_number(district) if rng.random() < 0.8 else None,
            address=self._address(district),
        )

    def customers(self, count: int) -> Iterator[FakeCustomer]:
        for _ in range(count):
            yield self.customer()

    def agent_name(self) -> str:
        return self._chinese_name()

    def conversation(self, customer: FakeCustomer) -> FakeConversation:
        rng = self.rng
        channel = rng.choice(("voice", "voice", "chat", "chat", "email"))
        messages = self._messages(customer, turns=rng.randint(2, 6))
        return FakeConversation(
            channel=channel,
            direction="outbound" if rng.random() < 0.1 else "inbound",
            dialed_number=rng.choice(v.SERVICE_NUMBERS),
            queue=rng.choice(v.QUEUES),
            messages=messages,
            satisfaction=rng.randint(1, 5) if rng.random() < 0.7 else None,
            disposition=rng.choice(v.DISPOSITIONS),
            resolution_summary=rng.choice(v.SUMMARIES),
            age_days=rng.randint(0, 720),
        )

    def _messages(self, customer: FakeCustomer, *, turns: int) -> tuple[FakeMessage, ...]:
        rng = self.rng
        offset = rng.randint(0, 3_000)
        out = [FakeMessage("agent", rng.choice(v.GREETINGS), offset)]
        for _ in range(turns):
            offset += rng.randint(1_500, 20_000)
            out.append(FakeMessage("customer", self._customer_line(customer), offset))
            offset += rng.randint(1_500, 20_000)
            out.append(FakeMessage("agent", rng.choice(v.AGENT_REPLIES), offset))
        offset += rng.randint(1_000, 5_000)
        out.append(FakeMessage("customer", rng.choice(v.CLOSINGS), offset))
        return tuple(out)

    def _customer_line(self, customer: FakeCustomer) -> str:
        rng = self.rng
        template = rng.choice(v.CUSTOMER_ASKS)
        return template.format(
            card=self._card("62", rng.choice((16, 19))),
            visa=self._card("4", 16),
            phone=self._written_phone(customer.phones[0]),
            id_number=customer.id_number or self._id_number(rng.choice(v.DISTRICTS)),
            email=customer.email or "someone@example.com",
            address=customer.address,
        )

    def _written_phone(self, digits: str) -> str:
        style = self.rng.randrange(4)
        if style == 0:
            return f"{digits[:3]}-{digits[3:7]}-{digits[7:]}"
        if style == 1:
            return f"+86 {digits[:3]} {digits[3:7]} {digits[7:]}"
        if style == 2:
            return f"{digits[:3]} {digits[3:7]} {digits[7:]}"
        return digits

    def _card(self, prefix: str, length: int) -> str:
        body = prefix + "".join(
            str(self.rng.randrange(10)) for _ in range(length - len(prefix) - 1)
        )
        return luhn_complete(body)

    def _unique_mobile(self) -> str:
        self._counter += 1
        prefix = v.MOBILE_PREFIXES[(self._counter // _SUBSCRIBERS) % len(v.MOBILE_PREFIXES)]
        subscriber = (self._counter * _STRIDE) % _SUBSCRIBERS
        return f"{prefix}{subscriber:08d}"

    def _random_mobile(self) -> str:
        return self.rng.choice(v.MOBILE_PREFIXES) + f"{self.rng.randrange(_SUBSCRIBERS):08d}"

    def _chinese_name(self) -> str:
        rng = self.rng
        surname = rng.choice(v.COMPOUND_SURNAMES) if rng.random() < 0.05 else rng.choice(v.SURNAMES)
        return surname + "".join(rng.choice(v.GIVEN_CHARS) for _ in range(rng.randint(1, 2)))

    def _english_name(self) -> str:
        return f"{self.rng.choice(v.ENGLISH_FIRST)} {self.rng.choice(v.ENGLISH_LAST)}"

    def _email(self, name: str) -> str:
        rng = self.rng
        local = name.lower().replace(" ", ".") if name.isascii() else f"user{rng.randrange(10**6)}"
        return f"{local}{rng.randrange(100)}@{rng.choice(v.EMAIL_DOMAINS)}"

    def _id_number(self, district: tuple[str, str, str, int]) -> str:
        first = dt.date(district[3], 1, 1)
        birth = first + dt.timedelta(days=self.rng.randrange((_LAST_BIRTH - first).days))
        first17 = f"{district[0]}{birth:%Y%m%d}{self.rng.randrange(1000):03d}"
        return first17 + id_check_character(first17)

    def _address(self, district: tuple[str, str, str, int]) -> str:
        rng = self.rng
        _code, city, area, _since = district
        return (
            f"{city}{area}{rng.choice(v.STREETS)}{rng.randint(1, 999)}号"
            f"{rng.randint(1, 30)}栋{rng.randint(1, 32)}{rng.randint(1, 9):02d}室"
        )
