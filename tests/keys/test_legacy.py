"""A data directory from before the keystore (schema 0001) keeps every key through `anxin init`."""

from __future__ import annotations

import pytest
from sqlalchemy import MetaData, Table, create_engine, insert, select
from tests.keys.seeding import Seeded

from anxin.cli.bootstrap import build_runtime, initialize
from anxin.crypto.keystore import data_keys, index_keys
from anxin.db.migrate import downgrade, upgrade
from anxin.keys.check import CheckReport, KeyCheck


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_init_moves_legacy_keys_into_the_keystore(world, seeded: Seeded, settings, clock):
    keystore_path = settings.effective_key_file.parent / "keystore.db"
    with world.runtime.keyring.keystore.connect() as conn:
        deks = [dict(r._mapping) for r in conn.execute(select(data_keys))]
        indexes = [dict(r._mapping) for r in conn.execute(select(index_keys))]
    world.runtime.close()
    # Rebuild what schema 0001 looked like: wrapped keys beside the records, no keystore.
    engine = create_engine(settings.effective_database_url)
    downgrade(engine, revision="0001")
    legacy = MetaData()
    old_deks = Table("data_keys", legacy, autoload_with=engine)
    old_index = Table("tenant_index_keys", legacy, autoload_with=engine)
    with engine.begin() as conn:
        conn.execute(insert(old_deks), [{c.name: r[c.name] for c in old_deks.c} for r in deks])
        conn.execute(insert(old_index), [{c.name: r[c.name] for c in old_index.c} for r in indexes])
    with pytest.raises(RuntimeError, match="anxin init"):
        upgrade(engine)  # the migration alone refuses to drop keys
    engine.dispose()
    keystore_path.unlink()

    initialize(settings, clock=clock)

    rt = build_runtime(settings, clock=clock)
    try:
        with rt.db.unit_of_work(tenant_id=world.acme.id) as session:
            history = (
                world.contact()
                .__class__(keyring=rt.keyring, clock=clock)
                .lookup_by_phone(
                    session, principal=world.acme.users["agent"], phone=seeded.phones[0]
                )
            )
        assert history.customer.id == seeded.customer_ids[0]
        assert history.customer.email  # decrypted (then masked) with a key that was moved
        report = CheckReport()
        KeyCheck(db=rt.db, keyring=rt.keyring).run(world.acme.id, report, lambda _n: None)
        assert report.ok
        assert report.counts[("keystore.data_keys", "wrapped", "kek:v1")][0] == len(
            [d for d in deks if d["tenant_id"] == world.acme.id]
        )
    finally:
        rt.close()
