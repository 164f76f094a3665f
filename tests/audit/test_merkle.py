"""RFC 6962 / RFC 9162 Merkle hashing and proofs (issue 7), against the published test vectors
and against a second, naive implementation written straight from the RFC 6962 text.

The vectors are those of Google's certificate-transparency / trillian / transparency-dev merkle
libraries (transparency-dev/merkle proof/verify_test.go): eight entries, the tree heads of sizes
1..8, and their inclusion and consistency proofs. Their leaf indices there are 1-based; here
they are converted to the 0-based indices this module uses.
"""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from anxin.audit.merkle import (
    EMPTY_ROOT,
    CompactRange,
    MerkleTree,
    ProofRangeError,
    consistency_proof,
    consistency_proof_from,
    inclusion_proof,
    inclusion_proof_from,
    leaf_hash,
    node_hash,
    root,
    verify_consistency,
    verify_inclusion,
)

ENTRIES = [
    bytes.fromhex(h)
    for h in (
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    )
]
LEAVES = [leaf_hash(e) for e in ENTRIES]

# ROOTS[n] is the tree head of the first n entries.
ROOTS = [
    bytes.fromhex(h)
    for h in (
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    )
]


def _hashes(*hexes: str) -> list[bytes]:
    return [bytes.fromhex(h) for h in hexes]


# (0-based leaf index, tree size, proof)
INCLUSION_VECTORS = [
    (0, 1, []),
    (
        0,
        8,
        _hashes(
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ),
    ),
    (
        5,
        8,
        _hashes(
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ),
    ),
    (2, 3, _hashes("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125")),
    (
        1,
        5,
        _hashes(
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ),
    ),
]

# (old size, new size, proof)
CONSISTENCY_VECTORS = [
    (1, 1, []),
    (
        1,
        8,
        _hashes(
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ),
    ),
    (
        6,
        8,
        _hashes(
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ),
    ),
    (
        2,
        5,
        _hashes(
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ),
    ),
    (
        6,
        7,
        _hashes(
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ),
    ),
]

SOME_HASH = bytes.fromhex("abacaba000000000000000000000000000000000000000000060061e00123456")


# A second implementation, written straight from RFC 6962 §2.1 with list slicing and recursion
# (and its own hashing), to cross-check the module on trees beyond the published vectors.


def _k(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def naive_mth(d: list[bytes]) -> bytes:
    n = len(d)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return d[0]
    k = _k(n)
    return hashlib.sha256(b"\x01" + naive_mth(d[:k]) + naive_mth(d[k:])).digest()


def naive_path(m: int, d: list[bytes]) -> list[bytes]:
    n = len(d)
    if n == 1:
        return []
    k = _k(n)
    if m < k:
        return [*naive_path(m, d[:k]), naive_mth(d[k:])]
    return [*naive_path(m - k, d[k:]), naive_mth(d[:k])]


def naive_subproof(m: int, d: list[bytes], b: bool) -> list[bytes]:
    n = len(d)
    if m == n:
        return [] if b else [naive_mth(d)]
    k = _k(n)
    if m <= k:
        return [*naive_subproof(m, d[:k], b), naive_mth(d[k:])]
    return [*naive_subproof(m - k, d[k:], False), naive_mth(d[:k])]


def naive_proof(m: int, d: list[bytes]) -> list[bytes]:
    return naive_subproof(m, d, True) if 0 < m < len(d) else []


def leaves(n: int, salt: int = 0) -> list[bytes]:
    return [leaf_hash(f"{salt}:{i}".encode()) for i in range(n)]


# --- The published vectors -------------------------------------------------------------------


def test_hashing_primitives() -> None:
    assert EMPTY_ROOT == ROOTS[0] == hashlib.sha256(b"").digest()
    assert leaf_hash(b"") == ROOTS[1] == hashlib.sha256(b"\x00").digest()
    assert node_hash(LEAVES[0], LEAVES[1]) == ROOTS[2]
    assert (
        node_hash(b"a" * 32, b"b" * 32) == hashlib.sha256(b"\x01" + b"a" * 32 + b"b" * 32).digest()
    )


@pytest.mark.parametrize("size", range(9))
def test_roots_match_the_published_tree_heads(size: int) -> None:
    assert root(LEAVES[:size]) == ROOTS[size]
    assert naive_mth(LEAVES[:size]) == ROOTS[size]
    assert MerkleTree(LEAVES).root(size) == ROOTS[size]
    compact = CompactRange()
    compact.extend(LEAVES[:size])
    assert compact.root() == ROOTS[size]


@pytest.mark.parametrize(("index", "size", "proof"), INCLUSION_VECTORS)
def test_inclusion_vectors(index: int, size: int, proof: list[bytes]) -> None:
    assert inclusion_proof(LEAVES, index, size) == proof
    assert naive_path(index, LEAVES[:size]) == proof
    assert verify_inclusion(LEAVES[index], index, size, proof, ROOTS[size])
    # transparency-dev's corruptions of a good proof, none of which may verify.
    good_root = ROOTS[size]
    leaf = LEAVES[index]
    probes: list[tuple[bytes, int, int, list[bytes], bytes]] = [
        (leaf, index - 1, size, proof, good_root),
        (leaf, index + 1, size, proof, good_root),
        (leaf, index ^ 2, size, proof, good_root),
        (leaf, index, size * 2, proof, good_root),
        (leaf, index, size // 2, proof, good_root),
        (b"WrongLeaf", index, size, proof, good_root),
        (leaf, index, size, proof, EMPTY_ROOT),
        (leaf, index, size, proof, SOME_HASH),
        (leaf, index, size, [*proof, b""], good_root),
        (leaf, index, size, [*proof, good_root], good_root),
        (leaf, index, size, [b"", *proof], good_root),
        (leaf, index, size, [good_root, *proof], good_root),
    ]
    for i in range(len(proof)):
        flipped = list(proof)
        flipped[i] = bytes([flipped[i][0] ^ 8]) + flipped[i][1:]
        probes.append((leaf, index, size, flipped, good_root))
    if proof:
        probes.append((leaf, index, size, proof[:-1], good_root))
    if len(proof) > 1:
        probes.append((leaf, index, size, [proof[0], SOME_HASH, *proof[1:]], good_root))
    for probe in probes:
        assert not verify_inclusion(*probe), probe


@pytest.mark.parametrize(("old", "new", "proof"), CONSISTENCY_VECTORS)
def test_consistency_vectors(old: int, new: int, proof: list[bytes]) -> None:
    assert consistency_proof(LEAVES, old, new) == proof
    assert naive_proof(old, LEAVES[:new]) == proof
    r1, r2 = ROOTS[old], ROOTS[new]
    assert verify_consistency(old, new, r1, r2, proof)
    if not proof:
        return
    probes: list[tuple[int, int, bytes, bytes, list[bytes]]] = [
        (old - 1, new, r1, r2, proof),
        (old + 1, new, r1, r2, proof),
        (old ^ 2, new, r1, r2, proof),
        (old, new * 2, r1, r2, proof),
        (old, new // 2, r1, r2, proof),
        (old, new, b"WrongRoot", r2, proof),
        (old, new, r1, b"WrongRoot", proof),
        (old, new, r2, r1, proof),
        (old, new, r1, r2, []),
        (old, new, r1, r2, [*proof, b""]),
        (old, new, r1, r2, [*proof, r1]),
        (old, new, r1, r2, [*proof, r2]),
        (old, new, r1, r2, [b"", *proof]),
        (old, new, r1, r2, [r1, *proof]),
        (old, new, r1, r2, [r2, *proof]),
        (old, new, r1, r2, [proof[0], *proof]),
        (old, new, r1, r2, proof[:-1]),
    ]
    for i in range(len(proof)):
        flipped = list(proof)
        flipped[i] = bytes([flipped[i][0] ^ 16]) + flipped[i][1:]
        probes.append((old, new, r1, r2, flipped))
    for probe in probes:
        assert not verify_consistency(*probe), probe


def test_trivial_consistency_as_transparency_dev() -> None:
    r1, r2 = SOME_HASH, EMPTY_ROOT
    assert verify_consistency(0, 0, r1, r1, [])
    assert verify_consistency(0, 1, r1, r2, [])
    assert verify_consistency(1, 1, r2, r2, [])
    assert not verify_consistency(0, 0, r1, r2, [])
    assert not verify_consistency(1, 1, r1, r2, [])
    assert not verify_consistency(1, 0, r1, r2, [])
    assert not verify_consistency(2, 1, r1, r2, [])
    assert not verify_consistency(1, 2, r1, r2, [])
    assert not verify_consistency(0, 0, EMPTY_ROOT, EMPTY_ROOT, [EMPTY_ROOT])
    assert not verify_consistency(0, 1, EMPTY_ROOT, EMPTY_ROOT, [EMPTY_ROOT])
    assert not verify_consistency(1, 1, EMPTY_ROOT, EMPTY_ROOT, [EMPTY_ROOT])


def test_single_entry_inclusion() -> None:
    h = leaf_hash(b"data")
    assert verify_inclusion(h, 0, 1, [], h)
    assert not verify_inclusion(b"", 0, 1, [], h)
    assert not verify_inclusion(h, 0, 1, [], b"")
    assert not verify_inclusion(b"", 0, 1, [], b"")


# --- Properties ------------------------------------------------------------------------------

PROPERTY_SETTINGS = settings(max_examples=40, deadline=None)


@PROPERTY_SETTINGS
@given(size=st.integers(min_value=1, max_value=300), salt=st.integers(0, 2**32))
def test_every_inclusion_proof_verifies_and_matches_the_rfc(size: int, salt: int) -> None:
    d = leaves(size, salt)
    tree = MerkleTree(d)
    head = root(d)
    assert head == tree.root() == naive_mth(d)
    for index in range(size):
        proof = tree.inclusion_proof(index, size)
        assert verify_inclusion(d[index], index, size, proof, head)
        if index in (0, size // 3, size - 1):  # the naive path is quadratic; spot-check it
            assert proof == naive_path(index, d)


@PROPERTY_SETTINGS
@given(
    size=st.integers(min_value=1, max_value=300),
    data=st.data(),
)
def test_tampered_inclusion_does_not_verify(size: int, data: st.DataObject) -> None:
    d = leaves(size)
    tree = MerkleTree(d)
    head = tree.root()
    index = data.draw(st.integers(0, size - 1))
    proof = tree.inclusion_proof(index, size)
    other = data.draw(st.integers(0, size - 1).filter(lambda i: i != index)) if size > 1 else None
    assert not verify_inclusion(leaf_hash(b"forged"), index, size, proof, head)
    assert not verify_inclusion(d[index], index, size, proof, leaf_hash(b"another root"))
    if other is not None:
        assert not verify_inclusion(d[index], other, size, proof, head)
        assert not verify_inclusion(d[other], index, size, proof, head)
    if proof:
        i = data.draw(st.integers(0, len(proof) - 1))
        bit = data.draw(st.integers(0, 255))
        tampered = list(proof)
        b = bytearray(tampered[i])
        b[bit // 8] ^= 1 << (bit % 8)
        tampered[i] = bytes(b)
        assert not verify_inclusion(d[index], index, size, tampered, head)
        assert not verify_inclusion(d[index], index, size, proof[:-1], head)
    assert not verify_inclusion(d[index], index, size, [*proof, head], head)


@pytest.mark.parametrize("new", range(1, 40))
def test_consistency_for_every_pair_on_small_trees(new: int) -> None:
    d = leaves(new)
    tree = MerkleTree(d)
    new_root = tree.root()
    for old in range(new + 1):
        proof = tree.consistency_proof(old, new)
        assert proof == naive_proof(old, d)
        old_root = tree.root(old)
        assert verify_consistency(old, new, old_root, new_root, proof)
        if 0 < old < new:
            assert not verify_consistency(old, new, new_root, new_root, proof)
            assert not verify_consistency(old, new, old_root, old_root, proof)
            # A log that rewrote any of the first `old` entries is caught.
            forged = MerkleTree([*d[: old - 1], leaf_hash(b"rewritten"), *d[old:]]).root()
            assert not verify_consistency(old, new, old_root, forged, proof)
            for i in range(len(proof)):
                tampered = list(proof)
                tampered[i] = bytes([tampered[i][0] ^ 1]) + tampered[i][1:]
                assert not verify_consistency(old, new, old_root, new_root, tampered)


@PROPERTY_SETTINGS
@given(new=st.integers(min_value=1, max_value=300), data=st.data())
def test_consistency_on_larger_trees(new: int, data: st.DataObject) -> None:
    d = leaves(new)
    tree = MerkleTree(d)
    old = data.draw(st.integers(0, new))
    proof = consistency_proof(d, old, new)
    assert proof == tree.consistency_proof(old, new) == naive_proof(old, d)
    assert verify_consistency(old, new, root(d[:old]), root(d), proof)


@PROPERTY_SETTINGS
@given(size=st.integers(min_value=0, max_value=300), salt=st.integers(0, 2**32))
def test_the_incremental_builders_agree_with_root_at_every_size(size: int, salt: int) -> None:
    d = leaves(size, salt)
    compact = CompactRange()
    tree = MerkleTree()
    assert compact.root() == tree.root() == EMPTY_ROOT
    for n, leaf in enumerate(d, start=1):
        compact.append(leaf)
        tree.append(leaf)
        expected = naive_mth(d[:n]) if n <= 64 or n % 37 == 0 else root(d[:n])
        assert compact.root() == tree.root() == expected
        assert compact.size == tree.size == n
        assert len(compact.hashes) == n.bit_count()
    # The stored state resumes where it stopped.
    resumed = CompactRange(compact.size, compact.hashes)
    resumed.append(leaf_hash(b"next"))
    assert resumed.root() == root([*d, leaf_hash(b"next")])


def test_proofs_from_a_subtree_callable_ask_only_for_aligned_or_right_edge_ranges() -> None:
    d = leaves(1000)
    tree = MerkleTree(d)
    asked: list[tuple[int, int]] = []

    def subtree(start: int, end: int) -> bytes:
        asked.append((start, end))
        return tree.subtree(start, end)

    for size in (1, 2, 7, 8, 513, 1000):
        for index in (0, size // 2, size - 1):
            assert inclusion_proof_from(subtree, index, size) == naive_path(index, d[:size])
        for old in (1, size // 3, size - 1):
            proof = consistency_proof_from(subtree, old, size)
            assert verify_consistency(old, size, root(d[:old]), root(d[:size]), proof)
    for start, end in asked:
        n = end - start
        perfect = n & (n - 1) == 0 and start % n == 0
        assert perfect or end in (1, 2, 7, 8, 513, 1000), (start, end)


# --- Bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("index", "size"), [(0, 0), (1, 1), (8, 8), (5, 3), (-1, 4), (0, -1), (0, 9), (3, 100)]
)
def test_inclusion_out_of_range_raises(index: int, size: int) -> None:
    with pytest.raises(ProofRangeError, match=r"\S"):
        inclusion_proof(LEAVES, index, size)
    if size <= 8:
        with pytest.raises(ProofRangeError):
            MerkleTree(LEAVES).inclusion_proof(index, size)
    assert not verify_inclusion(LEAVES[0], index, size, [], ROOTS[1])


@pytest.mark.parametrize(("old", "new"), [(2, 1), (9, 8), (-1, 3), (0, -1), (-2, -1)])
def test_consistency_out_of_range_raises(old: int, new: int) -> None:
    with pytest.raises(ProofRangeError, match=r"\S"):
        consistency_proof(LEAVES, old, new)
    with pytest.raises(ProofRangeError):
        MerkleTree(LEAVES).consistency_proof(old, new)
    assert not verify_consistency(old, new, ROOTS[1], ROOTS[1], [])


@pytest.mark.parametrize(("old", "new"), [(3, 9), (9, 9), (0, 9)])
def test_consistency_beyond_the_log_raises(old: int, new: int) -> None:
    with pytest.raises(ProofRangeError, match="larger than the log"):
        consistency_proof(LEAVES, old, new)
    with pytest.raises(ProofRangeError, match="larger than the log"):
        MerkleTree(LEAVES).consistency_proof(old, new)


def test_proof_range_error_is_a_value_error() -> None:
    assert issubclass(ProofRangeError, ValueError)
    with pytest.raises(ProofRangeError):
        inclusion_proof_from(lambda s, e: b"", 4, 4)
    with pytest.raises(ProofRangeError):
        consistency_proof_from(lambda s, e: b"", 5, 4)
    with pytest.raises(ProofRangeError):
        MerkleTree(LEAVES).root(9)
    with pytest.raises(ProofRangeError):
        MerkleTree(LEAVES).subtree(3, 3)
    with pytest.raises(ProofRangeError):
        CompactRange(3, [EMPTY_ROOT])
    with pytest.raises(ProofRangeError):
        CompactRange(-1)
    with pytest.raises(ValueError, match="32 bytes"):
        MerkleTree([b"short"])
    with pytest.raises(ValueError, match="32 bytes"):
        root([b"an entry, not its leaf hash"])


@given(
    proof=st.lists(st.binary(max_size=40), max_size=12),
    index=st.integers(-5, 40),
    size=st.integers(-5, 40),
    leaf=st.binary(max_size=40),
    head=st.binary(max_size=40),
)
def test_garbage_inclusion_proofs_return_false(
    proof: list[bytes], index: int, size: int, leaf: bytes, head: bytes
) -> None:
    result = verify_inclusion(leaf, index, size, proof, head)
    assert result is False or (len(leaf) == len(head) == 32 and 0 <= index < size)


@given(
    proof=st.lists(st.binary(max_size=40), max_size=12),
    old=st.integers(-5, 40),
    new=st.integers(-5, 40),
    r1=st.binary(max_size=40),
    r2=st.binary(max_size=40),
)
def test_garbage_consistency_proofs_return_false(
    proof: list[bytes], old: int, new: int, r1: bytes, r2: bytes
) -> None:
    result = verify_consistency(old, new, r1, r2, proof)
    assert isinstance(result, bool)
    if result:
        assert len(r1) == len(r2) == 32
        assert 0 <= old <= new
        assert old in (0, new)
        assert not proof


def test_wrong_hash_sizes_and_types_verify_false() -> None:
    index, size, proof = INCLUSION_VECTORS[1]
    short = [p[:31] for p in proof]
    assert not verify_inclusion(LEAVES[index], index, size, short, ROOTS[size])
    assert not verify_inclusion(LEAVES[index], index, size, [*proof[:-1], b"x" * 33], ROOTS[size])
    assert not verify_inclusion(LEAVES[index], index, size, proof, ROOTS[size][:16])
    assert not verify_inclusion(LEAVES[index], True, size, proof, ROOTS[size])  # type: ignore[arg-type]
    assert not verify_inclusion(LEAVES[index], index, size, [None], ROOTS[size])  # type: ignore[list-item]
    old, new, cproof = CONSISTENCY_VECTORS[2]
    assert not verify_consistency(old, new, ROOTS[old], ROOTS[new], [p[:31] for p in cproof])
    assert not verify_consistency(old, new, ROOTS[old], ROOTS[new] + b"\x00", cproof)
