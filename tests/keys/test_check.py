"""`keys check` finds and names every value or key that no longer opens."""

from __future__ import annotations

from sqlalchemy import select, update
from tests.keys.seeding import Seeded

from anxin.contact.models import Customer, Message
from anxin.crypto.keystore import data_keys
from anxin.keys.check import CheckReport, KeyCheck


def _check(world) -> CheckReport:
    report = CheckReport()
    KeyCheck(db=world.runtime.db, keyring=world.runtime.keyring).run(
        world.acme.id, report, lambda _n: None
    )
    return report


def test_a_clean_store_checks_good_by_table_column_and_version(world, seeded: Seeded):
    report = _check(world)
    assert report.ok
    counts = {k: tuple(v) for k, v in report.counts.items()}
    assert counts[("messages", "text", "dek:v1")] == (18, 0)
    assert counts[("customers", "email", "dek:v1")] == (6, 0)
    assert counts[("keystore.data_keys", "wrapped", "kek:v1")] == (6, 0)
    assert counts[("tickets", "subject", "dek:v1")] == (6, 0)


def test_tampered_moved_and_unwrappable_values_are_each_named(world, seeded: Seeded):
    first, second = seeded.customer_ids[:2]
    with world.runtime.db.unit_of_work(tenant_id=world.acme.id) as session:
        blob = session.scalar(
            select(Message.text_ct).where(Message.conversation_id == seeded.conversation_ids[0])
        )
        flipped = blob[:-1] + bytes([blob[-1] ^ 1])
        session.execute(
            update(Message)
            .where(Message.conversation_id == seeded.conversation_ids[0], Message.seq == 1)
            .values(text_ct=flipped)
        )
        # A ciphertext copied into another customer's row must not open there.
        email = session.scalar(select(Customer.email_ct).where(Customer.id == first))
        session.execute(update(Customer).where(Customer.id == second).values(email_ct=email))
    with world.runtime.keyring.keystore.begin() as conn:
        wrapped = conn.execute(
            select(data_keys.c.wrapped).where(data_keys.c.owner_id == seeded.customer_ids[2])
        ).scalar_one()
        conn.execute(
            update(data_keys)
            .where(data_keys.c.owner_id == seeded.customer_ids[2])
            .values(wrapped=bytes([wrapped[0] ^ 1]) + wrapped[1:])
        )

    report = _check(world)

    assert not report.ok
    named = {(f.table, f.row_id, f.column) for f in report.failures}
    assert ("messages", f"{seeded.conversation_ids[0]}:1", "text") in named
    assert ("customers", second, "email") in named
    assert ("keystore.data_keys", f"{seeded.customer_ids[2]}:1", "wrapped") in named
    # Values of the customer whose key no longer unwraps are failures too, each named.
    assert ("customers", seeded.customer_ids[2], "name") in named
    assert all("authentication" in f.reason or "key" in f.reason for f in report.failures)
    # The moved e-mail, and the e-mail of the customer whose key is damaged.
    assert report.counts[("customers", "email", "dek:v1")] == [4, 2]
