"""Contact-center use cases: the only code that writes customers, conversations and messages.

Every use case authorizes first, then works, then appends its audit event in the caller's
transaction. Personal values are sealed with the customer's data key before they reach a row
and opened only for the output that needs them, which is masked (see schemas.py).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import json
from collections.abc import Iterable, Sequence

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from anxin.access.permissions import Permission
from anxin.access.service import authorize
from anxin.audit import service as audit_service
from anxin.audit.actions import AuditAction
from anxin.contact import display, mentions, records, rules
from anxin.contact.errors import (
    AgentNotFound,
    BatchTooLarge,
    ConversationClosed,
    ConversationNotFound,
    CustomerNotFound,
    IdempotencyConflict,
    IdempotencyKeyInvalid,
    IdempotencyKeyReused,
    InvalidTransition,
    MessageTooLong,
    TicketNotFound,
)
from anxin.contact.models import (
    Conversation,
    Customer,
    CustomerIndex,
    IdempotencyRecord,
    Message,
    MessageEntity,
    MessageIndex,
    Ticket,
)
from anxin.contact.records import ConversationRecord, CustomerRecord
from anxin.contact.rules import Status
from anxin.contact.schemas import (
    AppendResult,
    CloseRequest,
    ConversationCreate,
    ConversationOut,
    CustomerDetails,
    CustomerHistory,
    CustomerOut,
    Mention,
    MentionsOut,
    MessageIn,
    MessageOut,
    MessagePage,
    TicketCreate,
    TicketOut,
)
from anxin.crypto.aead import FieldRef
from anxin.crypto.blind_index import IndexKind, blind_digest
from anxin.crypto.keyring import IndexKey, Keyring, OwnerKeys, Sealer
from anxin.identity.models import User
from anxin.kernel.clock import Clock
from anxin.kernel.errors import InvalidInput
from anxin.kernel.ids import is_id, new_id
from anxin.kernel.principal import Principal, Role
from anxin.masking.policy import MaskingPolicy, builtin_policy
from anxin.pii import normalize
from anxin.pii.tenant_recognizers import TenantRecognizers, builtin_only
from anxin.tenancy.models import Tenant

CUSTOMER_FIELDS = ("name", "phones", "email", "id_number", "address")
HISTORY_LIMIT = 100
PAGE_LIMIT = 500
_IDEMPOTENCY_KEY_CHARS = frozenset(chr(c) for c in range(0x21, 0x7F))


@dataclasses.dataclass(frozen=True, slots=True)
class Limits:
    max_batch_messages: int = 500
    max_message_chars: int = 20_000
    # How recent a second-factor check a reveal needs (ANXIN_STEP_UP_MINUTES).
    step_up: dt.timedelta = dt.timedelta(minutes=5)


@dataclasses.dataclass(frozen=True, slots=True)
class NewCustomer:
    """A customer as a trusted import (demo seeding, benchmarks) provides it; raw values."""

    phones: Sequence[str]
    name: str | None = None
    email: str | None = None
    id_number: str | None = None
    address: str | None = None


class ContactService:
    def __init__(
        self,
        *,
        keyring: Keyring,
        clock: Clock,
        limits: Limits | None = None,
        policy: MaskingPolicy | None = None,
        recognizers: TenantRecognizers | None = None,
    ) -> None:
        self.keyring = keyring
        self.clock = clock
        self.limits = limits or Limits()
        self.policy = policy or builtin_policy()
        self.recognizers = recognizers or builtin_only()

    # --- ingestion (gateways) -------------------------------------------------------------

    def create_conversation(
        self, session: Session, *, principal: Principal, request: ConversationCreate
    ) -> ConversationOut:
        """Open a conversation for a caller, finding the customer by phone or creating one."""
        tenant_id = _tenant(principal)
        authorize(principal, Permission.CONVERSATION_CREATE, object_type="conversation")
        phone = normalize.normalize_phone(request.phone)
        agent = self._agent(session, request.agent) if request.agent else None
        now = self.clock.now()
        customer: Customer | CustomerRecord | None = self._find_by_phone(session, tenant_id, phone)
        if customer is None:
            customer = self._create_customer(
                session, principal=principal, phones=[phone], details=request.customer, now=now
            )
        conversation = Conversation(
            id=new_id(),
            tenant_id=tenant_id,
            customer_id=customer.id,
            channel=request.channel,
            direction=request.direction,
            dialed_number=request.dialed_number,
            queue=request.queue,
            gateway_id=principal.actor_id if principal.role is Role.GATEWAY else None,
            status=Status.QUEUED.value,
            created_at=now,
            message_count=0,
        )
        if agent is not None:
            conversation.assigned_agent_id = agent.id
            conversation.status = Status.ACTIVE.value
            conversation.active_at = now
        session.add(conversation)
        self._audit(
            session,
            principal,
            AuditAction.CONVERSATION_CREATE,
            "conversation",
            conversation.id,
            now,
            fields=("customer.phones",),
            customer_id=customer.id,
        )
        return self._conversation_out(session, conversation, summary=None)

    def append_messages(
        self,
        session: Session,
        *,
        principal: Principal,
        conversation_id: str,
        messages: Sequence[MessageIn],
        idempotency_key: str,
    ) -> AppendResult:
        """Append a batch atomically; a retry with the same key and body gets the first answer."""
        tenant_id = _tenant(principal)
        _check_idempotency_key(idempotency_key)
        self._check_batch(messages)
        request_hash = _request_hash(conversation_id, messages)
        replay = self._replay(session, principal, idempotency_key, request_hash)
        if replay is not None:
            return replay
        conversation = self._conversation(session, conversation_id, lock=True)
        authorize(
            principal,
            Permission.MESSAGE_APPEND,
            object_type="conversation",
            object_id=conversation.id,
            condition=_may_feed(principal, conversation),
        )
        if Status(conversation.status) not in rules.APPENDABLE:
            raise ConversationClosed()
        key = self.customer_key(session, conversation.customer_id, sealing=True)
        now = self.clock.now()
        first = conversation.message_count + 1
        detector = self.recognizers.detector_for(self._tenant_keys(session, principal))
        detected = [mentions.detect(m.text, detector) for m in messages]
        rows = [
            {
                "conversation_id": conversation.id,
                "seq": seq,
                "tenant_id": tenant_id,
                "kind": m.kind,
                "speaker": m.speaker,
                "offset_ms": m.offset_ms,
                "created_at": now,
                "text_ct": key.seal(mentions.message_ref(tenant_id, conversation.id, seq), m.text),
                "text_redacted": d.redacted,
            }
            for seq, (m, d) in enumerate(zip(messages, detected, strict=True), start=first)
        ]
        session.execute(insert(Message), rows)
        self._store_mentions(session, tenant_id, conversation.id, first, detected)
        conversation.message_count = first + len(rows) - 1
        result = AppendResult(
            conversation_id=conversation.id,
            appended=len(rows),
            first_seq=first,
            last_seq=conversation.message_count,
        )
        self._remember(
            session=session,
            principal=principal,
            key=idempotency_key,
            request_hash=request_hash,
            result=result,
            now=now,
        )
        self._audit(
            session,
            principal,
            AuditAction.MESSAGE_APPEND,
            "conversation",
            conversation.id,
            now,
            fields=("messages.text",),
            detail={"count": len(rows), "first_seq": first, "last_seq": result.last_seq},
            customer_id=conversation.customer_id,
        )
        return result

    def _store_mentions(
        self,
        session: Session,
        tenant_id: str,
        conversation_id: str,
        first: int,
        detected: Sequence[mentions.Detected],
    ) -> None:
        """Entities and blind-index entries of a batch, in the batch's own transaction."""
        keys = self.keyring.index_keys(tenant_id=tenant_id)
        entities: list[dict[str, object]] = []
        index: list[dict[str, object]] = []
        for seq, d in enumerate(detected, start=first):
            entities += mentions.entity_rows(tenant_id, conversation_id, seq, d)
            index += mentions.index_rows(keys, tenant_id, conversation_id, seq, d.identifiers)
        if entities:
            session.execute(insert(MessageEntity), entities)
        if index:
            session.execute(insert(MessageIndex), index)

    def assign(
        self, session: Session, *, principal: Principal, conversation_id: str, agent: str
    ) -> ConversationOut:
        conversation = self._conversation(session, conversation_id, lock=True)
        authorize(
            principal,
            Permission.CONVERSATION_ASSIGN,
            object_type="conversation",
            object_id=conversation.id,
        )
        user = self._agent(session, agent)
        now = self.clock.now()
        status = Status(conversation.status)
        if status is Status.QUEUED:
            self._transition(conversation, Status.ACTIVE, now)
        elif status is not Status.ACTIVE:
            raise InvalidTransition(f"a {status.value} conversation cannot be (re)assigned")
        conversation.assigned_agent_id = user.id
        self._audit(
            session,
            principal,
            AuditAction.CONVERSATION_ASSIGN,
            "conversation",
            conversation.id,
            now,
            detail={"agent_id": user.id},
            customer_id=conversation.customer_id,
        )
        return self._conversation_out(session, conversation, summary=None)

    def wrap_up(
        self, session: Session, *, principal: Principal, conversation_id: str
    ) -> ConversationOut:
        conversation = self._conversation(session, conversation_id, lock=True)
        authorize(
            principal,
            Permission.CONVERSATION_WRAP_UP,
            object_type="conversation",
            object_id=conversation.id,
            condition=_may_feed(principal, conversation),
        )
        now = self.clock.now()
        self._transition(conversation, Status.WRAP_UP, now)
        self._audit(
            session,
            principal,
            AuditAction.CONVERSATION_WRAP_UP,
            "conversation",
            conversation.id,
            now,
            customer_id=conversation.customer_id,
        )
        return self._conversation_out(session, conversation, summary=None)

    def close(
        self, session: Session, *, principal: Principal, conversation_id: str, request: CloseRequest
    ) -> ConversationOut:
        conversation = self._conversation(session, conversation_id, lock=True)
        authorize(
            principal,
            Permission.CONVERSATION_CLOSE,
            object_type="conversation",
            object_id=conversation.id,
            condition=_may_feed(principal, conversation),
        )
        now = self.clock.now()
        self._transition(conversation, Status.CLOSED, now)
        conversation.disposition = request.disposition
        conversation.satisfaction = request.satisfaction
        fields: list[str] = ["conversation.disposition", "conversation.satisfaction"]
        summary = request.resolution_summary
        if summary is not None:
            key = self.customer_key(session, conversation.customer_id, sealing=True)
            conversation.resolution_summary_ct = key.seal(_summary_ref(conversation), summary)
            fields.append("conversation.resolution_summary")
        self._audit(
            session,
            principal,
            AuditAction.CONVERSATION_CLOSE,
            "conversation",
            conversation.id,
            now,
            fields=fields,
            detail={"disposition": request.disposition},
            customer_id=conversation.customer_id,
        )
        shown = self.reader(session, principal).free_text(summary)
        return self._conversation_out(session, conversation, summary=shown)

    # --- agent reads ----------------------------------------------------------------------

    def list_mine(self, session: Session, *, principal: Principal) -> list[ConversationOut]:
        """The caller's current conversations (assigned to them, not closed), oldest first."""
        authorize(principal, Permission.CONVERSATION_READ_ASSIGNED, object_type="conversation")
        rows = session.scalars(
            select(Conversation)
            .where(
                Conversation.assigned_agent_id == principal.actor_id,
                Conversation.status != Status.CLOSED.value,
            )
            .order_by(Conversation.created_at)
            .limit(HISTORY_LIMIT)
        ).all()
        now = self.clock.now()
        self._audit(
            session,
            principal,
            AuditAction.CONVERSATION_LIST,
            "conversation",
            None,
            now,
            detail={"count": len(rows)},
        )
        return [self._conversation_out(session, c, summary=None) for c in rows]

    def get_conversation(
        self, session: Session, *, principal: Principal, conversation_id: str
    ) -> ConversationOut:
        conversation = self.readable_conversation(session, principal, conversation_id)
        summary = self.reader(session, principal).free_text(self._summary(session, conversation))
        out = self._conversation_out(session, conversation, summary=summary)
        self._audit(
            session,
            principal,
            AuditAction.CONVERSATION_READ,
            "conversation",
            conversation.id,
            self.clock.now(),
            fields=_summary_fields(out),
            customer_id=conversation.customer_id,
        )
        return out

    def read_messages(
        self,
        session: Session,
        *,
        principal: Principal,
        conversation_id: str,
        after: int = 0,
        limit: int = 200,
    ) -> MessagePage:
        if not 1 <= limit <= PAGE_LIMIT or after < 0:
            raise InvalidInput(f"limit is 1-{PAGE_LIMIT} and after is 0 or more")
        conversation = self.readable_conversation(session, principal, conversation_id)
        key = self.customer_key(session, conversation.customer_id)
        rows = session.scalars(
            select(Message)
            .where(Message.conversation_id == conversation.id, Message.seq > after)
            .order_by(Message.seq)
            .limit(limit)
        ).all()
        reader = self.reader(session, principal)
        spans = reader.stored_spans(
            session, conversation_id=conversation.id, seqs=[m.seq for m in rows]
        )
        messages = [
            MessageOut(
                seq=m.seq,
                kind=m.kind,
                speaker=m.speaker,
                offset_ms=m.offset_ms,
                created_at=m.created_at,
                text=reader.message_text(
                    key.open(
                        mentions.message_ref(m.tenant_id, m.conversation_id, m.seq), m.text_ct
                    ),
                    None if m.text_redacted is None else spans[m.seq],
                ),
            )
            for m in rows
        ]
        self._audit(
            session,
            principal,
            AuditAction.MESSAGE_READ,
            "conversation",
            conversation.id,
            self.clock.now(),
            fields=("messages.text",) if messages else (),
            detail={"count": len(messages), "after": after},
            customer_id=conversation.customer_id,
        )
        next_after = messages[-1].seq if len(messages) == limit else None
        return MessagePage(
            conversation_id=conversation.id, messages=messages, next_after=next_after
        )

    def conversation_customer(
        self, session: Session, *, principal: Principal, conversation_id: str
    ) -> CustomerOut:
        conversation = self.readable_conversation(
            session, principal, conversation_id, permission=Permission.CUSTOMER_READ_ASSIGNED
        )
        customer = self.customer(session, conversation.customer_id)
        out = self._customer_out(session, customer, reader=self.reader(session, principal))
        self._audit(
            session,
            principal,
            AuditAction.CUSTOMER_READ,
            "customer",
            customer.id,
            self.clock.now(),
            fields=_customer_fields(out),
            detail={"via_conversation": conversation.id},
            customer_id=customer.id,
        )
        return out

    def conversation_history(
        self, session: Session, *, principal: Principal, conversation_id: str, limit: int = 20
    ) -> CustomerHistory:
        """The current conversation's customer and their conversations, newest first."""
        conversation = self.readable_conversation(
            session, principal, conversation_id, permission=Permission.CUSTOMER_READ_ASSIGNED
        )
        customer = self.customer(session, conversation.customer_id)
        history = self._history(session, principal, customer, limit=limit)
        self._audit_history(session, principal, customer.id, history, via=conversation.id)
        return history

    def find_mentions(
        self,
        session: Session,
        *,
        principal: Principal,
        phone: str | None = None,
        email: str | None = None,
        id_number: str | None = None,
        limit: int = 20,
    ) -> MentionsOut:
        """Conversations whose messages mentioned an identifier, via the message blind index:
        ids and message numbers only, nothing decrypted. The audit names the kind, never the
        value."""
        tenant_id = _tenant(principal)
        authorize(principal, Permission.MESSAGE_FIND_MENTIONS, object_type="conversation")
        if not 1 <= limit <= HISTORY_LIMIT:
            raise InvalidInput(f"limit is 1-{HISTORY_LIMIT}")
        kind, value = mentions.canonical_query(phone=phone, email=email, id_number=id_number)
        digests = self._lookup_digests(tenant_id, kind, value)
        found = records.conversations_mentioning(
            session, tenant_id=tenant_id, kind=kind.value, digests=digests, limit=limit
        )
        self._audit(
            session,
            principal,
            AuditAction.MESSAGE_FIND_MENTIONS,
            "conversation",
            None,
            self.clock.now(),
            detail={"kind": kind.value, "conversations": len(found)},
        )
        return MentionsOut(
            kind=kind.value,
            conversations=[
                Mention(conversation_id=cid, conversation_created_at=created, seqs=seqs)
                for cid, created, seqs in found
            ],
        )

    def lookup_by_phone(
        self, session: Session, *, principal: Principal, phone: str, limit: int = 20
    ) -> CustomerHistory:
        """The repeat-caller lookup: any common written form of a number, via the blind index."""
        tenant_id = _tenant(principal)
        authorize(principal, Permission.CUSTOMER_LOOKUP, object_type="customer")
        normalized = normalize.normalize_phone(phone)
        customer = self._find_by_phone(session, tenant_id, normalized)
        if customer is None:
            self._audit(
                session,
                principal,
                AuditAction.CUSTOMER_LOOKUP,
                "customer",
                None,
                self.clock.now(),
                detail={"found": False},
            )
            raise CustomerNotFound("no customer has this phone number")
        history = self._history(session, principal, customer, limit=limit)
        self._audit_history(session, principal, customer.id, history, via=None)
        return history

    # --- tickets --------------------------------------------------------------------------

    def create_ticket(
        self, session: Session, *, principal: Principal, conversation_id: str, request: TicketCreate
    ) -> TicketOut:
        conversation = self.readable_conversation(
            session, principal, conversation_id, permission=Permission.TICKET_CREATE
        )
        key = self.customer_key(session, conversation.customer_id, sealing=True)
        now = self.clock.now()
        ticket = Ticket(
            id=new_id(),
            tenant_id=conversation.tenant_id,
            customer_id=conversation.customer_id,
            conversation_id=conversation.id,
            status="open",
            priority=request.priority,
            created_by=principal.actor_id,
            created_at=now,
            updated_at=now,
            subject_ct=b"",
        )
        ticket.subject_ct = key.seal(_ticket_ref(ticket), request.subject)
        session.add(ticket)
        self._audit(
            session,
            principal,
            AuditAction.TICKET_CREATE,
            "ticket",
            ticket.id,
            now,
            fields=("ticket.subject",),
            detail={"conversation_id": conversation.id},
            customer_id=conversation.customer_id,
        )
        return _ticket_out(ticket, self.reader(session, principal).free_text(request.subject))

    def conversation_tickets(
        self, session: Session, *, principal: Principal, conversation_id: str
    ) -> list[TicketOut]:
        conversation = self.readable_conversation(
            session, principal, conversation_id, permission=Permission.TICKET_READ_ASSIGNED
        )
        key = self.customer_key(session, conversation.customer_id)
        tickets = session.scalars(
            select(Ticket)
            .where(Ticket.conversation_id == conversation.id)
            .order_by(Ticket.created_at)
        ).all()
        reader = self.reader(session, principal)
        out = [
            _ticket_out(t, reader.free_text(key.open(_ticket_ref(t), t.subject_ct)))
            for t in tickets
        ]
        self._audit(
            session,
            principal,
            AuditAction.TICKET_READ,
            "conversation",
            conversation.id,
            self.clock.now(),
            fields=("ticket.subject",) if out else (),
            detail={"count": len(out)},
            customer_id=conversation.customer_id,
        )
        return out

    def get_ticket(self, session: Session, *, principal: Principal, ticket_id: str) -> TicketOut:
        ticket = session.get(Ticket, ticket_id) if is_id(ticket_id) else None
        if ticket is None:
            raise TicketNotFound()
        conversation = self._conversation(session, ticket.conversation_id)
        authorize(
            principal,
            Permission.TICKET_READ_ASSIGNED,
            object_type="ticket",
            object_id=ticket.id,
            condition=rules.is_current_assignee(
                principal,
                assigned_agent_id=conversation.assigned_agent_id,
                status=conversation.status,
            ),
        )
        key = self.customer_key(session, ticket.customer_id)
        subject = key.open(_ticket_ref(ticket), ticket.subject_ct)
        out = _ticket_out(ticket, self.reader(session, principal).free_text(subject))
        self._audit(
            session,
            principal,
            AuditAction.TICKET_READ,
            "ticket",
            ticket.id,
            self.clock.now(),
            fields=("ticket.subject",),
            customer_id=ticket.customer_id,
        )
        return out

    # --- trusted imports ------------------------------------------------------------------

    def import_customers(
        self, session: Session, *, principal: Principal, customers: Iterable[NewCustomer]
    ) -> list[str]:
        """Create customers in bulk (demo data, benchmarks, migrations from another system)."""
        tenant_id = _tenant(principal)
        authorize(principal, Permission.CUSTOMER_IMPORT, object_type="customer")
        now = self.clock.now()
        items = list(customers)
        ids = [new_id() for _ in items]
        keys = self.keyring.new_data_keys(tenant_id=tenant_id, owner_ids=ids, now=now)
        index_keys = self.keyring.index_keys(tenant_id=tenant_id)
        customer_rows: list[dict[str, object]] = []
        index_rows: list[dict[str, object]] = []
        for customer_id, item in zip(ids, items, strict=True):
            key = keys[customer_id]
            values = _normalized_values(item)
            customer_rows.append(
                {
                    "id": customer_id,
                    "tenant_id": tenant_id,
                    "dek_version": key.version,
                    "created_at": now,
                    "updated_at": now,
                    **_sealed_columns(key, tenant_id, customer_id, values),
                }
            )
            index_rows.extend(_index_rows(index_keys, tenant_id, customer_id, values))
        session.flush()
        if customer_rows:
            session.execute(insert(Customer), customer_rows)
        if index_rows:
            session.execute(insert(CustomerIndex), index_rows)
        self._audit(
            session,
            principal,
            AuditAction.CUSTOMER_CREATE,
            "customer",
            None,
            now,
            fields=CUSTOMER_FIELDS,
            detail={"count": len(customer_rows), "source": "import"},
        )
        return [str(row["id"]) for row in customer_rows]

    # --- internals ------------------------------------------------------------------------

    def _create_customer(
        self,
        session: Session,
        *,
        principal: Principal,
        phones: list[str],
        details: CustomerDetails | None,
        now: dt.datetime,
    ) -> Customer:
        tenant_id = _tenant(principal)
        item = NewCustomer(
            phones=phones,
            name=details.name if details else None,
            email=details.email if details else None,
            id_number=details.id_number if details else None,
            address=details.address if details else None,
        )
        values = _normalized_values(item)
        customer = Customer(id=new_id(), tenant_id=tenant_id, created_at=now, updated_at=now)
        key = self.keyring.new_data_key(tenant_id=tenant_id, owner_id=customer.id, now=now)
        customer.dek_version = key.version
        for column, blob in _sealed_columns(key, tenant_id, customer.id, values).items():
            setattr(customer, column, blob)
        session.add(customer)
        # No ORM relationships tie rows together, so flush the parent before its children.
        session.flush()
        index_keys = self.keyring.index_keys(tenant_id=tenant_id)
        session.execute(
            insert(CustomerIndex), _index_rows(index_keys, tenant_id, customer.id, values)
        )
        self._audit(
            session,
            principal,
            AuditAction.CUSTOMER_CREATE,
            "customer",
            customer.id,
            now,
            fields=[f"customer.{name}" for name, value in values.items() if value],
            customer_id=customer.id,
        )
        return customer

    def _lookup_digests(self, tenant_id: str, kind: IndexKind, normalized: str) -> list[bytes]:
        """A value's digest under every active index key: while an index is rebuilt, a value is
        under either version."""
        return [
            blind_digest(k.key, kind=kind, normalized=normalized)
            for k in self.keyring.index_keys(tenant_id=tenant_id)
        ]

    def _find_by_phone(self, session: Session, tenant_id: str, e164: str) -> CustomerRecord | None:
        digests = self._lookup_digests(tenant_id, IndexKind.PHONE, e164)
        return records.customer_by_digest(
            session, tenant_id=tenant_id, kind=IndexKind.PHONE.value, digests=digests
        )

    def _history(
        self,
        session: Session,
        principal: Principal,
        customer: Customer | CustomerRecord,
        *,
        limit: int,
    ) -> CustomerHistory:
        if not 1 <= limit <= HISTORY_LIMIT:
            raise InvalidInput(f"limit is 1-{HISTORY_LIMIT}")
        key = self._key_of(session, customer)
        reader = self.reader(session, principal)
        rows = records.customer_conversations(
            session, tenant_id=customer.tenant_id, customer_id=customer.id, limit=limit
        )
        conversations = [
            self._conversation_out(session, c, summary=reader.free_text(_open_summary(key, c)))
            for c in rows
        ]
        return CustomerHistory(
            customer=self._customer_out(session, customer, reader=reader, key=key),
            conversations=conversations,
        )

    def reader(self, session: Session, principal: Principal) -> display.Reader:
        """What the caller may see (the masking policy for their role and tenant), and the
        tenant's detector for texts detected when read."""
        keys = self._tenant_keys(session, principal)
        return display.Reader(
            viewer=self.policy.viewer(principal.role, tenant_keys=keys),
            detector=self.recognizers.detector_for(keys),
            resolve=functools.partial(self.recognizers.resolve, keys),
        )

    def _tenant_keys(self, session: Session, principal: Principal) -> tuple[str, ...]:
        """The tenant's id, and its name when a configuration file names tenants (the
        defaults name none, which keeps the lookup path at its queries)."""
        if principal.tenant_id is None:
            return ()
        if not (self.policy.has_tenant_overrides or self.recognizers.configures_tenants):
            return (principal.tenant_id,)
        tenant = session.get(Tenant, principal.tenant_id)
        return (principal.tenant_id, tenant.name) if tenant is not None else (principal.tenant_id,)

    def _audit_history(
        self,
        session: Session,
        principal: Principal,
        customer_id: str,
        history: CustomerHistory,
        *,
        via: str | None,
    ) -> None:
        fields = _customer_fields(history.customer)
        if any(c.resolution_summary for c in history.conversations):
            fields.append("conversation.resolution_summary")
        detail: dict[str, object] = {"conversations": len(history.conversations)}
        action = AuditAction.CUSTOMER_LOOKUP if via is None else AuditAction.CUSTOMER_HISTORY
        if via is not None:
            detail["via_conversation"] = via
        self._audit(
            session,
            principal,
            action,
            "customer",
            customer_id,
            self.clock.now(),
            fields=fields,
            detail=detail,
            customer_id=customer_id,
        )

    def readable_conversation(
        self,
        session: Session,
        principal: Principal,
        conversation_id: str,
        *,
        permission: Permission = Permission.CONVERSATION_READ_ASSIGNED,
    ) -> Conversation:
        conversation = self._conversation(session, conversation_id)
        authorize(
            principal,
            permission,
            object_type="conversation",
            object_id=conversation.id,
            condition=rules.is_current_assignee(
                principal,
                assigned_agent_id=conversation.assigned_agent_id,
                status=conversation.status,
            ),
        )
        return conversation

    def _conversation(
        self, session: Session, conversation_id: str, *, lock: bool = False
    ) -> Conversation:
        # Another tenant's id is filtered out by tenant scoping and so is simply "not found".
        if not is_id(conversation_id):
            raise ConversationNotFound()
        query = select(Conversation).where(Conversation.id == conversation_id)
        if lock:
            query = query.with_for_update()
        conversation = session.scalars(query).first()
        if conversation is None:
            raise ConversationNotFound()
        return conversation

    def customer(self, session: Session, customer_id: str, *, sealing: bool = False) -> Customer:
        # get() answers from the identity map when the row is already loaded in this unit of
        # work (the common case: a lookup, then its history), and is tenant-filtered otherwise.
        # Sealing takes a shared row lock (PostgreSQL; SQLite writers are serial anyway): a DEK
        # rotation locks the row exclusively, so no value is sealed under a key being replaced.
        customer = (
            session.get(
                Customer, customer_id, with_for_update={"read": True}, populate_existing=True
            )
            if sealing
            else session.get(Customer, customer_id)
        )
        if customer is None or customer.erased_at is not None:
            raise CustomerNotFound()
        return customer

    def customer_key(
        self, session: Session, customer_id: str, *, sealing: bool = False
    ) -> OwnerKeys:
        return self._key_of(session, self.customer(session, customer_id, sealing=sealing))

    def _key_of(self, session: Session, customer: Customer | CustomerRecord) -> OwnerKeys:
        return self.keyring.owner_keys(
            tenant_id=customer.tenant_id,
            owner_id=customer.id,
            current_version=customer.dek_version,
        )

    def _agent(self, session: Session, username: str) -> User:
        user = session.scalars(select(User).where(User.username == username)).first()
        if user is None or user.disabled_at is not None or user.role not in {"agent", "intern"}:
            raise AgentNotFound(f"no active agent or intern named {username!r}")
        return user

    def _transition(self, conversation: Conversation, target: Status, now: dt.datetime) -> None:
        current = Status(conversation.status)
        if not rules.can_transition(current, target):
            raise InvalidTransition(f"cannot move from {current.value} to {target.value}")
        conversation.status = target.value
        stamp = {
            Status.ACTIVE: "active_at",
            Status.WRAP_UP: "wrap_up_at",
            Status.CLOSED: "closed_at",
        }
        setattr(conversation, stamp[target], now)

    def _summary(self, session: Session, conversation: Conversation) -> str | None:
        if conversation.resolution_summary_ct is None:
            return None
        key = self.customer_key(session, conversation.customer_id)
        return _open_summary(key, conversation)

    def _conversation_out(
        self,
        session: Session,
        conversation: Conversation | ConversationRecord,
        *,
        summary: str | None,
    ) -> ConversationOut:
        return ConversationOut(
            id=conversation.id,
            customer_id=conversation.customer_id,
            channel=conversation.channel,
            direction=conversation.direction,
            dialed_number=conversation.dialed_number,
            queue=conversation.queue,
            assigned_agent_id=conversation.assigned_agent_id,
            status=conversation.status,
            created_at=conversation.created_at,
            active_at=conversation.active_at,
            wrap_up_at=conversation.wrap_up_at,
            closed_at=conversation.closed_at,
            satisfaction=conversation.satisfaction,
            disposition=conversation.disposition,
            resolution_summary=summary,
            message_count=conversation.message_count,
        )

    def _customer_out(
        self,
        session: Session,
        customer: Customer | CustomerRecord,
        *,
        reader: display.Reader,
        key: Sealer | None = None,
    ) -> CustomerOut:
        key = key or self._key_of(session, customer)
        fields = reader.customer_fields(open_customer(key, customer))
        return CustomerOut.model_validate(
            {"id": customer.id, "created_at": customer.created_at, **fields}
        )

    def _replay(
        self, session: Session, principal: Principal, key: str, request_hash: bytes
    ) -> AppendResult | None:
        record = session.get(IdempotencyRecord, (_tenant(principal), principal.actor_id, key))
        if record is None:
            return None
        if record.request_hash != request_hash:
            raise IdempotencyKeyReused()
        return AppendResult.model_validate({**record.response, "replayed": True})

    def _remember(
        self,
        *,
        session: Session,
        principal: Principal,
        key: str,
        request_hash: bytes,
        result: AppendResult,
        now: dt.datetime,
    ) -> None:
        session.add(
            IdempotencyRecord(
                tenant_id=_tenant(principal),
                actor_id=principal.actor_id,
                key=key,
                request_hash=request_hash,
                response=result.model_dump(mode="json"),
                created_at=now,
            )
        )
        try:
            session.flush()
        except IntegrityError:
            # A concurrent request with the same key committed first; this one must not land.
            raise IdempotencyConflict() from None

    def _check_batch(self, messages: Sequence[MessageIn]) -> None:
        if not messages:
            raise InvalidInput("a batch needs at least one message")
        if len(messages) > self.limits.max_batch_messages:
            raise BatchTooLarge(f"at most {self.limits.max_batch_messages} messages per request")
        for index, message in enumerate(messages):
            if len(message.text) > self.limits.max_message_chars:
                raise MessageTooLong(
                    f"message {index} has {len(message.text)} characters; "
                    f"the maximum is {self.limits.max_message_chars}"
                )

    def _audit(
        self,
        session: Session,
        principal: Principal,
        action: AuditAction,
        object_type: str,
        object_id: str | None,
        now: dt.datetime,
        *,
        fields: Iterable[str] = (),
        detail: dict[str, object] | None = None,
        customer_id: str | None = None,
    ) -> None:
        """`customer_id` names the one customer whose data the action touched (None when it
        spans several or none), so the per-customer report finds it without parsing detail."""
        audit_service.append(
            session,
            principal=principal,
            action=action,
            object_type=object_type,
            object_id=object_id,
            now=now,
            fields=fields,
            detail=detail,
            customer_id=customer_id,
        )


def _tenant(principal: Principal) -> str:
    if principal.tenant_id is None:
        raise InvalidInput("this action needs a tenant")
    return principal.tenant_id


def _may_feed(principal: Principal, conversation: Conversation) -> bool:
    return rules.acts_on_any_conversation(principal) or rules.is_current_assignee(
        principal, assigned_agent_id=conversation.assigned_agent_id, status=conversation.status
    )


def _check_idempotency_key(key: str) -> None:
    if not 1 <= len(key) <= 128 or not set(key) <= _IDEMPOTENCY_KEY_CHARS:
        raise IdempotencyKeyInvalid()


def _request_hash(conversation_id: str, messages: Sequence[MessageIn]) -> bytes:
    body = json.dumps(
        [m.model_dump(mode="json") for m in messages], sort_keys=True, ensure_ascii=False
    )
    return hashlib.sha256(f"{conversation_id}\x00{body}".encode()).digest()


def _normalized_values(item: NewCustomer) -> dict[str, str | None]:
    phones = list(dict.fromkeys(normalize.normalize_phone(p) for p in item.phones))
    return {
        "name": item.name,
        "phones": json.dumps(phones) if phones else None,
        "email": normalize.normalize_email(item.email) if item.email else None,
        "id_number": normalize.normalize_id_number(item.id_number) if item.id_number else None,
        "address": item.address,
    }


def _index_rows(
    keys: Sequence[IndexKey], tenant_id: str, customer_id: str, values: dict[str, str | None]
) -> list[dict[str, object]]:
    """Blind-index entries of a customer under every active index key version."""
    return [
        {
            "tenant_id": tenant_id,
            "kind": kind.value,
            "digest": digest,
            "customer_id": customer_id,
            "key_version": key.version,
        }
        for key in keys
        for kind, digest in index_digests(key.key, values)
    ]


def index_digests(index_key: bytes, values: dict[str, str | None]) -> list[tuple[IndexKind, bytes]]:
    """The (kind, digest) pairs a customer's normalized values give under one index key."""
    out: list[tuple[IndexKind, bytes]] = []
    for phone in json.loads(values["phones"] or "[]"):
        out.append(
            (IndexKind.PHONE, blind_digest(index_key, kind=IndexKind.PHONE, normalized=phone))
        )
    for kind, name in ((IndexKind.EMAIL, "email"), (IndexKind.ID_NUMBER, "id_number")):
        value = values[name]
        if value:
            out.append((kind, blind_digest(index_key, kind=kind, normalized=value)))
    return out


def _sealed_columns(
    key: Sealer, tenant_id: str, customer_id: str, values: dict[str, str | None]
) -> dict[str, bytes | None]:
    return {
        f"{name}_ct": None
        if value is None
        else key.seal(FieldRef(tenant_id, "customers", name, customer_id), value)
        for name, value in values.items()
    }


def open_customer(key: Sealer, customer: Customer | CustomerRecord) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for name in CUSTOMER_FIELDS:
        blob: bytes | None = getattr(customer, f"{name}_ct")
        ref = FieldRef(customer.tenant_id, "customers", name, customer.id)
        out[name] = None if blob is None else key.open(ref, blob)
    return out


def _customer_fields(out: CustomerOut) -> list[str]:
    present = {
        "name": out.name,
        "phones": out.phones,
        "email": out.email,
        "id_number": out.id_number,
        "address": out.address,
    }
    return [f"customer.{name}" for name, value in present.items() if value]


def _summary_fields(out: ConversationOut) -> list[str]:
    return ["conversation.resolution_summary"] if out.resolution_summary else []


def _summary_ref(conversation: Conversation | ConversationRecord) -> FieldRef:
    return FieldRef(conversation.tenant_id, "conversations", "resolution_summary", conversation.id)


def _ticket_ref(ticket: Ticket) -> FieldRef:
    return FieldRef(ticket.tenant_id, "tickets", "subject", ticket.id)


def _open_summary(key: Sealer, conversation: Conversation | ConversationRecord) -> str | None:
    blob = conversation.resolution_summary_ct
    return None if blob is None else key.open(_summary_ref(conversation), blob)


def _ticket_out(ticket: Ticket, subject: str) -> TicketOut:
    return TicketOut(
        id=ticket.id,
        customer_id=ticket.customer_id,
        conversation_id=ticket.conversation_id,
        subject=subject,
        status=ticket.status,
        priority=ticket.priority,
        created_at=ticket.created_at,
    )
