"""The JSON shapes of proofs and leaf lists, shared by the HTTP API and the CLI.

One place builds and reads them so a proof fetched over HTTP and one written by
`anxin audit prove` are byte-for-byte the same document, and a verifier written against one
accepts the other. Hashes are lowercase hex. The shapes:

    {"format": "anxin-tlog-inclusion/v1", "origin", "tree_size", "leaf_index", "leaf_hash",
     "root_hash", "proof": [hex, ...]}
    {"format": "anxin-tlog-consistency/v1", "origin", "old_size", "new_size", "old_root",
     "new_root", "proof": [hex, ...]}
    {"format": "anxin-tlog-leaves/v1", "origin", "tree_size", "leaf_hashes": [hex, ...]}

`inclusion_from_tree` and friends build a document from a log's `StoredTree`; `parse_*`
read one back (refusing a wrong format, a missing key or a hash that is not 32 bytes of hex)
so whoever verifies gets bytes to hand to `merkle.verify_*`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

from anxin.audit import merkle
from anxin.audit.stored_tree import StoredTree

INCLUSION_FORMAT = "anxin-tlog-inclusion/v1"
CONSISTENCY_FORMAT = "anxin-tlog-consistency/v1"
LEAVES_FORMAT = "anxin-tlog-leaves/v1"


class TlogJsonError(ValueError):
    """A document that is not a well-formed proof or leaf list of the expected format."""


def _hex(values: Sequence[bytes]) -> list[str]:
    return [bytes(v).hex() for v in values]


# -- building --------------------------------------------------------------------------------


def inclusion_json(
    *,
    origin: str,
    tree_size: int,
    leaf_index: int,
    leaf_hash: bytes,
    root_hash: bytes,
    proof: Sequence[bytes],
) -> dict[str, Any]:
    return {
        "format": INCLUSION_FORMAT,
        "origin": origin,
        "tree_size": tree_size,
        "leaf_index": leaf_index,
        "leaf_hash": leaf_hash.hex(),
        "root_hash": root_hash.hex(),
        "proof": _hex(proof),
    }


def consistency_json(
    *,
    origin: str,
    old_size: int,
    new_size: int,
    old_root: bytes,
    new_root: bytes,
    proof: Sequence[bytes],
) -> dict[str, Any]:
    return {
        "format": CONSISTENCY_FORMAT,
        "origin": origin,
        "old_size": old_size,
        "new_size": new_size,
        "old_root": old_root.hex(),
        "new_root": new_root.hex(),
        "proof": _hex(proof),
    }


def leaves_json(*, origin: str, tree_size: int, leaf_hashes: Sequence[bytes]) -> dict[str, Any]:
    return {
        "format": LEAVES_FORMAT,
        "origin": origin,
        "tree_size": tree_size,
        "leaf_hashes": _hex(leaf_hashes),
    }


def _check_inclusion_range(index: int, size: int) -> None:
    if not 0 <= index < size:
        raise merkle.ProofRangeError(f"leaf index {index} is not in a tree of size {size}")


def _check_consistency_range(old_size: int, new_size: int) -> None:
    if not 0 <= old_size <= new_size:
        raise merkle.ProofRangeError(
            f"tree sizes {old_size} and {new_size} must satisfy 0 <= old_size <= new_size"
        )


def inclusion_from_tree(
    tree: StoredTree, *, origin: str, leaf_index: int, tree_size: int
) -> dict[str, Any]:
    """Leaf `leaf_index` in the tree of the log's first `tree_size` leaves.

    Raises `merkle.ProofRangeError` when the index or size is outside the log.
    """
    _check_inclusion_range(leaf_index, tree_size)
    proof = tree.inclusion_proof(leaf_index, tree_size)
    return inclusion_json(
        origin=origin,
        tree_size=tree_size,
        leaf_index=leaf_index,
        leaf_hash=tree.leaf_hash(leaf_index),
        root_hash=tree.root(tree_size),
        proof=proof,
    )


def consistency_from_tree(
    tree: StoredTree, *, origin: str, old_size: int, new_size: int
) -> dict[str, Any]:
    """The log at `new_size` extends the log at `old_size` (ProofRangeError outside it)."""
    _check_consistency_range(old_size, new_size)
    proof = tree.consistency_proof(old_size, new_size)
    return consistency_json(
        origin=origin,
        old_size=old_size,
        new_size=new_size,
        old_root=tree.root(old_size),
        new_root=tree.root(new_size),
        proof=proof,
    )


def leaves_from_tree(tree: StoredTree, *, origin: str, tree_size: int) -> dict[str, Any]:
    """The first `tree_size` leaf hashes (ProofRangeError beyond the log's size)."""
    if not 0 <= tree_size <= tree.size():
        raise merkle.ProofRangeError(f"tree size {tree_size} is not in 0..{tree.size()}")
    return leaves_json(
        origin=origin, tree_size=tree_size, leaf_hashes=tree.leaf_hashes(0, tree_size)
    )


# -- reading ---------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, slots=True)
class InclusionProof:
    origin: str
    tree_size: int
    leaf_index: int
    leaf_hash: bytes
    root_hash: bytes
    proof: list[bytes]

    def verifies(self) -> bool:
        return merkle.verify_inclusion(
            self.leaf_hash, self.leaf_index, self.tree_size, self.proof, self.root_hash
        )


@dataclasses.dataclass(frozen=True, slots=True)
class ConsistencyProof:
    origin: str
    old_size: int
    new_size: int
    old_root: bytes
    new_root: bytes
    proof: list[bytes]

    def verifies(self) -> bool:
        return merkle.verify_consistency(
            self.old_size, self.new_size, self.old_root, self.new_root, self.proof
        )


@dataclasses.dataclass(frozen=True, slots=True)
class Leaves:
    origin: str
    tree_size: int
    leaf_hashes: list[bytes]

    def root(self) -> bytes:
        return merkle.root(self.leaf_hashes)


def _field(doc: Mapping[str, Any], key: str, kind: type) -> Any:
    value = doc.get(key)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise TlogJsonError(f"{key!r} is missing or not a {kind.__name__}")
    return value


def _size(doc: Mapping[str, Any], key: str) -> int:
    value: int = _field(doc, key, int)
    if value < 0:
        raise TlogJsonError(f"{key!r} cannot be negative")
    return value


def _hash(value: object, key: str) -> bytes:
    if not isinstance(value, str):
        raise TlogJsonError(f"{key!r} is not a hex string")
    try:
        raw = bytes.fromhex(value)
    except ValueError:
        raise TlogJsonError(f"{key!r} is not hex") from None
    if len(raw) != merkle.HASH_SIZE:
        raise TlogJsonError(f"{key!r} is not a {merkle.HASH_SIZE}-byte hash")
    return raw


def _hashes(doc: Mapping[str, Any], key: str) -> list[bytes]:
    values: list[object] = _field(doc, key, list)
    return [_hash(v, f"{key}[{i}]") for i, v in enumerate(values)]


def _open(doc: object, expected: str) -> Mapping[str, Any]:
    if not isinstance(doc, Mapping) or doc.get("format") != expected:
        raise TlogJsonError(f"not an {expected} document")
    return doc


def parse_inclusion(doc: object) -> InclusionProof:
    d = _open(doc, INCLUSION_FORMAT)
    return InclusionProof(
        origin=_field(d, "origin", str),
        tree_size=_size(d, "tree_size"),
        leaf_index=_size(d, "leaf_index"),
        leaf_hash=_hash(d.get("leaf_hash"), "leaf_hash"),
        root_hash=_hash(d.get("root_hash"), "root_hash"),
        proof=_hashes(d, "proof"),
    )


def parse_consistency(doc: object) -> ConsistencyProof:
    d = _open(doc, CONSISTENCY_FORMAT)
    return ConsistencyProof(
        origin=_field(d, "origin", str),
        old_size=_size(d, "old_size"),
        new_size=_size(d, "new_size"),
        old_root=_hash(d.get("old_root"), "old_root"),
        new_root=_hash(d.get("new_root"), "new_root"),
        proof=_hashes(d, "proof"),
    )


def parse_leaves(doc: object) -> Leaves:
    d = _open(doc, LEAVES_FORMAT)
    leaves = Leaves(
        origin=_field(d, "origin", str),
        tree_size=_size(d, "tree_size"),
        leaf_hashes=_hashes(d, "leaf_hashes"),
    )
    if len(leaves.leaf_hashes) != leaves.tree_size:
        raise TlogJsonError("'leaf_hashes' does not hold 'tree_size' hashes")
    return leaves
