"""Message ingestion throughput through ContactService, one message per transaction and batched.

    python -m bench.ingestion [--backend sqlite|postgres|both] [--messages 20000] [--batch 100]

Each append runs the PII detector over every text (issue 5: redacted copy, entities and
message blind-index entries), seals it with the customer's data key, takes the conversation's
row lock, writes the idempotency record and one audit event, and commits: the whole production
path minus HTTP. TEXT mentions a mobile number and a bank card, so every message is redacted
and indexed.
"""

from __future__ import annotations

import argparse
import time
import uuid

from anxin.contact.schemas import ConversationCreate, MessageIn
from anxin.contact.service import ContactService
from anxin.identity.deps import Runtime
from anxin.kernel.principal import Principal
from bench.common import record, store, tenant

TEXT = "您好，我的手机号是138-1234-5678，银行卡6222021234567890丢了，请帮我挂失。Thanks!"


def _conversation(rt: Runtime, principal: Principal, service: ContactService) -> str:
    with rt.db.unit_of_work(tenant_id=principal.tenant_id) as session:
        return service.create_conversation(
            session,
            principal=principal,
            request=ConversationCreate(phone="13812345678", channel="chat"),
        ).id


def _run(rt: Runtime, principal: Principal, total: int, batch: int) -> float:
    service = ContactService(keyring=rt.keyring, clock=rt.clock)
    conversation_id = _conversation(rt, principal, service)
    messages = [MessageIn(speaker="customer", text=TEXT) for _ in range(batch)]
    calls = total // batch
    run = uuid.uuid4().hex
    started = time.perf_counter()
    for call in range(calls):
        if call and call % 50 == 0:  # a real conversation is short; spread over many
            conversation_id = _conversation(rt, principal, service)
        with rt.db.unit_of_work(tenant_id=principal.tenant_id) as session:
            service.append_messages(
                session,
                principal=principal,
                conversation_id=conversation_id,
                messages=messages,
                idempotency_key=f"{run}-{call}",
            )
    return calls * batch / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=100)
    args = parser.parse_args()
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    results: dict[str, object] = {"messages": args.messages, "batch": args.batch}
    for backend in backends:
        with store(backend) as rt:
            principal = tenant(rt)
            single = _run(rt, principal, args.messages // 10, 1)
            batched = _run(rt, principal, args.messages, args.batch)
        results[backend] = {
            "single_msgs_per_s": round(single),
            "batched_msgs_per_s": round(batched),
        }
    record("ingestion", results)


if __name__ == "__main__":
    main()
