"""Merkle tree (issue 7): root of a long log in one pass, and proofs over it.

    PYTHONPATH=src python -m bench.merkle [--leaves 1000000] [--proofs 10000]

Targets from the issue: verify 1,000,000 events in at most 10 s on 2 cores (here: hash each
event's bytes as a leaf and fold it into a CompactRange, one pass, one core), and proof
generation over 1,000,000 leaves with p99 at most 1 ms (here: from an in-memory MerkleTree
holding every level of perfect subtree hashes, as the database layer will store them).
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import time

from anxin.audit.merkle import (
    CompactRange,
    MerkleTree,
    leaf_hash,
    root,
    verify_consistency,
    verify_inclusion,
)
from bench.common import record, summary_ms

# About the size of a canonical audit event (ids, action, actor, time, a few details).
EVENT = b'{"action":"contact:customer:read","actor":"00000000-0000-0000-0000-000000000000",' * 3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--leaves", type=int, default=1_000_000)
    parser.add_argument("--proofs", type=int, default=10_000)
    args = parser.parse_args()
    n: int = args.leaves
    load_before = os.getloadavg()

    events = [EVENT + i.to_bytes(8, "big") for i in range(n)]

    t0 = time.perf_counter()
    compact = CompactRange()
    for event in events:
        compact.append(leaf_hash(event))
    head = compact.root()
    verify_events_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    leaves = [leaf_hash(event) for event in events]
    leaf_hashing_s = time.perf_counter() - t0
    del events

    t0 = time.perf_counter()
    assert root(leaves) == head
    root_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    tree = MerkleTree(leaves)
    build_s = time.perf_counter() - t0
    assert tree.root() == head

    proofs = _proof_timings(tree, leaves, head, args.proofs, random.Random(7))

    record(
        "merkle",
        {
            "leaves": n,
            "load_average_before": [round(x, 2) for x in load_before],
            "load_average_after": [round(x, 2) for x in os.getloadavg()],
            "verify_events_s": round(verify_events_s, 3),
            "leaf_hashing_s": round(leaf_hashing_s, 3),
            "root_from_leaf_hashes_s": round(root_s, 3),
            "tree_build_s": round(build_s, 3),
            **proofs,
            # Linux reports kilobytes; includes the 1,000,000 event byte strings held at the start.
            "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        },
    )


def _proof_timings(
    tree: MerkleTree, leaves: list[bytes], head: bytes, count: int, rng: random.Random
) -> dict[str, dict[str, float]]:
    n = tree.size
    inc_gen: list[float] = []
    inc_ver: list[float] = []
    past_gen: list[float] = []
    for _ in range(count):
        index = rng.randrange(n)
        t0 = time.perf_counter()
        proof = tree.inclusion_proof(index, n)
        t1 = time.perf_counter()
        ok = verify_inclusion(leaves[index], index, n, proof, head)
        t2 = time.perf_counter()
        assert ok
        inc_gen.append(t1 - t0)
        inc_ver.append(t2 - t1)
        size = rng.randrange(1, n + 1)
        t0 = time.perf_counter()
        tree.inclusion_proof(rng.randrange(size), size)
        past_gen.append(time.perf_counter() - t0)

    con_gen: list[float] = []
    con_ver: list[float] = []
    old_heads: dict[int, bytes] = {}
    olds = [rng.randrange(1, n) for _ in range(min(count, 1000))]
    for old in olds:
        old_heads[old] = tree.root(old)
    for old in olds:
        t0 = time.perf_counter()
        proof = tree.consistency_proof(old, n)
        t1 = time.perf_counter()
        ok = verify_consistency(old, n, old_heads[old], head, proof)
        t2 = time.perf_counter()
        assert ok
        con_gen.append(t1 - t0)
        con_ver.append(t2 - t1)

    return {
        "inclusion_proof_at_head": summary_ms(inc_gen),
        "inclusion_proof_at_past_size": summary_ms(past_gen),
        "inclusion_verify": summary_ms(inc_ver),
        "consistency_proof": summary_ms(con_gen),
        "consistency_verify": summary_ms(con_ver),
    }


if __name__ == "__main__":
    main()
