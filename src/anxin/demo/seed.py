"""Seeding a demo tenant through the real services, so the demo exercises what production runs.

Everything goes through the same use cases as the API (tenancy, identity, contact), with their
encryption, blind indexes and audit events; only the clock is moved so the history has depth.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import random
from collections.abc import Callable, Iterator

from anxin.contact.schemas import CloseRequest, ConversationCreate, MessageIn
from anxin.contact.service import ContactService, NewCustomer
from anxin.crypto.keyring import Keyring
from anxin.db.database import Database
from anxin.demo.fake import DemoFaker, FakeConversation, FakeCustomer
from anxin.identity import service as identity_service
from anxin.kernel.clock import Clock, FrozenClock
from anxin.kernel.principal import STAFF_ROLES, Principal, operator_principal, system_principal
from anxin.tenancy import service as tenancy_service

DEMO_TENANT = "demo"
DEMO_REGION = "cn-east"
BATCH = 1_000
Progress = Callable[[int], None]


@dataclasses.dataclass(frozen=True, slots=True)
class DemoCredentials:
    tenant: str
    users: dict[str, tuple[str, str]] = dataclasses.field(repr=False)
    gateway_api_key: str = dataclasses.field(repr=False)


@dataclasses.dataclass(frozen=True, slots=True)
class DemoPlan:
    customers: int = 200
    conversations_for: int = 200  # how many customers get a past conversation history
    open_for_agent: int = 3
    seed: int = 7


def create_demo_tenant(
    db: Database, *, keyring: Keyring, clock: Clock, name: str = DEMO_TENANT
) -> DemoCredentials:
    """A tenant with one user per staff role and one gateway; returns their secrets once."""
    with db.unit_of_work(tenant_id=None) as session:
        tenant = tenancy_service.add_tenant(
            session,
            principal=operator_principal("demo"),
            keyring=keyring,
            clock=clock,
            name=name,
            region=DEMO_REGION,
        )
    seeder = system_principal(tenant.id, name="demo")
    users: dict[str, tuple[str, str]] = {}
    with db.unit_of_work(tenant_id=tenant.id) as session:
        for role in sorted(STAFF_ROLES):
            username = f"demo.{role.value.replace('_', '-')}"
            _user, password = identity_service.add_user(
                session,
                principal=seeder,
                clock=clock,
                username=username,
                role=role.value,
            )
            users[role.value] = (username, password)
        _gateway, key = identity_service.add_gateway(
            session, principal=seeder, clock=clock, name="demo-gateway"
        )
    return DemoCredentials(tenant=name, users=users, gateway_api_key=key)


def seed_contacts(
    db: Database,
    *,
    keyring: Keyring,
    clock: Clock,
    tenant_id: str,
    agent_username: str,
    plan: DemoPlan,
    progress: Progress | None = None,
) -> None:
    """Customers in bulk, then past conversations for some, then open ones for the agent."""
    faker = DemoFaker(seed=plan.seed)
    principal = system_principal(tenant_id, name="demo")
    tick = progress or (lambda _n: None)
    people = list(faker.customers(plan.customers))
    for batch in _batches(people, BATCH):
        with db.unit_of_work(tenant_id=tenant_id) as session:
            ContactService(keyring=keyring, clock=clock).import_customers(
                session, principal=principal, customers=[_new_customer(p) for p in batch]
            )
        tick(len(batch))
    now = clock.now()
    visits = random.Random(plan.seed)
    for person in people[: plan.conversations_for]:
        for _ in range(visits.randint(1, 3)):
            _replay_conversation(db, keyring, principal, person, faker, now, closed=True)
    for person in people[: plan.open_for_agent]:
        _replay_conversation(
            db, keyring, principal, person, faker, now, closed=False, agent=agent_username
        )


def _replay_conversation(
    db: Database,
    keyring: Keyring,
    principal: Principal,
    person: FakeCustomer,
    faker: DemoFaker,
    now: dt.datetime,
    *,
    closed: bool,
    agent: str | None = None,
) -> None:
    fake = faker.conversation(person)
    kind = "segment" if fake.channel == "voice" else "message"
    started = now - dt.timedelta(days=fake.age_days if closed else 0, minutes=30)
    service = ContactService(keyring=keyring, clock=FrozenClock(started))
    with db.unit_of_work(tenant_id=principal.tenant_id) as session:
        conversation = service.create_conversation(
            session, principal=principal, request=_create_request(person, fake, agent)
        )
        service.append_messages(
            session,
            principal=principal,
            conversation_id=conversation.id,
            messages=[
                MessageIn.model_validate(
                    {"speaker": m.speaker, "text": m.text, "offset_ms": m.offset_ms, "kind": kind}
                )
                for m in fake.messages
            ],
            idempotency_key=f"demo-{conversation.id}",
        )
        if closed:
            service.close(
                session,
                principal=principal,
                conversation_id=conversation.id,
                request=CloseRequest.model_validate(
                    {
                        "disposition": fake.disposition,
                        "satisfaction": fake.satisfaction,
                        "resolution_summary": fake.resolution_summary,
                    }
                ),
            )


def _create_request(
    person: FakeCustomer, fake: FakeConversation, agent: str | None
) -> ConversationCreate:
    return ConversationCreate.model_validate(
        {
            "phone": person.phones[0],
            "channel": fake.channel,
            "direction": fake.direction,
            "dialed_number": fake.dialed_number,
            "queue": fake.queue,
            "agent": agent,
        }
    )


def _new_customer(person: FakeCustomer) -> NewCustomer:
    return NewCustomer(
        phones=person.phones,
        name=person.name,
        email=person.email,
        id_number=person.id_number,
        address=person.address,
    )


def _batches(items: list[FakeCustomer], size: int) -> Iterator[list[FakeCustomer]]:
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch
