"""Per-tenant rotation policy and what `keys status` makes of it as keys age."""

from __future__ import annotations

import datetime as dt

import pytest

from anxin.keys.policy import MAX_DAYS, PolicyInvalid, read_policy, set_policy
from anxin.keys.rotation import KeyRotation
from anxin.keys.status import tenant_status


def _status(world):
    rt = world.runtime
    return tenant_status(
        rt.keyring, tenant_id=world.acme.id, tenant_name="acme", now=rt.clock.now()
    )


def test_default_policy_is_a_90_day_kek_and_no_index_limit(world):
    policy = read_policy(world.runtime.keyring.keystore, tenant_id=world.acme.id)
    assert (policy.kek_rotation_days, policy.index_rotation_days) == (90, None)
    status = _status(world)
    assert (status.kek_rotation_due, status.index_rotation_due) == (False, False)


def test_rotation_falls_due_as_keys_age_and_clears_after_rotating(world):
    rt = world.runtime
    keystore = rt.keyring.keystore
    set_policy(keystore, tenant_id=world.acme.id, kek_days=30, index_days=60)
    rt.clock.advance(dt.timedelta(days=30))
    status = _status(world)
    assert status.kek_rotation_due
    assert not status.index_rotation_due
    rt.clock.advance(dt.timedelta(days=30))
    assert _status(world).index_rotation_due

    rotation = KeyRotation(db=rt.db, keyring=rt.keyring, clock=rt.clock)
    rotation.rotate_kek(world.acme.id)
    rotation.rotate_index(world.acme.id)
    status = _status(world)
    assert (status.kek_rotation_due, status.index_rotation_due) == (False, False)
    # The other tenant keeps the default policy.
    assert read_policy(keystore, tenant_id=world.globex.id).kek_rotation_days == 90


def test_changing_one_limit_keeps_the_other_and_zero_removes_the_index_limit(world):
    keystore = world.runtime.keyring.keystore
    set_policy(keystore, tenant_id=world.acme.id, kek_days=None, index_days=45)
    policy = set_policy(keystore, tenant_id=world.acme.id, kek_days=120, index_days=None)
    assert (policy.kek_rotation_days, policy.index_rotation_days) == (120, 45)
    policy = set_policy(keystore, tenant_id=world.acme.id, kek_days=None, index_days=0)
    assert policy.index_rotation_days is None
    assert read_policy(keystore, tenant_id=world.acme.id) == policy


@pytest.mark.parametrize(
    ("kek", "index"), [(0, None), (-5, None), (MAX_DAYS + 1, None), (None, -1)]
)
def test_out_of_range_days_are_refused_and_nothing_changes(world, kek, index):
    keystore = world.runtime.keyring.keystore
    before = read_policy(keystore, tenant_id=world.acme.id)
    with pytest.raises(PolicyInvalid) as raised:
        set_policy(keystore, tenant_id=world.acme.id, kek_days=kek, index_days=index)
    assert raised.value.code == "keys.policy_invalid"
    assert read_policy(keystore, tenant_id=world.acme.id) == before
