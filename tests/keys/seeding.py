"""Seeding a small populated tenant for key-management tests."""

from __future__ import annotations

import dataclasses

from anxin.contact.schemas import CloseRequest, ConversationCreate, MessageIn, TicketCreate


@dataclasses.dataclass
class Seeded:
    phones: list[str]
    customer_ids: list[str]
    conversation_ids: list[str]


def seed(world, count: int = 6, *, offset: int = 0) -> Seeded:
    """`count` customers of acme, each with a closed conversation (3 messages, a summary) and a
    ticket, made through the real services."""
    contact = world.contact()
    gateway, agent = world.acme.gateway, world.acme.users["agent"]
    db = world.runtime.db
    phones, customers, conversations = [], [], []
    for i in range(offset, offset + count):
        phone = f"1390000{i:04d}"
        request = ConversationCreate.model_validate(
            {
                "phone": phone,
                "channel": "chat",
                "agent": "agent",
                "customer": {"name": f"客户{i}", "email": f"c{i}@example.com"},
            }
        )
        with db.unit_of_work(tenant_id=world.acme.id) as session:
            conversation = contact.create_conversation(session, principal=gateway, request=request)
            contact.append_messages(
                session,
                principal=gateway,
                conversation_id=conversation.id,
                messages=[
                    MessageIn(speaker="customer", text=f"第{n}条消息 {phone}") for n in range(3)
                ],
                idempotency_key=f"seed-{i}",
            )
        with db.unit_of_work(tenant_id=world.acme.id) as session:
            contact.create_ticket(
                session,
                principal=agent,
                conversation_id=conversation.id,
                request=TicketCreate(subject=f"退款 {i}"),
            )
        with db.unit_of_work(tenant_id=world.acme.id) as session:
            contact.close(
                session,
                principal=gateway,
                conversation_id=conversation.id,
                request=CloseRequest(
                    disposition="resolved", satisfaction=5, resolution_summary=f"已处理 {i}"
                ),
            )
        phones.append(phone)
        customers.append(conversation.customer_id)
        conversations.append(conversation.id)
    return Seeded(phones, customers, conversations)
