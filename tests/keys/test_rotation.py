"""Online rotation of KEKs, DEKs and blind-index keys, against real stores."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from tests.keys.seeding import Seeded, seed

from anxin.contact import sealed
from anxin.contact.models import CustomerIndex, MessageIndex
from anxin.crypto import aead
from anxin.crypto.blind_index import IndexKind, blind_digest
from anxin.crypto.errors import UnknownKey
from anxin.crypto.keystore import data_keys, keks
from anxin.keys.check import CheckReport, KeyCheck
from anxin.keys.rotation import KeyRotation
from anxin.keys.status import tenant_status
from anxin.pii import normalize


def _rotation(world) -> KeyRotation:
    rt = world.runtime
    return KeyRotation(db=rt.db, keyring=rt.keyring, clock=rt.clock)


def _check(world, tenant_id: str) -> CheckReport:
    report = CheckReport()
    KeyCheck(db=world.runtime.db, keyring=world.runtime.keyring).run(
        tenant_id, report, lambda _n: None
    )
    return report


def _lookup(world, phone: str):
    with world.runtime.db.unit_of_work(tenant_id=world.acme.id) as session:
        return world.contact().lookup_by_phone(
            session, principal=world.acme.users["agent"], phone=phone
        )


def _blobs(world) -> dict[tuple[str, str], bytes]:
    out = {}
    with world.runtime.db.unit_of_work(tenant_id=world.acme.id) as session:
        for column in sealed.COLUMNS:
            for value in sealed.scan(
                session, column, tenant_id=world.acme.id, after=None, limit=10_000
            ):
                out[(column.label, value.row_id)] = value.blob
    return out


def _plaintexts(world) -> dict[tuple[str, str], str]:
    """Every sealed value of acme, opened the way the services open them."""
    keyring, out = world.runtime.keyring, {}
    with world.runtime.db.unit_of_work(tenant_id=world.acme.id) as session:
        for column in sealed.COLUMNS:
            for value in sealed.scan(
                session, column, tenant_id=world.acme.id, after=None, limit=10_000
            ):
                keys = keyring.owner_keys(
                    tenant_id=world.acme.id, owner_id=value.owner_id, current_version=0
                )
                out[(column.label, value.row_id)] = keys.open(value.ref(world.acme.id), value.blob)
    return out


def test_kek_rotation_rewraps_every_key_and_retires_the_old_version(world, seeded: Seeded):
    rt = world.runtime
    before = tenant_status(
        rt.keyring, tenant_id=world.acme.id, tenant_name="acme", now=rt.clock.now()
    )
    assert [(k.version, k.state, k.wraps_deks) for k in before.keks] == [(1, "current", 6)]

    report = _rotation(world).rotate_kek(world.acme.id, batch=4)

    assert (report.target_version, report.processed, report.retired) == (2, 6, (1,))
    after = tenant_status(
        rt.keyring, tenant_id=world.acme.id, tenant_name="acme", now=rt.clock.now()
    )
    assert [(k.version, k.state, k.wraps_deks) for k in after.keks] == [
        (1, "retired", 0),
        (2, "current", 6),
    ]
    rt.keyring.forget_index_keys(world.acme.id)
    for owner in seeded.customer_ids:
        rt.keyring.forget(owner)
    assert _lookup(world, seeded.phones[0]).customer.id == seeded.customer_ids[0]
    assert _check(world, world.acme.id).ok
    # New customers get DEKs under the new KEK; the other tenant is untouched.
    seed(world, 1, offset=50)
    with rt.keyring.keystore.connect() as conn:
        versions = set(
            conn.execute(
                select(data_keys.c.kek_version).where(data_keys.c.tenant_id == world.acme.id)
            ).scalars()
        )
        other = (
            conn.execute(select(keks.c.version).where(keks.c.tenant_id == world.globex.id))
            .scalars()
            .all()
        )
    assert versions == {2}
    assert other == [1]


def test_destroying_retired_keks_removes_them_from_the_provider(world, seeded: Seeded):
    rotation = _rotation(world)
    rotation.rotate_kek(world.acme.id)
    assert rotation.destroy_retired_keks(world.acme.id) == (1,)
    provider = world.runtime.keyring.provider
    assert provider.kek_versions(tenant_id=world.acme.id) == [2]
    with pytest.raises(UnknownKey):
        provider.unwrap(tenant_id=world.acme.id, kek_version=1, wrapped=b"x" * 40, context=b"")
    assert _check(world, world.acme.id).ok


def test_dek_rotation_reseals_every_value_and_destroys_old_keys(world, seeded: Seeded):
    before = _blobs(world)
    texts = _plaintexts(world)

    report = _rotation(world).rotate_dek(world.acme.id, batch=4)

    after = _blobs(world)
    assert report.processed == 6
    assert report.values == len(before) == len(after)
    assert report.destroyed == 6
    assert all(after[k] != before[k] for k in before)
    assert {aead.key_version_of(b) for b in after.values()} == {2}
    for owner in seeded.customer_ids:
        world.runtime.keyring.forget(owner)
    assert _plaintexts(world) == texts
    assert _lookup(world, seeded.phones[3]).customer.email is not None
    with world.runtime.keyring.keystore.connect() as conn:
        rows = conn.execute(
            select(data_keys.c.version, data_keys.c.wrapped, data_keys.c.destroyed_at).where(
                data_keys.c.owner_id == seeded.customer_ids[0]
            )
        ).all()
    assert [(r.version, r.wrapped == b"", r.destroyed_at is not None) for r in sorted(rows)] == [
        (1, True, True),
        (2, False, False),
    ]
    assert _check(world, world.acme.id).ok


def test_index_rotation_answers_lookups_throughout(world, seeded: Seeded):
    found: list[str] = []

    def during(done: int, total: int) -> None:
        # Between batches: old and new entries coexist; lookups and new customers must work.
        found.append(_lookup(world, seeded.phones[-1]).customer.id)
        if done == 2:
            extra = seed(world, 1, offset=90)
            found.append(_lookup(world, extra.phones[0]).customer.id)

    report = _rotation(world).rotate_index(world.acme.id, batch=2, progress=during)

    assert report.retired == (1,)
    assert found[0] == seeded.customer_ids[-1]
    assert len(found) >= 4
    with world.runtime.db.unit_of_work(tenant_id=world.acme.id) as session:
        versions = set(session.scalars(select(CustomerIndex.key_version)))
    assert versions == {2}
    for phone, customer_id in zip(seeded.phones, seeded.customer_ids, strict=True):
        assert _lookup(world, phone).customer.id == customer_id
    assert _lookup(world, "13900000090").customer is not None
    _assert_message_index_rebuilt(world, [*seeded.phones, "13900000090"], version=2)


def _assert_message_index_rebuilt(world, phones: list[str], *, version: int) -> None:
    """Every message mentioning a seeded number is indexed under the new key, and only it."""
    (key,) = world.runtime.keyring.index_keys(tenant_id=world.acme.id)
    assert key.version == version
    with world.runtime.db.unit_of_work(tenant_id=world.acme.id) as session:
        rows = session.execute(select(MessageIndex.digest, MessageIndex.key_version)).all()
    assert {v for _, v in rows} == {version}
    assert len(rows) == 3 * len(phones)  # three messages per seeded conversation
    expected = {
        blind_digest(key.key, kind=IndexKind.PHONE, normalized=normalize.normalize_phone(p))
        for p in phones
    }
    assert {d for d, _ in rows} == expected


class Killed(Exception):
    pass


@pytest.mark.parametrize("kind", ["kek", "dek", "index"])
def test_an_interrupted_rotation_resumes_and_completes(world, seeded: Seeded, kind: str):
    rotation = _rotation(world)
    run = {"kek": rotation.rotate_kek, "dek": rotation.rotate_dek, "index": rotation.rotate_index}[
        kind
    ]

    def die(done: int, total: int) -> None:
        raise Killed

    with pytest.raises(Killed):
        run(world.acme.id, batch=2, progress=die)
    report = run(world.acme.id, batch=2)

    assert report.resumed
    assert _check(world, world.acme.id).ok
    for phone, customer_id in zip(seeded.phones, seeded.customer_ids, strict=True):
        assert _lookup(world, phone).customer.id == customer_id
    status = tenant_status(
        world.runtime.keyring,
        tenant_id=world.acme.id,
        tenant_name="acme",
        now=world.runtime.clock.now(),
    )
    assert status.open_jobs == []
    if kind == "index":
        _assert_message_index_rebuilt(world, seeded.phones, version=2)
