"""Erasing a customer: crypto-shredding first, then the rows.

The customer's data keys are destroyed in the keystore before anything else, and that commits on
its own: from then on every copy of the customer's ciphertext (this database, its replicas, its
backups, a `pg_dump` taken yesterday) is unreadable, whatever happens next. Then, in the caller's
unit of work, messages (with their entities and message-index entries), tickets and index
entries are deleted, conversation summaries emptied and the customer row tombstoned (kept,
without personal data, so conversation counts and satisfaction statistics still add up). If
that unit of work fails, running the erasure again finishes it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any, cast

from sqlalchemy import CursorResult, Result, Table, delete, select, update
from sqlalchemy.orm import Session

from anxin.access.permissions import Permission
from anxin.access.service import authorize
from anxin.audit import service as audit_service
from anxin.audit.actions import AuditAction
from anxin.contact.errors import CustomerNotFound
from anxin.contact.models import (
    Conversation,
    Customer,
    CustomerIndex,
    Message,
    MessageEntity,
    MessageIndex,
    Ticket,
)
from anxin.crypto.keyring import Keyring
from anxin.kernel.clock import Clock
from anxin.kernel.principal import Principal

CUSTOMERS = cast(Table, Customer.__table__)
CONVERSATIONS = cast(Table, Conversation.__table__)
SEALED_CUSTOMER_COLUMNS = ("name_ct", "phones_ct", "email_ct", "id_number_ct", "address_ct")


@dataclasses.dataclass(frozen=True, slots=True)
class ErasureReport:
    customer_id: str
    keys_destroyed: int
    messages_deleted: int
    tickets_deleted: int
    conversations_tombstoned: int


def erase_customer(
    session: Session, *, keyring: Keyring, clock: Clock, principal: Principal, customer_id: str
) -> ErasureReport:
    tenant_id = principal.tenant_id
    authorize(principal, Permission.CUSTOMER_ERASE, object_type="customer", object_id=customer_id)
    if tenant_id is None:
        raise CustomerNotFound()
    customer = session.get(Customer, customer_id, with_for_update=True, populate_existing=True)
    if customer is None or customer.erased_at is not None:
        raise CustomerNotFound()
    now = clock.now()
    destroyed = keyring.destroy_data_keys(tenant_id=tenant_id, owner_id=customer_id, now=now)
    conversation_ids = select(CONVERSATIONS.c.id).where(
        CONVERSATIONS.c.tenant_id == tenant_id, CONVERSATIONS.c.customer_id == customer_id
    )
    # Entities and message-index entries first: they name messages, and index entries would
    # otherwise still say which conversations mentioned the customer's numbers.
    for table in (MessageEntity, MessageIndex):
        session.execute(
            delete(table).where(
                table.tenant_id == tenant_id, table.conversation_id.in_(conversation_ids)
            )
        )
    messages = _count(
        session.execute(
            delete(Message).where(
                Message.tenant_id == tenant_id, Message.conversation_id.in_(conversation_ids)
            )
        )
    )
    tickets = _count(
        session.execute(
            delete(Ticket).where(Ticket.tenant_id == tenant_id, Ticket.customer_id == customer_id)
        )
    )
    conversations = _count(
        session.execute(
            update(Conversation)
            .where(Conversation.tenant_id == tenant_id, Conversation.customer_id == customer_id)
            .values(resolution_summary_ct=None)
        )
    )
    session.execute(
        delete(CustomerIndex).where(
            CustomerIndex.tenant_id == tenant_id, CustomerIndex.customer_id == customer_id
        )
    )
    for column in SEALED_CUSTOMER_COLUMNS:
        setattr(customer, column, None)
    customer.erased_at = now
    customer.updated_at = now
    report = ErasureReport(customer_id, destroyed, messages, tickets, conversations)
    _audit(session, principal, report, now)
    return report


def _count(result: Result[Any]) -> int:
    return int(cast(CursorResult[Any], result).rowcount)


def _audit(session: Session, principal: Principal, report: ErasureReport, now: dt.datetime) -> None:
    detail = dataclasses.asdict(report)
    del detail["customer_id"]
    for action in (AuditAction.KEY_DESTROY, AuditAction.CUSTOMER_ERASE):
        audit_service.append(
            session,
            principal=principal,
            action=action,
            object_type="customer",
            object_id=report.customer_id,
            now=now,
            detail=detail if action is AuditAction.CUSTOMER_ERASE else {"keys": "dek:all"},
            customer_id=report.customer_id,
        )
