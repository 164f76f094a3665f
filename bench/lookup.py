"""Repeat-caller lookup latency at scale, through ContactService (with its audit event and commit).

    python -m bench.lookup [--backend sqlite|postgres|both] [--customers 1000000] [--lookups 5000]

Customers are imported through the bulk path (sealed fields, wrapped DEKs, blind indexes), a
slice of them get a past conversation, then random customers are looked up by phone numbers
written the way callers say them (+86 138 1234 5678, 138-1234-5678, ...).
"""

from __future__ import annotations

import argparse
import random
import sys
import time

from anxin.contact.schemas import ConversationCreate
from anxin.contact.service import ContactService, NewCustomer
from anxin.demo.fake import DemoFaker
from anxin.identity.deps import Runtime
from anxin.kernel.principal import Principal
from anxin.masking.styles import mask_phone
from bench.common import record, store, summary_ms, tenant

BATCH = 5_000


def populate(rt: Runtime, principal: Principal, customers: int, with_history: int) -> list[str]:
    service = ContactService(keyring=rt.keyring, clock=rt.clock)
    phones: list[str] = []
    batch: list[NewCustomer] = []
    started = time.perf_counter()
    for person in DemoFaker(seed=11).customers(customers):
        phones.append(person.phones[0])
        batch.append(
            NewCustomer(
                phones=person.phones,
                name=person.name,
                email=person.email,
                id_number=person.id_number,
                address=person.address,
            )
        )
        if len(batch) == BATCH:
            _import(rt, principal, service, batch)
            batch = []
            _progress("import", len(phones), customers, started)
    if batch:
        _import(rt, principal, service, batch)
    for index, phone in enumerate(phones[:with_history]):
        with rt.db.unit_of_work(tenant_id=principal.tenant_id) as session:
            service.create_conversation(
                session,
                principal=principal,
                request=ConversationCreate(phone=phone, channel="voice", dialed_number="95588"),
            )
        if index % 1000 == 0:
            _progress("history", index, with_history, started)
    sys.stderr.write("\n")
    return phones


def _import(
    rt: Runtime, principal: Principal, service: ContactService, batch: list[NewCustomer]
) -> None:
    with rt.db.unit_of_work(tenant_id=principal.tenant_id) as session:
        service.import_customers(session, principal=principal, customers=batch)


def _progress(stage: str, done: int, total: int, started: float) -> None:
    rate = done / max(time.perf_counter() - started, 1e-9)
    sys.stderr.write(f"\r{stage}: {done:,}/{total:,} ({rate:,.0f}/s)   ")
    sys.stderr.flush()


def written_forms(phone: str) -> list[str]:
    return [
        phone,
        f"+86 {phone[:3]} {phone[3:7]} {phone[7:]}",
        f"{phone[:3]}-{phone[3:7]}-{phone[7:]}",
        f"0086{phone}",
    ]


def measure(rt: Runtime, principal: Principal, phones: list[str], lookups: int) -> dict[str, float]:
    service = ContactService(keyring=rt.keyring, clock=rt.clock)
    rng = random.Random(5)
    samples: list[float] = []
    for _ in range(lookups):
        phone = rng.choice(phones)
        form = rng.choice(written_forms(phone))
        started = time.perf_counter()
        with rt.db.unit_of_work(tenant_id=principal.tenant_id) as session:
            found = service.lookup_by_phone(session, principal=principal, phone=form)
        samples.append(time.perf_counter() - started)
        if mask_phone(phone) not in found.customer.phones:
            raise AssertionError("lookup returned the wrong customer")
    return summary_ms(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--history", type=int, default=10_000)
    parser.add_argument("--lookups", type=int, default=5_000)
    args = parser.parse_args()
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    results: dict[str, object] = {"customers": args.customers, "with_history": args.history}
    for backend in backends:
        with store(backend) as rt:
            principal = tenant(rt)
            started = time.perf_counter()
            phones = populate(rt, principal, args.customers, args.history)
            import_s = time.perf_counter() - started
            measure(rt, principal, phones, 500)  # warm the page cache, as a running server would
            results[backend] = {
                "populate_s": round(import_s, 1),
                **measure(rt, principal, phones, args.lookups),
            }
    record(f"lookup-{args.customers}", results)


if __name__ == "__main__":
    main()
