"""Contact use cases against real stores (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from anxin.access.errors import AccessDenied
from anxin.audit.models import AuditEvent
from anxin.contact.errors import (
    ConversationClosed,
    ConversationNotFound,
    CustomerNotFound,
    IdempotencyKeyReused,
    InvalidTransition,
)
from anxin.contact.models import Customer, Message
from anxin.contact.schemas import CloseRequest, ConversationCreate, CustomerDetails, MessageIn
from anxin.contact.service import NewCustomer
from anxin.kernel.principal import Principal, system_principal
from anxin.pii.errors import InvalidPhoneNumber

PHONE_FORMS = [
    "+86 138 1234 5678",
    "138-1234-5678",
    "13812345678",
    "0086 13812345678",
    "＋８６ １３８１２３４５６７８",
    "(+86) 138.1234.5678",
]


def _create(
    world,
    principal: Principal,
    phone: str = "13812345678",
    agent: str | None = None,
    **extra: object,
):
    request = ConversationCreate.model_validate(
        {"phone": phone, "channel": "voice", "dialed_number": "95588", "agent": agent, **extra}
    )
    with world.runtime.db.unit_of_work(tenant_id=principal.tenant_id) as session:
        return world.contact().create_conversation(session, principal=principal, request=request)


def _append(world, principal: Principal, conversation_id: str, texts: list[str], key: str):
    messages = [MessageIn(speaker="customer", text=t) for t in texts]
    with world.runtime.db.unit_of_work(tenant_id=principal.tenant_id) as session:
        return world.contact().append_messages(
            session,
            principal=principal,
            conversation_id=conversation_id,
            messages=messages,
            idempotency_key=key,
        )


def _count(world, tenant_id: str | None, model: type) -> int:
    with world.runtime.db.unit_of_work(tenant_id=tenant_id) as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


@pytest.mark.parametrize("form", PHONE_FORMS)
def test_every_written_form_of_a_number_finds_the_same_customer(world, form: str) -> None:
    gateway = world.acme.gateway
    first = _create(world, gateway, phone="13812345678")
    again = _create(world, gateway, phone=form)
    assert again.customer_id == first.customer_id
    with world.runtime.db.unit_of_work(tenant_id=world.acme.id) as session:
        history = world.contact().lookup_by_phone(
            session, principal=world.acme.users["agent"], phone=form
        )
    assert history.customer.id == first.customer_id
    assert history.customer.phones == ["138****5678"]
    assert [c.id for c in history.conversations] == [again.id, first.id]


def test_history_is_newest_first_across_days(world, clock) -> None:
    ids = []
    for _ in range(3):
        ids.append(_create(world, world.acme.gateway).id)
        clock.advance(dt.timedelta(days=1))
    with world.runtime.db.unit_of_work(tenant_id=world.acme.id) as session:
        history = world.contact().lookup_by_phone(
            session, principal=world.acme.users["agent"], phone="138 1234 5678", limit=2
        )
    assert [c.id for c in history.conversations] == [ids[2], ids[1]]


def test_lookup_of_unknown_number_is_not_found_and_audited(world) -> None:
    agent = world.acme.users["agent"]
    with (
        pytest.raises(CustomerNotFound),
        world.runtime.db.unit_of_work(tenant_id=world.acme.id) as session,
    ):
        world.contact().lookup_by_phone(session, principal=agent, phone="13900001111")
    # The failed lookup's audit event rolled back with its transaction: the edge records
    # refusals only; a plain miss leaves nothing, and nothing half-written.
    with world.runtime.db.unit_of_work(tenant_id=world.acme.id) as session:
        actions = session.scalars(select(AuditEvent.action)).all()
    assert "contact:customer:lookup" not in actions


def test_invalid_phone_is_refused_and_nothing_is_stored(world) -> None:
    before = _count(world, world.acme.id, Customer)
    with pytest.raises(InvalidPhoneNumber):
        _create(world, world.acme.gateway, phone="12345")
    assert _count(world, world.acme.id, Customer) == before


def test_a_tenant_never_sees_another_tenants_customer(world) -> None:
    _create(world, world.acme.gateway, phone="13812345678")
    with (
        pytest.raises(CustomerNotFound),
        world.runtime.db.unit_of_work(tenant_id=world.globex.id) as session,
    ):
        world.contact().lookup_by_phone(
            session, principal=world.globex.users["agent"], phone="13812345678"
        )


def test_same_number_in_two_tenants_makes_two_customers(world) -> None:
    a = _create(world, world.acme.gateway)
    b = _create(world, world.globex.gateway)
    assert a.customer_id != b.customer_id


def test_append_is_idempotent_and_a_reused_key_with_another_body_is_refused(world) -> None:
    conversation = _create(world, world.acme.gateway)
    first = _append(world, world.acme.gateway, conversation.id, ["你好", "我的卡丢了"], "k-1")
    retry = _append(world, world.acme.gateway, conversation.id, ["你好", "我的卡丢了"], "k-1")
    assert (first.first_seq, first.last_seq, first.replayed) == (1, 2, False)
    assert (retry.first_seq, retry.last_seq, retry.replayed) == (1, 2, True)
    with pytest.raises(IdempotencyKeyReused):
        _append(world, world.acme.gateway, conversation.id, ["something else"], "k-1")
    assert _count(world, world.acme.id, Message) == 2
    nxt = _append(world, world.acme.gateway, conversation.id, ["third"], "k-2")
    assert (nxt.first_seq, nxt.last_seq) == (3, 3)


def test_messages_are_stored_sealed_and_read_back_by_the_assigned_agent(world) -> None:
    conversation = _create(world, world.acme.gateway, agent="agent")
    _append(world, world.acme.gateway, conversation.id, ["我的手机号是13812345678"], "k")
    with world.runtime.db.unit_of_work(tenant_id=world.acme.id) as session:
        blob = session.scalars(select(Message.text_ct)).one()
        page = world.contact().read_messages(
            session, principal=world.acme.users["agent"], conversation_id=conversation.id
        )
    assert b"13812345678" not in blob
    assert [m.text for m in page.messages] == ["我的手机号是138****5678"]  # masked for an agent


def test_an_agent_reads_only_their_current_conversation(world) -> None:
    conversation = _create(world, world.acme.gateway, agent="agent")
    db = world.runtime.db
    for name in ("agent2", "intern", "supervisor", "admin", "auditor"):
        with pytest.raises(AccessDenied), db.unit_of_work(tenant_id=world.acme.id) as session:
            world.contact().get_conversation(
                session, principal=world.acme.users[name], conversation_id=conversation.id
            )
    with db.unit_of_work(tenant_id=world.acme.id) as session:
        world.contact().close(
            session,
            principal=world.acme.gateway,
            conversation_id=conversation.id,
            request=CloseRequest(disposition="resolved", satisfaction=5),
        )
    with pytest.raises(AccessDenied), db.unit_of_work(tenant_id=world.acme.id) as session:
        world.contact().get_conversation(
            session, principal=world.acme.users["agent"], conversation_id=conversation.id
        )


def test_another_tenants_conversation_id_is_not_found(world) -> None:
    conversation = _create(world, world.acme.gateway, agent="agent")
    with (
        pytest.raises(ConversationNotFound),
        world.runtime.db.unit_of_work(tenant_id=world.globex.id) as session,
    ):
        world.contact().get_conversation(
            session, principal=world.globex.users["agent"], conversation_id=conversation.id
        )


def test_status_machine_and_timestamps(world, clock) -> None:
    conversation = _create(world, world.acme.gateway)
    assert conversation.status == "queued"
    db, contact = world.runtime.db, world.contact()
    with db.unit_of_work(tenant_id=world.acme.id) as session, pytest.raises(InvalidTransition):
        contact.wrap_up(session, principal=world.acme.gateway, conversation_id=conversation.id)
    clock.advance(dt.timedelta(minutes=1))
    with db.unit_of_work(tenant_id=world.acme.id) as session:
        active = contact.assign(
            session, principal=world.acme.gateway, conversation_id=conversation.id, agent="agent"
        )
    clock.advance(dt.timedelta(minutes=5))
    with db.unit_of_work(tenant_id=world.acme.id) as session:
        wrapped = contact.wrap_up(
            session, principal=world.acme.users["agent"], conversation_id=conversation.id
        )
    with db.unit_of_work(tenant_id=world.acme.id) as session:
        closed = contact.close(
            session,
            principal=world.acme.users["agent"],
            conversation_id=conversation.id,
            request=CloseRequest(
                disposition="resolved", satisfaction=4, resolution_summary="补发新卡"
            ),
        )
    assert (active.status, wrapped.status, closed.status) == ("active", "wrap_up", "closed")
    assert active.active_at is not None
    assert wrapped.wrap_up_at is not None
    assert wrapped.wrap_up_at - active.active_at == dt.timedelta(minutes=5)
    assert closed.resolution_summary == "补发新卡"
    assert closed.satisfaction == 4
    with pytest.raises(ConversationClosed):
        _append(world, world.acme.gateway, conversation.id, ["late"], "late")
    with db.unit_of_work(tenant_id=world.acme.id) as session, pytest.raises(InvalidTransition):
        contact.assign(
            session, principal=world.acme.gateway, conversation_id=conversation.id, agent="agent"
        )


def test_every_read_and_write_is_audited_with_fields_and_no_values(world) -> None:
    conversation = _create(
        world,
        world.acme.gateway,
        agent="agent",
        customer=CustomerDetails(name="王小明", email="wxm@example.com").model_dump(),
    )
    with world.runtime.db.unit_of_work(tenant_id=world.acme.id) as session:
        world.contact().conversation_customer(
            session, principal=world.acme.users["agent"], conversation_id=conversation.id
        )
    with world.runtime.db.unit_of_work(tenant_id=world.acme.id) as session:
        events = session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    read = [e for e in events if e.action == "contact:customer:read"]
    assert len(read) == 1
    assert read[0].actor_id == world.acme.users["agent"].actor_id
    assert "customer.email" in read[0].fields
    assert "customer.name" in read[0].fields
    dump = repr([(e.fields, e.detail) for e in events])
    assert "wxm@example.com" not in dump
    assert "13812345678" not in dump
    assert {"contact:customer:create", "contact:conversation:create"} <= {e.action for e in events}


def test_imported_customer_is_found_by_any_of_its_numbers_and_shown_masked(world) -> None:
    system = system_principal(world.acme.id)
    item = NewCustomer(
        phones=["13812345678", "+86 139 8765 4321"],
        name="欧阳娜娜",
        email="Nana.OY@Example.com",
        id_number="11010519491231002x",
        address="北京市朝阳区建国路88号",
    )
    with world.runtime.db.unit_of_work(tenant_id=world.acme.id) as session:
        (customer_id,) = world.contact().import_customers(
            session, principal=system, customers=[item]
        )
    with world.runtime.db.unit_of_work(tenant_id=world.acme.id) as session:
        history = world.contact().lookup_by_phone(
            session, principal=world.acme.users["agent"], phone="139-8765-4321"
        )
        row = session.get(Customer, customer_id)
    assert history.customer.id == customer_id
    assert history.customer.model_dump(exclude={"id", "created_at"}) == {
        "name": "欧阳娜娜",  # the default policy: agents greet the customer by name
        "phones": ["138****5678", "139****4321"],
        "email": "n***@example.com",
        "id_number": "110105********002X",
        "address": "北京市朝阳区****",
    }
    assert row is not None
    assert row.email_ct is not None
    assert b"example" not in row.email_ct.lower()
