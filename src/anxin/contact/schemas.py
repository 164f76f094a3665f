"""Input and output shapes of the contact API. Inputs forbid unknown fields.

Outputs carry personal values only as the reader's masking policy shows them (contact/display.py,
docs/masking.md): customer fields by data class, texts with each detected value styled.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from anxin.kernel.text import CleanText

Channel = Literal["voice", "chat", "email"]
Direction = Literal["inbound", "outbound"]
Speaker = Literal["customer", "agent", "system"]
MessageKind = Literal["message", "segment"]
Priority = Literal["low", "normal", "high", "urgent"]
Disposition = Literal["resolved", "callback", "escalated", "transferred", "abandoned", "other"]

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9._-]{0,63}$")]
ServiceNumber = Annotated[str, StringConstraints(pattern=r"^\+?[0-9]{3,20}$")]
ShortText = Annotated[
    str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True), CleanText
]


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid", str_max_length=100_000)


class CustomerDetails(Input):
    """What a gateway may know about the caller beyond the number (e.g. from a CRM)."""

    name: ShortText | None = None
    email: Annotated[str, StringConstraints(max_length=254), CleanText] | None = None
    id_number: Annotated[str, StringConstraints(max_length=32), CleanText] | None = None
    address: Annotated[str, StringConstraints(max_length=500), CleanText] | None = None


class ConversationCreate(Input):
    phone: Annotated[str, StringConstraints(min_length=3, max_length=40), CleanText] = Field(
        description="The customer's phone number in any common form; normalized to E.164."
    )
    channel: Channel
    direction: Direction = "inbound"
    dialed_number: ServiceNumber | None = Field(
        None, description="The service number called, e.g. 4008001234, 95588, 10109555."
    )
    queue: Slug | None = None
    agent: Slug | None = Field(None, description="Username of the agent to assign at once.")
    customer: CustomerDetails | None = None


class MessageIn(Input):
    # The length limit is a setting (ANXIN_MAX_MESSAGE_CHARS), checked by the service with the
    # message's index; here only the body limit bounds it.
    model_config = ConfigDict(str_max_length=None)

    speaker: Speaker
    text: Annotated[str, StringConstraints(min_length=1), CleanText]
    kind: MessageKind = "message"
    offset_ms: Annotated[int, Field(ge=0, le=7 * 24 * 3_600_000)] | None = None


class MessageBatch(Input):
    messages: Annotated[list[MessageIn], Field(min_length=1)]


class AssignRequest(Input):
    agent: Slug


class CloseRequest(Input):
    disposition: Disposition
    satisfaction: Annotated[int, Field(ge=1, le=5)] | None = None
    resolution_summary: (
        Annotated[str, StringConstraints(min_length=1, max_length=4000), CleanText] | None
    ) = None


class TicketCreate(Input):
    subject: Annotated[
        str, StringConstraints(min_length=1, max_length=500, strip_whitespace=True), CleanText
    ]
    priority: Priority = "normal"


class LookupRequest(Input):
    phone: Annotated[str, StringConstraints(min_length=3, max_length=40), CleanText]
    limit: Annotated[int, Field(ge=1, le=100)] = 20


class CustomerOut(BaseModel):
    """Each value in the reader's style (docs/masking.md); `null` when withheld or absent."""

    id: str
    name: str | None = Field(description="identity class; an agent's default is in full.")
    phones: list[str] | None = Field(
        description="contact class, e.g. 138****5678; null when hidden from the reader."
    )
    email: str | None = Field(description="contact class, e.g. z***@example.com.")
    id_number: str | None = Field(description="government_id class, e.g. 110101********123X.")
    address: str | None = Field(description="location class, e.g. 北京市朝阳区****.")
    created_at: dt.datetime


class ConversationOut(BaseModel):
    id: str
    customer_id: str
    channel: str
    direction: str
    dialed_number: str | None
    queue: str | None
    assigned_agent_id: str | None
    status: str
    created_at: dt.datetime
    active_at: dt.datetime | None
    wrap_up_at: dt.datetime | None
    closed_at: dt.datetime | None
    satisfaction: int | None
    disposition: str | None
    resolution_summary: str | None
    message_count: int


class MessageOut(BaseModel):
    seq: int
    kind: str
    speaker: str
    offset_ms: int | None
    text: str
    created_at: dt.datetime


class MessagePage(BaseModel):
    conversation_id: str
    messages: list[MessageOut]
    next_after: int | None = Field(description="Pass as `after` to read the next page.")


class AppendResult(BaseModel):
    conversation_id: str
    appended: int
    first_seq: int
    last_seq: int
    replayed: bool = Field(False, description="True when this answers a retried request.")


class Mention(BaseModel):
    conversation_id: str
    conversation_created_at: dt.datetime
    seqs: list[int] = Field(description="The messages of the conversation that mention it.")


class MentionsOut(BaseModel):
    kind: str = Field(description="phone, email or id_number: which identifier was looked up.")
    conversations: list[Mention] = Field(description="Newest conversation first.")


class CustomerHistory(BaseModel):
    customer: CustomerOut
    conversations: list[ConversationOut] = Field(description="Newest first.")


class TicketOut(BaseModel):
    id: str
    customer_id: str
    conversation_id: str
    subject: str
    status: str
    priority: str
    created_at: dt.datetime


class ErasureOut(BaseModel):
    """What an erasure destroyed. The customer row stays as a tombstone without personal data."""

    customer_id: str
    keys_destroyed: int
    messages_deleted: int
    tickets_deleted: int
    conversations_tombstoned: int


RevealTarget = Literal[
    "customer.name",
    "customer.phones",
    "customer.email",
    "customer.id_number",
    "customer.address",
    "message",
]


class RevealRequest(Input):
    target: RevealTarget = Field(description="One customer field, or one message (give `seq`).")
    seq: Annotated[int, Field(ge=1)] | None = Field(None, description="The message, for message.")
    reason: Annotated[
        str, StringConstraints(min_length=8, max_length=500, strip_whitespace=True), CleanText
    ] = Field(description="Why the raw value is needed; kept in the audit log (redacted).")


class RevealOut(BaseModel):
    conversation_id: str
    target: str
    seq: int | None
    value: str | list[str] = Field(description="The raw value; a list for customer.phones.")
    revealed_at: dt.datetime
    remaining_this_hour: int = Field(description="Reveals left before the hourly limit.")


class TypeCount(BaseModel):
    type: str
    count: int


class QueueCounts(BaseModel):
    queue: str | None = Field(description="null for conversations without a queue.")
    conversations: int = Field(description="Conversations with at least one detection.")
    types: list[TypeCount]


class PiiReport(BaseModel):
    """Counts of detected personal data, never values (supervisors, privacy officers)."""

    since: dt.datetime
    until: dt.datetime
    total: int
    types: list[TypeCount]
    queues: list[QueueCounts]


class QueueStats(BaseModel):
    queue: str | None = Field(description="null for conversations without a queue.")
    conversations: int
    by_status: dict[str, int] = Field(description="queued, active, wrap_up, closed.")
    by_disposition: dict[str, int]
    handled: int = Field(description="Closed conversations that had been active.")
    median_handle_s: float | None = Field(description="Active to closed, median seconds.")
    mean_satisfaction: float | None = Field(description="1-5, over the rated conversations.")
    rated: int


class QueueReport(BaseModel):
    """Queue statistics for supervisors: counts and durations, never a customer or a text."""

    since: dt.datetime
    until: dt.datetime
    queues: list[QueueStats]
