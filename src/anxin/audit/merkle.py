"""RFC 6962 / RFC 9162 Merkle tree hashing and proofs, pure: no database, no I/O (issue 7).

Hashing (RFC 6962 §2.1, RFC 9162 §2.1.1), SHA-256 throughout:

* a leaf is ``SHA-256(0x00 || entry)`` (`leaf_hash`), an interior node
  ``SHA-256(0x01 || left || right)`` (`node_hash`), the empty tree ``SHA-256("")`` (`EMPTY_ROOT`);
* the root of n > 1 leaves splits them at k, the largest power of two smaller than n:
  ``MTH(D[n]) = node_hash(MTH(D[0:k]), MTH(D[k:n]))`` (`root`).

Design, for logs of millions of events:

* **Linear verification in O(log n) memory.** `CompactRange` keeps only the roots of the perfect
  subtrees that make up the leaves appended so far (one per set bit of the size, largest first),
  so appending a leaf costs one hash plus one per carry (two on average) and the root at the
  current size folds those roots right to left. Recomputing the root of a whole log is one pass
  over its leaf hashes. Its state (``size`` and ``hashes``) can be stored and resumed from.
* **Proofs from stored subtree hashes.** `inclusion_proof_from` and `consistency_proof_from`
  follow RFC 6962's PATH and PROOF/SUBPROOF recursions, but ask a callable
  ``subtree(start, end)`` for every ``MTH(D[start:end])`` they need instead of rehashing leaves.
  Every range they ask for is either a perfect, aligned subtree (``end - start`` a power of two
  and ``start`` a multiple of it; hashes that never change once the log has passed ``end``, so a
  database can store them) or a range ending at the tree size, which is ragged only along its
  right edge. A proof needs O(log n) subtree hashes.
* **In memory.** `MerkleTree` keeps every level of perfect subtree hashes (about 2n hashes, as
  packed bytes) and answers ``subtree`` from them: a perfect aligned range is one lookup, any
  other range splits at the RFC's k and recurses, which for the ragged ranges in a proof is
  O(log n) hashing. `inclusion_proof` and `consistency_proof` over a plain sequence of leaf hashes
  build such a tree first (linear); callers asking for many proofs keep the `MerkleTree`.

Verification follows RFC 9162 §2.1.3.2 (inclusion) and §2.1.4.2 (consistency) and returns a
plain bool: a proof that is malformed in any way (wrong length, a hash that is not 32 bytes, a
size that does not fit) verifies as False, it never raises. Proof *generation* refuses an
index or size outside the tree with `ProofRangeError`, a `ValueError`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()

_LEAF_PREFIX = b"\x00"
_NODE_PREFIX = b"\x01"
_sha256 = hashlib.sha256

SubtreeHash = Callable[[int, int], bytes]
"""``subtree(start, end)`` returns ``MTH(D[start:end])`` for ``0 <= start < end``."""


class ProofRangeError(ValueError):
    """A leaf index or tree size outside the tree a proof was asked of."""


def leaf_hash(entry: bytes) -> bytes:
    """``SHA-256(0x00 || entry)``: the hash of one log entry."""
    return _sha256(_LEAF_PREFIX + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """``SHA-256(0x01 || left || right)``: the hash of an interior node."""
    return _sha256(_NODE_PREFIX + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two strictly smaller than n (n >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


class CompactRange:
    """The leaves appended so far, as the roots of their perfect subtrees: O(log n) memory.

    ``hashes`` holds one root per set bit of ``size``, the largest (leftmost) subtree first.
    A stored ``(size, hashes)`` pair resumes the range where it stopped.
    """

    __slots__ = ("_hashes", "_size")

    def __init__(self, size: int = 0, hashes: Sequence[bytes] = ()) -> None:
        if size < 0:
            raise ProofRangeError(f"a tree size cannot be negative (got {size})")
        if len(hashes) != size.bit_count():
            raise ProofRangeError(
                f"a compact range of size {size} has {size.bit_count()} subtree hashes, "
                f"got {len(hashes)}"
            )
        if any(len(h) != HASH_SIZE for h in hashes):
            raise ProofRangeError(f"subtree hashes are {HASH_SIZE} bytes")
        self._size = size
        self._hashes = [bytes(h) for h in hashes]

    @property
    def size(self) -> int:
        return self._size

    @property
    def hashes(self) -> tuple[bytes, ...]:
        return tuple(self._hashes)

    def append(self, leaf: bytes) -> None:
        """Append one leaf hash (not the entry: pass `leaf_hash(entry)`)."""
        if len(leaf) != HASH_SIZE:
            raise ValueError(f"a leaf hash is {HASH_SIZE} bytes, got {len(leaf)}")
        stack = self._hashes
        h = leaf
        n = self._size
        while n & 1:
            h = _sha256(_NODE_PREFIX + stack.pop() + h).digest()
            n >>= 1
        stack.append(h)
        self._size += 1

    def extend(self, leaves: Iterable[bytes]) -> None:
        for leaf in leaves:
            self.append(leaf)

    def append_nodes(self, leaf: bytes) -> list[tuple[int, int, bytes]]:
        """Append one leaf hash; return the perfect subtrees it completed, as
        ``(level, index, hash)`` for leaves ``[index * 2**level, (index + 1) * 2**level)``,
        level 1 and up. This is what a database stores so proofs need not rehash the log.
        """
        if len(leaf) != HASH_SIZE:
            raise ValueError(f"a leaf hash is {HASH_SIZE} bytes, got {len(leaf)}")
        stack = self._hashes
        position = self._size
        completed: list[tuple[int, int, bytes]] = []
        h = leaf
        n = position
        level = 0
        while n & 1:
            h = _sha256(_NODE_PREFIX + stack.pop() + h).digest()
            n >>= 1
            level += 1
            completed.append((level, position >> level, h))
        stack.append(h)
        self._size += 1
        return completed

    def root(self) -> bytes:
        """The tree head at the current size."""
        stack = self._hashes
        if not stack:
            return EMPTY_ROOT
        h = stack[-1]
        for left in reversed(stack[:-1]):
            h = _sha256(_NODE_PREFIX + left + h).digest()
        return h


def root(leaf_hashes: Iterable[bytes]) -> bytes:
    """``MTH`` of the given leaf hashes (RFC 6962 §2.1), in one pass and O(log n) memory."""
    compact = CompactRange()
    compact.extend(leaf_hashes)
    return compact.root()


def _check_inclusion_range(index: int, size: int) -> None:
    if size < 0 or index < 0:
        raise ProofRangeError(f"leaf index {index} and tree size {size} cannot be negative")
    if index >= size:
        raise ProofRangeError(f"leaf index {index} is not in a tree of size {size}")


def _check_consistency_range(old_size: int, new_size: int) -> None:
    if old_size < 0 or new_size < 0:
        raise ProofRangeError(f"tree sizes {old_size} and {new_size} cannot be negative")
    if old_size > new_size:
        raise ProofRangeError(
            f"the old tree size {old_size} is larger than the new tree size {new_size}"
        )


def inclusion_proof_from(subtree: SubtreeHash, index: int, size: int) -> list[bytes]:
    """RFC 6962 §2.1.1 ``PATH(index, D[size])``, with subtree hashes from `subtree`.

    The proof lists sibling hashes from the leaf upwards.
    """
    _check_inclusion_range(index, size)
    path: list[bytes] = []
    start, end = 0, size
    # Walk down from the root, collecting siblings; they are emitted leaf-first, so reverse.
    while end - start > 1:
        k = _split(end - start)
        if index < start + k:
            path.append(subtree(start + k, end))
            end = start + k
        else:
            path.append(subtree(start, start + k))
            start += k
    path.reverse()
    return path


def consistency_proof_from(subtree: SubtreeHash, old_size: int, new_size: int) -> list[bytes]:
    """RFC 6962 §2.1.2 ``PROOF(old_size, D[new_size])``, with subtree hashes from `subtree`.

    Empty when ``old_size`` is 0 or equal to ``new_size`` (nothing to prove).
    """
    _check_consistency_range(old_size, new_size)
    if old_size in (0, new_size):
        return []
    proof: list[bytes] = []
    m, start, end = old_size, 0, new_size
    whole = True  # SUBPROOF's b: is D[start:end]'s left part still the whole old tree?
    while True:
        n = end - start
        if m == n:
            if not whole:
                proof.append(subtree(start, end))
            break
        k = _split(n)
        if m <= k:
            proof.append(subtree(start + k, end))
            end = start + k
        else:
            proof.append(subtree(start, start + k))
            m -= k
            start += k
            whole = False
    proof.reverse()
    return proof


class MerkleTree:
    """An in-memory log: leaf hashes plus every level of perfect subtree hashes.

    Level ``h`` holds, packed end to end, the hash of each complete aligned block of ``2**h``
    leaves. Appending costs one hash plus one per completed block (two on average).
    """

    __slots__ = ("_levels", "_size")

    def __init__(self, leaf_hashes: Iterable[bytes] = ()) -> None:
        self._levels: list[bytearray] = [bytearray()]
        self._size = 0
        for leaf in leaf_hashes:
            self.append(leaf)

    @property
    def size(self) -> int:
        return self._size

    def append(self, leaf: bytes) -> None:
        """Append one leaf hash."""
        if len(leaf) != HASH_SIZE:
            raise ValueError(f"a leaf hash is {HASH_SIZE} bytes, got {len(leaf)}")
        levels = self._levels
        levels[0] += leaf
        h = leaf
        i = self._size
        level = 0
        while i & 1:
            left = bytes(levels[level][(i - 1) * HASH_SIZE : i * HASH_SIZE])
            h = _sha256(_NODE_PREFIX + left + h).digest()
            level += 1
            i >>= 1
            if level == len(levels):
                levels.append(bytearray())
            levels[level] += h
        self._size += 1

    def leaf(self, index: int) -> bytes:
        _check_inclusion_range(index, self._size)
        return bytes(self._levels[0][index * HASH_SIZE : (index + 1) * HASH_SIZE])

    def subtree(self, start: int, end: int) -> bytes:
        """``MTH(D[start:end])``; a perfect aligned range is a lookup, others recurse."""
        if not 0 <= start < end <= self._size:
            raise ProofRangeError(f"[{start}, {end}) is not a non-empty range of {self._size}")
        return self._subtree(start, end)

    def _subtree(self, start: int, end: int) -> bytes:
        n = end - start
        if n & (n - 1) == 0 and start % n == 0:
            level = n.bit_length() - 1
            i = start >> level
            return bytes(self._levels[level][i * HASH_SIZE : (i + 1) * HASH_SIZE])
        k = _split(n)
        return node_hash(self._subtree(start, start + k), self._subtree(start + k, end))

    def root(self, size: int | None = None) -> bytes:
        """The tree head at ``size`` (default: the current size)."""
        size = self._size if size is None else size
        if not 0 <= size <= self._size:
            raise ProofRangeError(f"tree size {size} is not in 0..{self._size}")
        return EMPTY_ROOT if size == 0 else self._subtree(0, size)

    def _check_size(self, size: int) -> None:
        if size > self._size:
            raise ProofRangeError(f"tree size {size} is larger than the log ({self._size})")

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        size = self._size if size is None else size
        self._check_size(size)
        return inclusion_proof_from(self._subtree, index, size)

    def consistency_proof(self, old_size: int, new_size: int | None = None) -> list[bytes]:
        new_size = self._size if new_size is None else new_size
        self._check_size(new_size)
        return consistency_proof_from(self._subtree, old_size, new_size)


def _check_len(leaf_hashes: Sequence[bytes], size: int) -> None:
    if size > len(leaf_hashes):
        raise ProofRangeError(f"tree size {size} is larger than the log ({len(leaf_hashes)})")


def inclusion_proof(leaf_hashes: Sequence[bytes], index: int, size: int) -> list[bytes]:
    """RFC 6962 §2.1.1 ``PATH(index, D[size])`` over the first ``size`` leaf hashes."""
    _check_inclusion_range(index, size)
    _check_len(leaf_hashes, size)
    return MerkleTree(leaf_hashes[:size]).inclusion_proof(index, size)


def consistency_proof(leaf_hashes: Sequence[bytes], old_size: int, new_size: int) -> list[bytes]:
    """RFC 6962 §2.1.2 ``PROOF(old_size, D[new_size])`` over the first ``new_size`` leaf hashes."""
    _check_consistency_range(old_size, new_size)
    _check_len(leaf_hashes, new_size)
    return MerkleTree(leaf_hashes[:new_size]).consistency_proof(old_size, new_size)


def _is_hash(value: object) -> bool:
    return isinstance(value, bytes | bytearray | memoryview) and len(value) == HASH_SIZE


def _is_size(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def verify_inclusion(
    leaf: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> bool:
    """RFC 9162 §2.1.3.2: does ``proof`` show ``leaf`` at ``index`` in the tree ``root``?"""
    if not (_is_size(index) and _is_size(size) and index < size):
        return False
    if not (_is_hash(leaf) and _is_hash(root)) or not all(_is_hash(p) for p in proof):
        return False
    fn, sn = index, size - 1
    r = bytes(leaf)
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(bytes(p), r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, bytes(p))
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == bytes(root)


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """RFC 9162 §2.1.4.2: is the tree ``new_root`` an append-only extension of ``old_root``?

    As in the transparency-dev library: equal sizes need an empty proof and equal roots; an
    old size of 0 (and a larger new size) is consistent with any tree, given an empty proof.
    """
    if not (_is_size(old_size) and _is_size(new_size) and old_size <= new_size):
        return False
    if not (_is_hash(old_root) and _is_hash(new_root)) or not all(_is_hash(p) for p in proof):
        return False
    if old_size == new_size:
        return len(proof) == 0 and bytes(old_root) == bytes(new_root)
    if old_size == 0:
        return len(proof) == 0
    if len(proof) == 0:
        return False
    heads = _consistency_roots(old_size, new_size, old_root, [bytes(p) for p in proof])
    return heads == (bytes(old_root), bytes(new_root))


def _consistency_roots(
    old_size: int, new_size: int, old_root: bytes, path: list[bytes]
) -> tuple[bytes, bytes] | None:
    """RFC 9162 §2.1.4.2 steps 2-7 (0 < old_size < new_size): the two roots the proof implies."""
    if old_size & (old_size - 1) == 0:
        path.insert(0, bytes(old_root))
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return (fr, sr) if sn == 0 else None
