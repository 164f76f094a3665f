"""Contact routes: gateway ingestion and agent reads. Thin: parse, call the service, return."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Header, Query, Request, status

from anxin.access.declarations import AUTHENTICATED, requires
from anxin.access.permissions import Permission
from anxin.contact.erasure import erase_customer
from anxin.contact.errors import IdempotencyKeyRequired
from anxin.contact.pii_report import pii_report
from anxin.contact.queue_report import queue_report
from anxin.contact.reveal import Revealer
from anxin.contact.schemas import (
    AppendResult,
    AssignRequest,
    CloseRequest,
    ConversationCreate,
    ConversationOut,
    CustomerHistory,
    CustomerOut,
    ErasureOut,
    LookupRequest,
    MentionsOut,
    MessageBatch,
    MessageIn,
    MessagePage,
    PiiReport,
    QueueReport,
    RevealOut,
    RevealRequest,
    TicketCreate,
    TicketOut,
)
from anxin.contact.service import HISTORY_LIMIT, PAGE_LIMIT, ContactService, Limits
from anxin.identity.deps import Context, RequestContext
from anxin.kernel.text import CleanText
from anxin.masking.policy import MaskingPolicy
from anxin.pii import catalogue
from anxin.pii.tenant_recognizers import TenantRecognizers

T = TypeVar("T")

router = APIRouter(prefix="/api/v1", tags=["contact"])

# The range of an aggregate report (contact/reporting.py checks it).
Since = Annotated[dt.datetime | None, Query(description="Default: seven days ago.")]
Until = Annotated[dt.datetime | None, Query(description="Default: now.")]

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        description="Required. A retry with the same key and body returns the first result; "
        "the same key with a different body is refused.",
    ),
]


def _app_state(request: Request, name: str, kind: type[T]) -> T:
    """What the app factory loaded at start-up (never re-read per request)."""
    value = getattr(request.app.state, name, None)
    if not isinstance(value, kind):
        raise TypeError(f"app.state.{name} is not configured")
    return value


def _service(ctx: RequestContext) -> ContactService:
    settings = ctx.runtime.settings
    limits = Limits(
        max_batch_messages=settings.max_batch_messages,
        max_message_chars=settings.max_message_chars,
        step_up=ctx.runtime.session_policy.step_up,
    )
    return ContactService(
        keyring=ctx.runtime.keyring,
        clock=ctx.runtime.clock,
        limits=limits,
        policy=_app_state(ctx.request, "masking_policy", MaskingPolicy),
        recognizers=_app_state(ctx.request, "tenant_recognizers", TenantRecognizers),
    )


@router.post(
    "/conversations",
    response_model=ConversationOut,
    status_code=status.HTTP_201_CREATED,
    openapi_extra=requires(Permission.CONVERSATION_CREATE),
)
def create_conversation(body: ConversationCreate, ctx: Context) -> ConversationOut:
    with ctx.transaction() as (session, principal):
        return _service(ctx).create_conversation(session, principal=principal, request=body)


@router.get(
    "/conversations",
    response_model=list[ConversationOut],
    openapi_extra=requires(Permission.CONVERSATION_READ_ASSIGNED),
)
def my_conversations(ctx: Context) -> list[ConversationOut]:
    with ctx.transaction() as (session, principal):
        return _service(ctx).list_mine(session, principal=principal)


# Declared before /conversations/{conversation_id}, which would otherwise match "mentioning".
@router.get(
    "/conversations/mentioning",
    response_model=MentionsOut,
    openapi_extra=requires(Permission.MESSAGE_FIND_MENTIONS),
)
def conversations_mentioning(
    ctx: Context,
    phone: Annotated[
        str | None, Query(max_length=40, description="Any common form."), CleanText
    ] = None,
    email: Annotated[str | None, Query(max_length=254), CleanText] = None,
    id_number: Annotated[str | None, Query(max_length=40), CleanText] = None,
    limit: Annotated[int, Query(ge=1, le=HISTORY_LIMIT)] = 20,
) -> MentionsOut:
    """Which conversations mentioned this phone number, e-mail or ID number (exactly one)."""
    with ctx.transaction() as (session, principal):
        return _service(ctx).find_mentions(
            session,
            principal=principal,
            phone=phone,
            email=email,
            id_number=id_number,
            limit=limit,
        )


@router.post(
    "/conversations/{conversation_id}/messages",
    response_model=AppendResult,
    openapi_extra=requires(Permission.MESSAGE_APPEND),
)
def append_messages(
    conversation_id: str,
    body: MessageIn | MessageBatch,
    ctx: Context,
    idempotency_key: IdempotencyKey = None,
) -> AppendResult:
    if idempotency_key is None:
        raise IdempotencyKeyRequired()
    messages = body.messages if isinstance(body, MessageBatch) else [body]
    with ctx.transaction() as (session, principal):
        return _service(ctx).append_messages(
            session,
            principal=principal,
            conversation_id=conversation_id,
            messages=messages,
            idempotency_key=idempotency_key,
        )


@router.post(
    "/conversations/{conversation_id}/assign",
    response_model=ConversationOut,
    openapi_extra=requires(Permission.CONVERSATION_ASSIGN),
)
def assign(conversation_id: str, body: AssignRequest, ctx: Context) -> ConversationOut:
    with ctx.transaction() as (session, principal):
        return _service(ctx).assign(
            session, principal=principal, conversation_id=conversation_id, agent=body.agent
        )


@router.post(
    "/conversations/{conversation_id}/wrap-up",
    response_model=ConversationOut,
    openapi_extra=requires(Permission.CONVERSATION_WRAP_UP),
)
def wrap_up(conversation_id: str, ctx: Context) -> ConversationOut:
    with ctx.transaction() as (session, principal):
        return _service(ctx).wrap_up(session, principal=principal, conversation_id=conversation_id)


@router.post(
    "/conversations/{conversation_id}/close",
    response_model=ConversationOut,
    openapi_extra=requires(Permission.CONVERSATION_CLOSE),
)
def close(conversation_id: str, body: CloseRequest, ctx: Context) -> ConversationOut:
    with ctx.transaction() as (session, principal):
        return _service(ctx).close(
            session, principal=principal, conversation_id=conversation_id, request=body
        )


@router.get(
    "/conversations/{conversation_id}",
    response_model=ConversationOut,
    openapi_extra=requires(Permission.CONVERSATION_READ_ASSIGNED),
)
def get_conversation(conversation_id: str, ctx: Context) -> ConversationOut:
    with ctx.transaction() as (session, principal):
        return _service(ctx).get_conversation(
            session, principal=principal, conversation_id=conversation_id
        )


@router.get(
    "/conversations/{conversation_id}/messages",
    response_model=MessagePage,
    openapi_extra=requires(Permission.CONVERSATION_READ_ASSIGNED),
)
def read_messages(
    conversation_id: str,
    ctx: Context,
    after: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=PAGE_LIMIT)] = 200,
) -> MessagePage:
    with ctx.transaction() as (session, principal):
        return _service(ctx).read_messages(
            session,
            principal=principal,
            conversation_id=conversation_id,
            after=after,
            limit=limit,
        )


@router.get(
    "/conversations/{conversation_id}/customer",
    response_model=CustomerOut,
    openapi_extra=requires(Permission.CUSTOMER_READ_ASSIGNED),
)
def conversation_customer(conversation_id: str, ctx: Context) -> CustomerOut:
    with ctx.transaction() as (session, principal):
        return _service(ctx).conversation_customer(
            session, principal=principal, conversation_id=conversation_id
        )


@router.get(
    "/conversations/{conversation_id}/history",
    response_model=CustomerHistory,
    openapi_extra=requires(Permission.CUSTOMER_READ_ASSIGNED),
)
def conversation_history(
    conversation_id: str,
    ctx: Context,
    limit: Annotated[int, Query(ge=1, le=HISTORY_LIMIT)] = 20,
) -> CustomerHistory:
    with ctx.transaction() as (session, principal):
        return _service(ctx).conversation_history(
            session, principal=principal, conversation_id=conversation_id, limit=limit
        )


@router.post(
    "/conversations/{conversation_id}/tickets",
    response_model=TicketOut,
    status_code=status.HTTP_201_CREATED,
    openapi_extra=requires(Permission.TICKET_CREATE),
)
def create_ticket(conversation_id: str, body: TicketCreate, ctx: Context) -> TicketOut:
    with ctx.transaction() as (session, principal):
        return _service(ctx).create_ticket(
            session, principal=principal, conversation_id=conversation_id, request=body
        )


@router.get(
    "/conversations/{conversation_id}/tickets",
    response_model=list[TicketOut],
    openapi_extra=requires(Permission.TICKET_READ_ASSIGNED),
)
def conversation_tickets(conversation_id: str, ctx: Context) -> list[TicketOut]:
    with ctx.transaction() as (session, principal):
        return _service(ctx).conversation_tickets(
            session, principal=principal, conversation_id=conversation_id
        )


@router.get(
    "/tickets/{ticket_id}",
    response_model=TicketOut,
    openapi_extra=requires(Permission.TICKET_READ_ASSIGNED),
)
def get_ticket(ticket_id: str, ctx: Context) -> TicketOut:
    with ctx.transaction() as (session, principal):
        return _service(ctx).get_ticket(session, principal=principal, ticket_id=ticket_id)


@router.get(
    "/customers/lookup",
    response_model=CustomerHistory,
    openapi_extra=requires(Permission.CUSTOMER_LOOKUP),
)
def lookup(
    ctx: Context,
    phone: Annotated[
        str, Query(min_length=3, max_length=40, description="Any common form."), CleanText
    ],
    limit: Annotated[int, Query(ge=1, le=HISTORY_LIMIT)] = 20,
) -> CustomerHistory:
    with ctx.transaction() as (session, principal):
        return _service(ctx).lookup_by_phone(session, principal=principal, phone=phone, limit=limit)


@router.post(
    "/customers/lookup",
    response_model=CustomerHistory,
    openapi_extra=requires(Permission.CUSTOMER_LOOKUP),
)
def lookup_post(body: LookupRequest, ctx: Context) -> CustomerHistory:
    """The same lookup with the number in the body, for clients that keep URLs free of it."""
    with ctx.transaction() as (session, principal):
        return _service(ctx).lookup_by_phone(
            session, principal=principal, phone=body.phone, limit=body.limit
        )


@router.post(
    "/conversations/{conversation_id}/reveal",
    response_model=RevealOut,
    openapi_extra=requires(Permission.VALUE_REVEAL),
)
def reveal(conversation_id: str, body: RevealRequest, ctx: Context) -> RevealOut:
    """One raw value of the caller's current conversation, with a reason: a customer field or
    one message. Roles the masking policy names; rate-limited per hour; audited with the reason."""
    with ctx.transaction() as (session, principal):
        return Revealer(_service(ctx)).reveal(
            session, principal=principal, conversation_id=conversation_id, request=body
        )


@router.get(
    "/reports/pii",
    response_model=PiiReport,
    openapi_extra=requires(Permission.PII_REPORT_READ),
)
def report_pii(
    ctx: Context,
    since: Since = None,
    until: Until = None,
) -> PiiReport:
    """Detected personal data per type and per queue, counts only (supervisors, privacy
    officers), for conversations created in [since, until]."""
    with ctx.transaction() as (session, principal):
        return pii_report(
            session, principal=principal, clock=ctx.runtime.clock, since=since, until=until
        )


@router.get(
    "/reports/queues",
    response_model=QueueReport,
    openapi_extra=requires(Permission.QUEUE_REPORT_READ),
)
def report_queues(
    ctx: Context,
    since: Since = None,
    until: Until = None,
) -> QueueReport:
    """Per queue: conversations by status and disposition, median handling time and mean
    satisfaction (supervisors), for conversations created in [since, until]."""
    with ctx.transaction() as (session, principal):
        return queue_report(
            session, principal=principal, clock=ctx.runtime.clock, since=since, until=until
        )


@router.get(
    "/pii/classes",
    openapi_extra=requires(AUTHENTICATED),
)
def pii_classes(ctx: Context) -> list[dict[str, Any]]:
    """The data-class catalogue: each type's class, sensitivity and legal flags (any staff)."""
    with ctx.transaction():
        return [entry.as_json() for entry in catalogue.entries()]


@router.delete(
    "/customers/{customer_id}",
    response_model=ErasureOut,
    openapi_extra=requires(Permission.CUSTOMER_ERASE),
)
def erase(customer_id: str, ctx: Context) -> ErasureOut:
    """Crypto-shred a customer (privacy officer, step-up): keys destroyed first, then rows.
    Irreversible."""
    with ctx.transaction() as (session, principal):
        ctx.step_up(principal, Permission.CUSTOMER_ERASE)
        report = erase_customer(
            session,
            keyring=ctx.runtime.keyring,
            clock=ctx.runtime.clock,
            principal=principal,
            customer_id=customer_id,
        )
    return ErasureOut(**dataclasses.asdict(report))
