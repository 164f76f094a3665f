"""The per-tenant Merkle log in the database: gapless numbering in the action's transaction,
leaf hashes over the canonical entry, stored subtrees, checkpoints and proofs that match the
in-memory reference tree."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select
from tests.audit.log_helpers import PREFIX, append_reads, make_checkpoint

from anxin.audit import checkpoints, merkle
from anxin.audit import service as audit_service
from anxin.audit.actions import AuditAction
from anxin.audit.checkpoint import open_checkpoint
from anxin.audit.entry import entry_bytes, entry_leaf_hash
from anxin.audit.models import AuditEvent, AuditNode
from anxin.audit.stored_tree import StoredTree, blocks_of


def _rows(world, tenant_id: str) -> list[AuditEvent]:
    with world.runtime.db.unit_of_work(tenant_id=tenant_id) as session:
        query = select(AuditEvent).where(AuditEvent.tenant_id == tenant_id).order_by(AuditEvent.seq)
        return list(session.scalars(query))


def _values(row: AuditEvent) -> dict[str, object]:
    return {c.name: getattr(row, c.name) for c in audit_service.AUDIT_TABLE.columns}


def test_sequence_numbers_are_gapless_per_tenant_and_leaves_hash_the_entry(world) -> None:
    append_reads(world, world.acme.id, 5)
    append_reads(world, world.globex.id, 3)
    for tenant in (world.acme, world.globex):
        rows = _rows(world, tenant.id)
        assert [r.seq for r in rows] == list(range(len(rows)))
        for row in rows:
            assert row.leaf_hash == entry_leaf_hash(_values(row))
    entry = entry_bytes(_values(rows[-1]))
    assert entry.startswith(b'{"action":"contact:customer:read","actor_id":')
    assert '"detail":{"n":2,"note":"读取"}'.encode() in entry


def test_a_rolled_back_action_leaves_no_hole(world) -> None:
    before = len(_rows(world, world.acme.id))

    def failing_action() -> None:
        with world.runtime.db.unit_of_work(tenant_id=world.acme.id) as s:
            audit_service.append(
                s,
                principal=world.acme.users["agent"],
                action=AuditAction.CUSTOMER_READ,
                object_type="customer",
                object_id="x",
                now=world.runtime.clock.now(),
            )
            raise RuntimeError("the action failed")

    with pytest.raises(RuntimeError):
        failing_action()
    append_reads(world, world.acme.id, 1)
    assert [r.seq for r in _rows(world, world.acme.id)] == list(range(before + 1))


@pytest.mark.parametrize("batches", [[1], [7, 1, 9], [16, 16], [33, 2, 64]])
def test_checkpoints_and_proofs_match_the_reference_tree(world, batches) -> None:
    made = []
    for count in batches:
        append_reads(world, world.acme.id, count)
        made.append(make_checkpoint(world, world.acme.id))
    leaves = [r.leaf_hash for r in _rows(world, world.acme.id)]
    reference = merkle.MerkleTree(leaves)
    key = world.runtime.audit_signing_key()
    origin = checkpoints.origin(PREFIX, world.acme.id)
    for stored, fresh in made:
        assert fresh
        opened = open_checkpoint(stored.note, [key.verifier(origin)], origin=origin)
        assert opened.checkpoint.size == stored.tree_size
        assert opened.checkpoint.root_hash == reference.root(stored.tree_size)
    again, fresh = make_checkpoint(world, world.acme.id)
    assert not fresh
    assert again.note == made[-1][0].note
    n = len(leaves)
    with world.runtime.db.unit_of_work(tenant_id=world.acme.id) as session:
        tree = StoredTree(session.connection(), world.acme.id)
        for size in {1, n // 2 or 1, n - 1 or 1, n}:
            assert tree.root(size) == reference.root(size)
            for index in {0, size // 2, size - 1}:
                assert tree.inclusion_proof(index, size) == reference.inclusion_proof(index, size)
            for old in {0, 1, size // 3, size}:
                assert tree.consistency_proof(old, size) == reference.consistency_proof(old, size)
        with pytest.raises(merkle.ProofRangeError):
            tree.inclusion_proof(n, n)
        with pytest.raises(merkle.ProofRangeError):
            tree.root(n + 1)
        nodes = session.scalars(select(AuditNode).where(AuditNode.tenant_id == world.acme.id))
        assert {(x.level, x.idx) for x in nodes} == {
            (level, i) for level in range(1, n.bit_length()) for i in range(n >> level)
        }


def test_blocks_follow_the_binary_digits_of_the_length() -> None:
    assert blocks_of(0, 13) == [(3, 0), (2, 2), (0, 12)]
    assert blocks_of(8, 11) == [(1, 4), (0, 10)]
    assert blocks_of(5, 5) == []


def test_proofs_for_a_log_without_checkpoints_hash_from_leaves(world) -> None:
    append_reads(world, world.globex.id, 11)
    leaves = [r.leaf_hash for r in _rows(world, world.globex.id)]
    with world.runtime.db.unit_of_work(tenant_id=world.globex.id) as session:
        tree = StoredTree(session.connection(), world.globex.id)
        assert tree.inclusion_proof(3, len(leaves)) == merkle.inclusion_proof(
            leaves, 3, len(leaves)
        )


def test_a_tenant_cannot_read_another_tenants_tree(world, backend) -> None:
    append_reads(world, world.globex.id, 4)
    expected = 0 if backend == "postgres" else len(_rows(world, world.globex.id))
    with world.runtime.db.unit_of_work(tenant_id=world.acme.id) as session:
        tree = StoredTree(session.connection(), world.globex.id)
        assert tree.size() == expected  # row-level security on PostgreSQL


def test_concurrent_appends_to_one_log_get_distinct_gapless_numbers(world) -> None:
    """Eight writers at once: the per-log lock (PostgreSQL) or the single writer (SQLite)
    hands out each number once, and every committed event is numbered."""
    before = len(_rows(world, world.acme.id))
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda _: append_reads(world, world.acme.id, 3), range(16)))
    assert [r.seq for r in _rows(world, world.acme.id)] == list(range(before + 48))
