"""Reveal: one raw value of the caller's current conversation, on request, with a reason.

Every output is masked by the policy; this is the one way past it. It needs the reveal
permission (agents; never interns or supervisors), a role the policy's `reveal.roles` names, and
the conversation in the caller's hands (assigned to them and open), and a second factor
verified in the last few minutes (step-up, `ANXIN_STEP_UP_MINUTES`). Each reveal is counted
against `reveal.per_hour` over a sliding hour and audited in the same transaction with its
reason; the reason is redacted first, because people type the very number into it.
"""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from anxin.access.permissions import Permission
from anxin.access.service import authorize
from anxin.audit import service as audit_service
from anxin.audit.actions import AuditAction
from anxin.contact import mentions
from anxin.contact.errors import RevealNotFound, RevealRateLimited
from anxin.contact.models import Conversation, Message, Reveal
from anxin.contact.schemas import RevealOut, RevealRequest
from anxin.contact.service import ContactService, open_customer
from anxin.identity import second_factor
from anxin.identity.models import User
from anxin.kernel.errors import InvalidInput, retry_after_seconds
from anxin.kernel.ids import new_id
from anxin.kernel.principal import Principal

WINDOW = dt.timedelta(hours=1)

Value = str | list[str]


class Revealer:
    def __init__(self, contact: ContactService) -> None:
        self.contact = contact
        self.rule = contact.policy.reveal

    def reveal(
        self,
        session: Session,
        *,
        principal: Principal,
        conversation_id: str,
        request: RevealRequest,
    ) -> RevealOut:
        authorize(
            principal,
            Permission.VALUE_REVEAL,
            object_type="conversation",
            object_id=conversation_id,
            condition=self.contact.policy.may_reveal(principal.role),
        )
        second_factor.require_step_up(
            principal, now=self.contact.clock.now(), within=self.contact.limits.step_up
        )
        conversation = self.contact.readable_conversation(
            session, principal, conversation_id, permission=Permission.VALUE_REVEAL
        )
        now = self.contact.clock.now()
        used = self._count_recent(session, principal, now)
        value = self._value(session, conversation, request)
        session.add(
            Reveal(
                id=new_id(),
                tenant_id=conversation.tenant_id,
                actor_id=principal.actor_id,
                conversation_id=conversation.id,
                target=request.target,
                seq=request.seq,
                revealed_at=now,
            )
        )
        self._audit(session, principal, conversation, request, now)
        return RevealOut(
            conversation_id=conversation.id,
            target=request.target,
            seq=request.seq,
            value=value,
            revealed_at=now,
            remaining_this_hour=self.rule.per_hour - used - 1,
        )

    def _count_recent(self, session: Session, principal: Principal, now: dt.datetime) -> int:
        """Reveals by this user in the last hour; refuses when the limit is reached.

        The user's row is locked first (PostgreSQL; SQLite writers are serial anyway), so two
        concurrent reveals cannot both see the last free slot.
        """
        session.execute(select(User.id).where(User.id == principal.actor_id).with_for_update())
        count, oldest = session.execute(
            select(func.count(), func.min(Reveal.revealed_at)).where(
                Reveal.actor_id == principal.actor_id, Reveal.revealed_at > now - WINDOW
            )
        ).one()
        if count >= self.rule.per_hour:
            wait = retry_after_seconds(oldest + WINDOW - now) if oldest is not None else 1
            raise RevealRateLimited(per_hour=self.rule.per_hour, retry_after_s=wait)
        return int(count)

    def _value(self, session: Session, conversation: Conversation, request: RevealRequest) -> Value:
        key = self.contact.customer_key(session, conversation.customer_id)
        if request.target == "message":
            if request.seq is None:
                raise InvalidInput("a message reveal needs `seq`")
            message = session.get(Message, (conversation.id, request.seq))
            if message is None:
                raise RevealNotFound("the conversation has no message with this seq")
            ref = mentions.message_ref(message.tenant_id, conversation.id, message.seq)
            return key.open(ref, message.text_ct)
        if request.seq is not None:
            raise InvalidInput("`seq` belongs to message reveals only")
        field = request.target.removeprefix("customer.")
        customer = self.contact.customer(session, conversation.customer_id)
        value = open_customer(key, customer)[field]
        if value is None:
            raise RevealNotFound(f"the customer has no {field}")
        return list(json.loads(value)) if field == "phones" else value

    def _audit(
        self,
        session: Session,
        principal: Principal,
        conversation: Conversation,
        request: RevealRequest,
        now: dt.datetime,
    ) -> None:
        detail: dict[str, object] = {
            "reason": mentions.detect(request.reason).redacted,
            "target": request.target,
            "conversation_id": conversation.id,
        }
        if request.target == "message":
            object_type, object_id, fields = "conversation", conversation.id, ["messages.text"]
            detail["seq"] = request.seq
        else:
            object_type, object_id, fields = "customer", conversation.customer_id, [request.target]
        audit_service.append(
            session,
            principal=principal,
            action=AuditAction.VALUE_REVEAL,
            object_type=object_type,
            object_id=object_id,
            now=now,
            fields=fields,
            detail=detail,
            customer_id=conversation.customer_id,
        )
