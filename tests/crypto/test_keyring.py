"""The keyring and keystore: versions, usage limits, destruction, and no key material in reprs."""

from __future__ import annotations

import datetime as dt
import os
import stat
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select, update

from anxin.crypto.aead import FieldRef
from anxin.crypto.errors import KeyDestroyed, KeyExhausted, KeystoreError, UnwrapFailed
from anxin.crypto.keyfile import LocalKeyFileProvider
from anxin.crypto.keyring import FLUSH_EVERY, Keyring
from anxin.crypto.keystore import Keystore, data_keys

NOW = dt.datetime(2026, 11, 25, 8, 0, tzinfo=dt.UTC)
REF = FieldRef("t1", "customers", "email", "owner-1")


@pytest.fixture
def keyring(tmp_path: Path) -> Iterator[Keyring]:
    provider = LocalKeyFileProvider.create(tmp_path / "keys" / "anxin.keys")
    store = Keystore.open(f"sqlite:///{tmp_path / 'keys' / 'keystore.db'}", create=True)
    ring = Keyring(provider, store, invocation_limit=FLUSH_EVERY * 2 + 10)
    ring.create_tenant_keys(tenant_id="t1", now=NOW)
    yield ring
    ring.close()


def _seal_many(key, count: int) -> None:
    for _ in range(count):
        key.seal(REF, "x")


def test_keystore_file_is_private_and_a_missing_one_says_run_init(tmp_path: Path, keyring):
    path = tmp_path / "keys" / "keystore.db"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with pytest.raises(KeystoreError, match="anxin init"):
        Keystore.open(f"sqlite:///{tmp_path / 'nowhere.db'}")


def test_tenant_keys_are_idempotent_and_versioned(keyring: Keyring):
    keyring.create_tenant_keys(tenant_id="t1", now=NOW)  # a retried tenant creation
    assert [k.version for k in keyring.index_keys(tenant_id="t1")] == [1]
    keyring.add_index_key(tenant_id="t1", version=2, now=NOW)
    assert [k.version for k in keyring.index_keys(tenant_id="t1")] == [2, 1]
    with keyring.keystore.connect() as conn:
        assert keyring.current_kek_version(conn, tenant_id="t1") == 1


def test_values_open_under_the_version_that_sealed_them(keyring: Keyring):
    v1 = keyring.new_data_key(tenant_id="t1", owner_id="owner-1", now=NOW)
    old = v1.seal(REF, "zhang@example.com")
    keyring.ensure_data_keys(tenant_id="t1", versions={"owner-1": 2}, now=NOW)
    keys = keyring.owner_keys(tenant_id="t1", owner_id="owner-1", current_version=2)
    new = keys.seal(REF, "li@example.com")
    assert (keys.open(REF, old), keys.open(REF, new)) == ("zhang@example.com", "li@example.com")


def test_seal_counts_are_stored_and_the_limit_stops_sealing(keyring: Keyring):
    key = keyring.new_data_key(tenant_id="t1", owner_id="owner-1", now=NOW)
    _seal_many(key, FLUSH_EVERY + 5)
    with keyring.keystore.connect() as conn:
        stored = conn.execute(select(data_keys.c.invocations)).scalar_one()
    assert stored == FLUSH_EVERY
    keyring.flush_usage()
    with keyring.keystore.connect() as conn:
        assert conn.execute(select(data_keys.c.invocations)).scalar_one() == FLUSH_EVERY + 5
    # Another process's seals count too: they arrive with the next flush.
    with keyring.keystore.begin() as conn:
        conn.execute(update(data_keys).values(invocations=data_keys.c.invocations + FLUSH_EVERY))
    with pytest.raises(KeyExhausted, match="rotate"):
        _seal_many(key, FLUSH_EVERY * 2)


def test_evicted_keys_hand_their_seal_counts_to_the_keystore(tmp_path: Path, keyring):
    small = Keyring(keyring.provider, keyring.keystore, cache_size=16)
    for n in range(40):
        _seal_many(small.new_data_key(tenant_id="t1", owner_id=f"owner-{n}", now=NOW), n % 3 + 1)
    with keyring.keystore.connect() as conn:
        counts = dict(conn.execute(select(data_keys.c.owner_id, data_keys.c.invocations)).all())
    cached = {key[0] for key in small._data_keys}
    assert len(cached) <= 16
    # Every key that left the cache has its seals stored; only cached ones may still owe some.
    assert all(counts[f"owner-{n}"] == n % 3 + 1 for n in range(40) if f"owner-{n}" not in cached)
    small.flush_usage()
    with keyring.keystore.connect() as conn:
        counts = dict(conn.execute(select(data_keys.c.owner_id, data_keys.c.invocations)).all())
    assert counts == {f"owner-{n}": n % 3 + 1 for n in range(40)}


def test_destroyed_keys_are_gone_and_say_so(keyring: Keyring):
    key = keyring.new_data_key(tenant_id="t1", owner_id="owner-1", now=NOW)
    blob = key.seal(REF, "zhang@example.com")
    assert keyring.destroy_data_keys(tenant_id="t1", owner_id="owner-1", now=NOW) == 1
    keys = keyring.owner_keys(tenant_id="t1", owner_id="owner-1", current_version=1)
    with pytest.raises(KeyDestroyed):
        keys.open(REF, blob)


def test_a_tampered_wrapped_key_fails_naming_the_key_not_its_bytes(keyring: Keyring):
    keyring.new_data_key(tenant_id="t1", owner_id="owner-1", now=NOW)
    keyring.forget("owner-1")
    with keyring.keystore.begin() as conn:
        wrapped = conn.execute(select(data_keys.c.wrapped)).scalar_one()
        conn.execute(update(data_keys).values(wrapped=wrapped[:-1] + bytes([wrapped[-1] ^ 1])))
    with pytest.raises(UnwrapFailed) as caught:
        keyring.data_key(tenant_id="t1", owner_id="owner-1", version=1)
    assert "data key v1 of owner-1" in str(caught.value)
    assert wrapped.hex()[:16] not in str(caught.value)
    assert caught.value.tenant_id == "t1"


def test_no_key_material_in_reprs(keyring: Keyring):
    key = keyring.new_data_key(tenant_id="t1", owner_id="owner-1", now=NOW)
    index = keyring.index_key(tenant_id="t1")
    text = repr(key) + repr(index) + repr(keyring.provider)
    assert index.key.hex() not in text
    assert repr(index.key) not in text
    assert "cipher" not in repr(key)
    assert os.fspath(keyring.provider.path) in repr(keyring.provider)


def test_another_process_sees_a_new_index_key_once_its_cached_list_expires(tmp_path: Path, keyring):
    # A second keyring on the same key file and keystore stands for another process.
    other = Keyring(
        LocalKeyFileProvider(tmp_path / "keys" / "anxin.keys"),
        Keystore.open(f"sqlite:///{tmp_path / 'keys' / 'keystore.db'}"),
        index_keys_ttl=0.2,
    )
    try:
        assert [k.version for k in other.index_keys(tenant_id="t1")] == [1]
        keyring.add_index_key(tenant_id="t1", version=2, now=NOW)
        # The writer sees its own change at once; the other process within its TTL.
        assert [k.version for k in keyring.index_keys(tenant_id="t1")] == [2, 1]
        assert [k.version for k in other.index_keys(tenant_id="t1")] == [1]
        time.sleep(0.25)
        assert [k.version for k in other.index_keys(tenant_id="t1")] == [2, 1]
    finally:
        other.close()


def test_keystore_reads_go_on_while_another_process_holds_the_write_lock(tmp_path: Path, keyring):
    key = keyring.new_data_key(tenant_id="t1", owner_id="owner-1", now=NOW)
    blob = key.seal(REF, "still readable")
    reader = Keyring(
        LocalKeyFileProvider(tmp_path / "keys" / "anxin.keys"),
        Keystore.open(f"sqlite:///{tmp_path / 'keys' / 'keystore.db'}"),
    )
    try:
        with keyring.keystore.begin() as conn:  # e.g. a rotation batch mid-transaction
            conn.execute(update(data_keys).values(invocations=data_keys.c.invocations + 1))
            opened = reader.data_key(tenant_id="t1", owner_id="owner-1", version=1).open(REF, blob)
            assert opened == "still readable"
            assert [k.version for k in reader.index_keys(tenant_id="t1")] == [1]
    finally:
        reader.close()
