"""Deterministic synthetic customers and conversations for demos, tests and benchmarks.

Demos and benchmarks must be repeatable, so everything is drawn from one `random.Random(seed)`:
no global random state and no clock, and the same seed yields the same sequence of customers
and conversations. The personal data is shaped like the real thing (valid mobile prefixes,
resident IDs with real area codes and a correct GB 11643 check character, Luhn-valid card
numbers, phone numbers written the ways callers say them) so the masking, detection and
blind-index paths get exercised as they would in production.

Phone numbers are unique by construction rather than by luck: the n-th number issued goes to
prefix lane n mod P, and within a lane the subscriber digits are an affine permutation
(stride coprime with 10**8, per-seed offset) of the lane's counter. No two customers of one
faker share a number until P * 10**8 numbers have been issued; then it refuses to go on.

`customers()` is on the hot path of bulk seeding and benchmarks, so customer generation indexes
tables with `random()` rather than `choice()` and computes the ID check character itself.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import operator
import random
import string
from collections.abc import Iterator, Sequence
from typing import TypeVar

from anxin.demo import vocabulary as v

_T = TypeVar("_T")

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_FIRST_BIRTH = dt.date(1950, 1, 1)
_LAST_BIRTH = dt.date(2005, 12, 31)
_SUBSCRIBERS = 10**8

_ENGLISH_CUSTOMERS = 0.15
_ENGLISH_CONVERSATIONS = 0.05  # Chinese-speaking customers who write or talk in English
_SECOND_PHONE = 0.2
_EMAIL = 0.7
_ID_ZH = 0.85
_ID_EN = 0.1  # most English-named customers are foreigners without a resident ID
_ID_ELSEWHERE = 0.3  # resident IDs name where one was registered, not where one lives now
_TWO_CHAR_GIVEN = 0.7
_COMPOUND_SURNAME = 0.03
_OUTBOUND = 0.1
_SYSTEM_NOTICE = 0.4
_NO_RATING = 0.3
_MIN_TURNS, _MAX_TURNS = 4, 12
_LIVE_GAP_MS = (1_500, 25_000)
_EMAIL_GAP_MS = (10 * 60_000, 8 * 3_600_000)  # 11 gaps stay under the API's 7-day offset cap
_MAX_AGE_DAYS = 720


@dataclasses.dataclass(frozen=True, slots=True)
class FakeCustomer:
    locale: str  # "zh" | "en"
    name: str
    phones: tuple[str, ...]  # 11-digit mainland mobile numbers; the first is unique per faker
    email: str | None
    id_number: str | None  # 18-character PRC resident ID
    address: str


@dataclasses.dataclass(frozen=True, slots=True)
class FakeMessage:
    speaker: str  # "customer" | "agent" | "system"
    text: str
    offset_ms: int  # strictly increasing within a conversation


@dataclasses.dataclass(frozen=True, slots=True)
class FakeConversation:
    channel: str  # "voice" | "chat" | "email"
    direction: str  # "inbound" | "outbound"
    dialed_number: str
    queue: str
    messages: tuple[FakeMessage, ...]
    satisfaction: int | None  # 1-5
    disposition: str
    resolution_summary: str
    age_days: int


@dataclasses.dataclass(frozen=True, slots=True)
class _Template:
    text: str
    fields: tuple[str, ...]


def id_check_character(first17: str) -> str:
    """The GB 11643-1999 (ISO 7064 MOD 11-2) check character of a resident ID's first 17 digits."""
    return _ID_CHECK[sum(map(operator.mul, map(int, first17), _ID_WEIGHTS)) % 11]


def luhn_check_digit(body: str) -> str:
    """The Luhn digit that makes `body` + digit a valid card number."""
    total = 0
    for position, char in enumerate(reversed(body)):
        digit = int(char)
        if position % 2 == 0:  # doubled: these become the even positions once the digit is added
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return str(-total % 10)


def luhn_complete(body: str) -> str:
    """`body` with its Luhn check digit appended."""
    return body + luhn_check_digit(body)


def _birth_range(district: v.District) -> tuple[int, int]:
    """Ordinals of the first and last birth date an ID with this area code may carry."""
    first = max(_FIRST_BIRTH, dt.date(district.since, 1, 1))
    return first.toordinal(), _LAST_BIRTH.toordinal()


_BIRTH_RANGES = tuple(_birth_range(d) for d in v.DISTRICTS)
_PLACES = tuple(d.place for d in v.DISTRICTS)


@functools.cache
def _detail_templates(language: str, *, has_email: bool, has_id: bool) -> tuple[_Template, ...]:
    """The customer lines of `language` whose slots a customer with these details can fill."""
    missing = {name for name, known in (("email", has_email), ("id_number", has_id)) if not known}
    templates = []
    for text in v.PHRASEBOOKS[language].customer_details:
        fields = tuple(field for _, field, _, _ in string.Formatter().parse(text) if field)
        if not missing.intersection(fields):
            templates.append(_Template(text, fields))
    return tuple(templates)


class DemoFaker:
    """Customers and conversations from one seeded RNG; the same seed gives the same sequence."""

    def __init__(self, seed: int = 0) -> None:
        self._rng = random.Random(seed)
        self._random = self._rng.random
        prefixes = list(v.MOBILE_PREFIXES)
        self._rng.shuffle(prefixes)
        self._prefixes = tuple(prefixes)
        self._lanes = tuple((self._stride(), self._rng.randrange(_SUBSCRIBERS)) for _ in prefixes)
        self._issued = 0

    # -- public API ------------------------------------------------------------------------------

    def customer(self) -> FakeCustomer:
        r = self._random
        english = r() < _ENGLISH_CUSTOMERS
        name, given, family = self._english_name() if english else self._chinese_name()
        phones: tuple[str, ...] = (self._next_mobile(),)
        if r() < _SECOND_PHONE:
            phones += (self._next_mobile(),)
        home = int(r() * len(v.DISTRICTS))
        return FakeCustomer(
            locale="en" if english else "zh",
            name=name,
            phones=phones,
            email=self._email(given, family) if r() < _EMAIL else None,
            id_number=self._id_number(home) if r() < (_ID_EN if english else _ID_ZH) else None,
            address=self._address(home),
        )

    def customers(self, count: int) -> Iterator[FakeCustomer]:
        for _ in range(count):
            yield self.customer()

    def agent_name(self) -> str:
        return self._chinese_name()[0]

    def conversation(self, customer: FakeCustomer) -> FakeConversation:
        rng = self._rng
        english = customer.locale == "en" or self._random() < _ENGLISH_CONVERSATIONS
        language = "en" if english else "zh"
        channel = self._pick(v.CHANNELS)
        queue = rng.choices(v.QUEUES, weights=v.QUEUE_WEIGHTS)[0]
        disposition = rng.choices(v.DISPOSITIONS, weights=v.DISPOSITION_WEIGHTS)[0]
        return FakeConversation(
            channel=channel,
            direction="outbound" if self._random() < _OUTBOUND else "inbound",
            dialed_number=self._pick(v.SERVICE_NUMBERS),
            queue=queue,
            messages=self._messages(customer, language, channel, queue),
            satisfaction=self._satisfaction(disposition),
            disposition=disposition,
            resolution_summary=self._summary(language, queue, disposition),
            age_days=rng.randint(0, _MAX_AGE_DAYS),
        )

    # -- people ----------------------------------------------------------------------------------

    def _pick(self, items: Sequence[_T]) -> _T:
        return items[int(self._random() * len(items))]

    def _chinese_name(self) -> tuple[str, str, str]:
        """(name, given-name pinyin, surname pinyin); common surnames come up more often."""
        r = self._random
        if r() < _COMPOUND_SURNAME:
            surname = self._pick(v.COMPOUND_SURNAMES)
            family = v.COMPOUND_SURNAME_PINYIN[surname]
        else:
            surname = v.SURNAMES[int(r() ** 2 * len(v.SURNAMES))]
            family = v.SURNAME_PINYIN[surname]
        given = self._pick(v.GIVEN_CHARS)
        if r() < _TWO_CHAR_GIVEN:
            given += self._pick(v.GIVEN_CHARS)
        return surname + given, "".join(v.GIVEN_PINYIN[c] for c in given), family

    def _english_name(self) -> tuple[str, str, str]:
        given, family = self._pick(v.ENGLISH_FIRST), self._pick(v.ENGLISH_LAST)
        return f"{given} {family}", given.lower(), family.lower()

    def _email(self, given: str, family: str) -> str:
        r = self._random
        style = int(r() * 4)
        if style == 0:
            local = f"{family}{given}"
        elif style == 1:
            local = f"{given}.{family}"
        elif style == 2:
            local = f"{given[0]}{family}"
        else:
            local = f"{family}.{given}"
        suffix = str(int(r() * 100)) if r() < 0.6 else ""
        return f"{local}{suffix}@{self._pick(v.EMAIL_DOMAINS)}"

    def _id_number(self, home: int) -> str:
        r = self._random
        district = home if r() >= _ID_ELSEWHERE else int(r() * len(v.DISTRICTS))
        low, high = _BIRTH_RANGES[district]
        born = dt.date.fromordinal(low + int(r() * (high - low + 1)))
        sequence = 1 + int(r() * 999)  # odd for men, even for women
        first17 = (
            f"{v.DISTRICTS[district].code}{born.year:04d}{born.month:02d}{born.day:02d}"
            f"{sequence:03d}"
        )
        return first17 + id_check_character(first17)

    def _address(self, home: int) -> str:
        r = self._random
        number = 1 + int(r() * 999)
        building = 1 + int(r() * 30)
        floor = 1 + int(r() * 32)
        room = 1 + int(r() * 6)
        return (
            f"{_PLACES[home]}{self._pick(v.STREETS)}{number}号"
            f"{self._pick(v.COMMUNITIES)}{building}栋{floor}{room:02d}室"
        )

    # -- phone numbers ---------------------------------------------------------------------------

    def _stride(self) -> int:
        """A multiplier coprime with 10**8 (odd, no factor 5), so a lane's numbers never repeat."""
        stride = self._rng.randrange(_SUBSCRIBERS // 10, _SUBSCRIBERS) | 1
        return stride + 2 if stride % 5 == 0 else stride

    def _next_mobile(self) -> str:
        block, lane = divmod(self._issued, len(self._prefixes))
        if block >= _SUBSCRIBERS:
            raise OverflowError("every mobile number of every prefix has been issued")
        self._issued += 1
        stride, offset = self._lanes[lane]
        return f"{self._prefixes[lane]}{(block * stride + offset) % _SUBSCRIBERS:08d}"

    def _written_phone(self, digits: str) -> str:
        """A mobile number as customers type or say it: 138-1234-5678, +86 138 1234 5678, ..."""
        head, middle, tail = digits[:3], digits[3:7], digits[7:]
        style = int(self._random() * 5)
        if style == 0:
            return f"{head}-{middle}-{tail}"
        if style == 1:
            return f"+86 {head} {middle} {tail}"
        if style == 2:
            return f"{head} {middle} {tail}"
        if style == 3:
            return f"+86{digits}"
        return digits

    # -- conversations ---------------------------------------------------------------------------

    def _messages(
        self, customer: FakeCustomer, language: str, channel: str, queue: str
    ) -> tuple[FakeMessage, ...]:
        book = v.PHRASEBOOKS[language]
        count = self._rng.randint(_MIN_TURNS, _MAX_TURNS)
        lines: list[tuple[str, str]] = []
        if self._random() < _SYSTEM_NOTICE:
            lines.append(("system", self._system_notice(language, channel, queue)))
        lines.append(("agent", self._greeting(language)))
        lines.append(("customer", self._pick(book.openers[queue])))
        while len(lines) < count - 1:
            if lines[-1][0] == "customer":
                reply = self._pick(book.agent_replies).format(last4=customer.phones[0][-4:])
                lines.append(("agent", reply))
            else:
                lines.append(("customer", self._customer_detail(customer, language)))
        if lines[-1][0] == "customer":
            lines.append(("agent", self._pick(book.agent_closings)))
        else:
            lines.append(("customer", self._pick(book.customer_closings)))
        return self._timed(lines, channel)

    def _system_notice(self, language: str, channel: str, queue: str) -> str:
        book = v.PHRASEBOOKS[language]
        if channel == "voice" and self._random() < 0.5:
            return book.recording_notice
        return self._pick(book.system).format(queue=book.queue_labels[queue])

    def _greeting(self, language: str) -> str:
        badge = str(1000 + int(self._random() * 9000))
        template = self._pick(v.PHRASEBOOKS[language].greetings)
        return template.format(agent=self.agent_name(), badge=badge)

    def _customer_detail(self, customer: FakeCustomer, language: str) -> str:
        template = self._pick(
            _detail_templates(
                language,
                has_email=customer.email is not None,
                has_id=customer.id_number is not None,
            )
        )
        return template.text.format_map({f: self._slot(f, customer) for f in template.fields})

    def _slot(self, field: str, customer: FakeCustomer) -> str:
        if field == "phone":
            return self._written_phone(self._pick(customer.phones))
        if field == "unionpay":
            return self._card("62", self._rng.randint(16, 19))
        if field == "visa":
            return self._card("4", 16)
        known = {
            "name": customer.name,
            "address": customer.address,
            "email": customer.email,
            "id_number": customer.id_number,
        }
        value = known[field]
        if value is None:
            raise ValueError(f"this customer has no {field} to mention")
        return value

    def _card(self, prefix: str, length: int) -> str:
        width = length - len(prefix) - 1
        return luhn_complete(f"{prefix}{self._rng.randrange(10**width):0{width}d}")

    def _timed(self, lines: list[tuple[str, str]], channel: str) -> tuple[FakeMessage, ...]:
        low, high = _EMAIL_GAP_MS if channel == "email" else _LIVE_GAP_MS
        offset = self._rng.randint(0, 3_000)
        messages = []
        for speaker, text in lines:
            messages.append(FakeMessage(speaker, text, offset))
            offset += self._rng.randint(low, high)
        return tuple(messages)

    def _satisfaction(self, disposition: str) -> int | None:
        if disposition == "abandoned" or self._random() < _NO_RATING:
            return None
        return self._pick(v.SATISFACTION_SCORES)

    def _summary(self, language: str, queue: str, disposition: str) -> str:
        book = v.PHRASEBOOKS[language]
        if disposition == "resolved":
            return self._pick(book.resolved[queue])
        elsewhere = self._pick([q for q in v.QUEUES if q != queue])
        return self._pick(book.outcomes[disposition]).format(queue=book.queue_labels[elsewhere])
