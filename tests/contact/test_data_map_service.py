"""The data map counts stored personal data by class and table, reads no value, and is audited."""

from __future__ import annotations

import functools
import json

import pytest
from sqlalchemy import select

from anxin.access.errors import AccessDenied
from anxin.audit.models import AuditEvent
from anxin.contact.data_map import data_map
from anxin.contact.erasure import erase_customer
from anxin.contact.schemas import ConversationCreate, CustomerDetails, MessageIn, TicketCreate
from anxin.contact.service import ContactService
from anxin.pii.tenant_recognizers import load_tenant_recognizers

PHONE = "13912345678"
ID_NUMBER = "440106196403030005"
NAME = "王小明"
TEXT = f"我的手机{PHONE}，身份证{ID_NUMBER}"


def _ingest(world, phone: str = "13900001111"):
    rt, acme = world.runtime, world.acme
    request = ConversationCreate(
        phone=phone,
        channel="chat",
        agent="agent",
        customer=CustomerDetails(name=NAME, id_number=ID_NUMBER),
    )
    with rt.db.unit_of_work(tenant_id=acme.id) as session:
        conversation = world.contact().create_conversation(
            session, principal=acme.gateway, request=request
        )
    with rt.db.unit_of_work(tenant_id=acme.id) as session:
        world.contact().append_messages(
            session,
            principal=acme.gateway,
            conversation_id=conversation.id,
            messages=[MessageIn(speaker="customer", text=t) for t in (TEXT, "谢谢")],
            idempotency_key=f"k-{phone}",
        )
        world.contact().create_ticket(
            session,
            principal=acme.users["agent"],
            conversation_id=conversation.id,
            request=TicketCreate(subject="退款"),
        )
    return conversation


def _map(world, tenant=None):
    tenant = tenant or world.acme
    with world.runtime.db.unit_of_work(tenant_id=tenant.id) as session:
        rows = data_map(
            session, clock=world.runtime.clock, principal=tenant.users["privacy_officer"]
        )
    return {(r.table, r.column, r.data_class, r.pii_types): r for r in rows}


def test_counts_per_table_and_class_without_values(world) -> None:
    _ingest(world)
    rows = _map(world)
    count = {key: r.rows_with_value for key, r in rows.items()}
    assert count[("customers", "name_ct", "identity", ())] == 1
    assert count[("customers", "phones_ct", "contact", ())] == 1
    assert count[("customers", "email_ct", "contact", ())] == 0
    assert count[("customers", "id_number_ct", "government_id", ())] == 1
    assert count[("customers", "address_ct", "location", ())] == 0
    assert count[("messages", "text_ct", "free_text", ())] == 2
    assert count[("messages", "text_redacted", "free_text", ())] == 2
    assert count[("messages", "text_ct", "contact", ("CN_MOBILE",))] == 1
    assert count[("messages", "text_ct", "government_id", ("CN_ID",))] == 1
    assert count[("message_entities", "type", "government_id", ("CN_ID",))] == 1
    assert count[("tickets", "subject_ct", "free_text", ())] == 1
    assert count[("conversations", "resolution_summary_ct", "free_text", ())] == 0
    index_keys = len(world.runtime.keyring.index_keys(tenant_id=world.acme.id))
    assert count[("customer_index", "digest (phone)", "contact", ())] == index_keys
    assert count[("customer_index", "digest (id_number)", "government_id", ())] == index_keys
    assert count[("message_index", "digest (id_number)", "government_id", ())] == index_keys
    government = rows[("customers", "id_number_ct", "government_id", ())]
    assert (government.sensitivity, government.pipl_sensitive) == (4, True)
    assert rows[("messages", "text_redacted", "free_text", ())].protection == (
        "redacted copy, plaintext"
    )
    dumped = json.dumps([r.as_json() for r in rows.values()], ensure_ascii=False)
    for value in (PHONE, ID_NUMBER, NAME, "13900001111", "退款"):
        assert value not in dumped


def test_erased_customers_hold_nothing_and_tenants_are_apart(world) -> None:
    conversation = _ingest(world)
    _ingest(world, phone="13700002222")
    rt = world.runtime
    with rt.db.unit_of_work(tenant_id=world.acme.id) as session:
        erase_customer(
            session,
            keyring=rt.keyring,
            clock=rt.clock,
            principal=world.acme.users["privacy_officer"],
            customer_id=conversation.customer_id,
        )
    count = {key: r.rows_with_value for key, r in _map(world).items()}
    assert count[("customers", "name_ct", "identity", ())] == 1
    assert count[("customers", "id_number_ct", "government_id", ())] == 1
    assert count[("messages", "text_ct", "free_text", ())] == 2
    assert count[("tickets", "subject_ct", "free_text", ())] == 1
    other = _map(world, world.globex)
    assert all(r.rows_with_value == 0 for r in other.values())


def test_the_map_is_audited_without_fields_and_needs_the_permission(world) -> None:
    _map(world)
    with world.runtime.db.unit_of_work(tenant_id=world.acme.id) as session:
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "contact:data_map:read")
        ).one()
    assert event.fields == []
    assert event.detail["tenant_id"] == world.acme.id
    assert event.detail["rows"] > 0
    with (
        pytest.raises(AccessDenied),
        world.runtime.db.unit_of_work(tenant_id=world.acme.id) as session,
    ):
        data_map(session, clock=world.runtime.clock, principal=world.acme.users["agent"])


def test_a_tenants_own_type_gets_its_class_and_a_forgotten_one_is_unclassified(
    world, tmp_path
) -> None:
    path = tmp_path / "recognizers.yaml"
    path.write_text(
        "version: 1\ntenants:\n  acme:\n"
        "    - {name: emp, type: EMPLOYEE_ID, class: identity, sensitivity: high,"
        " regex: 'E[0-9]{6}'}\n",
        encoding="utf-8",
    )
    recognizers = load_tenant_recognizers(path)
    contact = ContactService(
        keyring=world.runtime.keyring, clock=world.runtime.clock, recognizers=recognizers
    )
    acme = world.acme
    with world.runtime.db.unit_of_work(tenant_id=acme.id) as session:
        conversation = contact.create_conversation(
            session,
            principal=acme.gateway,
            request=ConversationCreate(phone="13900002222", channel="chat"),
        )
        contact.append_messages(
            session,
            principal=acme.gateway,
            conversation_id=conversation.id,
            messages=[MessageIn(speaker="customer", text="工号E123456")],
            idempotency_key="k-emp",
        )
    with world.runtime.db.unit_of_work(tenant_id=acme.id) as session:
        principal = acme.users["privacy_officer"]
        known = data_map(
            session,
            clock=world.runtime.clock,
            principal=principal,
            resolve=functools.partial(recognizers.resolve, (acme.id, acme.name)),
        )
        forgotten = data_map(session, clock=world.runtime.clock, principal=principal)
    row = next(r for r in known if r.pii_types == ("EMPLOYEE_ID",) and r.table == "messages")
    assert (row.data_class, row.sensitivity, row.rows_with_value) == ("identity", 3, 1)
    lost = next(r for r in forgotten if r.column == "type (EMPLOYEE_ID)")
    assert (lost.data_class, lost.sensitivity, lost.rows_with_value) == ("unclassified", None, 1)
