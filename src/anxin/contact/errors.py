from __future__ import annotations

from anxin.kernel.errors import AnxinError


class ConversationNotFound(AnxinError):
    code = "contact.conversation_not_found"
    status = 404
    title = "No such conversation"


class CustomerNotFound(AnxinError):
    code = "contact.customer_not_found"
    status = 404
    title = "No such customer"


class TicketNotFound(AnxinError):
    code = "contact.ticket_not_found"
    status = 404
    title = "No such ticket"


class AgentNotFound(AnxinError):
    code = "contact.agent_not_found"
    status = 422
    title = "No active agent with this username"


class InvalidTransition(AnxinError):
    code = "contact.invalid_transition"
    status = 409
    title = "The conversation cannot move to that status from its current one"


class ConversationClosed(AnxinError):
    code = "contact.conversation_closed"
    status = 409
    title = "The conversation is closed; nothing can be appended"


class MessageTooLong(AnxinError):
    code = "contact.message_too_long"
    status = 422
    title = "A message text is longer than the configured maximum"


class BatchTooLarge(AnxinError):
    code = "contact.batch_too_large"
    status = 422
    title = "Too many messages in one request"


class IdempotencyKeyRequired(AnxinError):
    code = "idempotency.key_required"
    status = 400
    title = "Appending messages needs an Idempotency-Key header"


class IdempotencyKeyInvalid(AnxinError):
    code = "idempotency.key_invalid"
    status = 400
    title = "Idempotency-Key must be 1-128 visible ASCII characters"


class IdempotencyKeyReused(AnxinError):
    code = "idempotency.key_reused"
    status = 422
    title = "This Idempotency-Key was already used with a different request"


class IdempotencyConflict(AnxinError):
    code = "idempotency.in_progress"
    status = 409
    title = "A request with this Idempotency-Key is being processed; retry shortly"


class RevealNotFound(AnxinError):
    code = "reveal.not_found"
    status = 404
    title = "There is no such value to reveal"


class RevealRateLimited(AnxinError):
    """The caller's reveals in the last hour reached the policy's `reveal.per_hour`."""

    code = "reveal.rate_limited"
    status = 429
    title = "Too many reveals in the last hour"

    def __init__(self, *, per_hour: int, retry_after_s: int) -> None:
        super().__init__(f"at most {per_hour} reveals per hour; retry in {retry_after_s} s")
        self.retry_after_s = retry_after_s
