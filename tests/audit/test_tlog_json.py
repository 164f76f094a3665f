"""The shared proof and leaf-list documents: built from the stored tree, they verify against
the tree's roots, read back to the same bytes, and malformed documents are refused."""

from __future__ import annotations

import json

import pytest
from tests.audit.log_helpers import append_reads, make_checkpoint

from anxin.audit import merkle, tlog_json
from anxin.audit.stored_tree import StoredTree

ORIGIN = "anxin.example/audit/acme"


def _tree_docs(world):
    append_reads(world, world.acme.id, 7)
    make_checkpoint(world, world.acme.id)
    append_reads(world, world.acme.id, 4)
    with world.runtime.db.unit_of_work(tenant_id=world.acme.id) as session:
        tree = StoredTree(session.connection(), world.acme.id)
        size = tree.size()
        return size, (
            tlog_json.inclusion_from_tree(tree, origin=ORIGIN, leaf_index=3, tree_size=size),
            tlog_json.consistency_from_tree(tree, origin=ORIGIN, old_size=5, new_size=size),
            tlog_json.leaves_from_tree(tree, origin=ORIGIN, tree_size=size),
        )


def test_documents_from_the_stored_tree_verify_and_round_trip_through_json(world) -> None:
    size, (inclusion, consistency, leaves) = _tree_docs(world)
    assert list(inclusion) == [
        "format", "origin", "tree_size", "leaf_index", "leaf_hash", "root_hash", "proof",
    ]  # fmt: skip
    parsed_leaves = tlog_json.parse_leaves(json.loads(json.dumps(leaves)))
    root = parsed_leaves.root()
    proof = tlog_json.parse_inclusion(json.loads(json.dumps(inclusion)))
    assert proof.verifies()
    assert proof.root_hash == root
    assert proof.tree_size == size
    assert proof.leaf_hash == parsed_leaves.leaf_hashes[3]
    extension = tlog_json.parse_consistency(json.loads(json.dumps(consistency)))
    assert extension.verifies()
    assert extension.new_root == root
    assert extension.old_root == merkle.root(parsed_leaves.leaf_hashes[:5])


def test_out_of_range_requests_raise_proof_range_error(world) -> None:
    append_reads(world, world.acme.id, 3)
    with world.runtime.db.unit_of_work(tenant_id=world.acme.id) as session:
        tree = StoredTree(session.connection(), world.acme.id)
        size = tree.size()
        for call in (
            lambda: tlog_json.inclusion_from_tree(
                tree, origin=ORIGIN, leaf_index=size, tree_size=size
            ),
            lambda: tlog_json.inclusion_from_tree(
                tree, origin=ORIGIN, leaf_index=0, tree_size=size + 1
            ),
            lambda: tlog_json.consistency_from_tree(tree, origin=ORIGIN, old_size=2, new_size=1),
            lambda: tlog_json.consistency_from_tree(
                tree, origin=ORIGIN, old_size=1, new_size=size + 1
            ),
            lambda: tlog_json.leaves_from_tree(tree, origin=ORIGIN, tree_size=size + 1),
        ):
            with pytest.raises(merkle.ProofRangeError):
                call()


@pytest.mark.parametrize(
    "change",
    [
        {"format": "anxin-tlog-consistency/v1"},
        {"tree_size": "9"},
        {"tree_size": True},
        {"leaf_index": -1},
        {"leaf_hash": "ab"},
        {"root_hash": "zz" * 32},
        {"proof": ["00" * 31]},
        {"origin": None},
    ],
)
def test_when_an_inclusion_document_is_malformed_then_it_is_refused(change) -> None:
    good = tlog_json.inclusion_json(
        origin=ORIGIN, tree_size=2, leaf_index=0, leaf_hash=bytes(32), root_hash=bytes(32),
        proof=[bytes(32)],
    )  # fmt: skip
    tlog_json.parse_inclusion(good)
    with pytest.raises(tlog_json.TlogJsonError):
        tlog_json.parse_inclusion({**good, **change})


def test_a_leaf_list_whose_length_is_not_its_size_is_refused() -> None:
    doc = tlog_json.leaves_json(origin=ORIGIN, tree_size=2, leaf_hashes=[bytes(32)])
    with pytest.raises(tlog_json.TlogJsonError):
        tlog_json.parse_leaves(doc)
