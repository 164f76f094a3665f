"""A log's Merkle tree as the database holds it: leaf hashes on the audit rows (level 0) and
the hashes of perfect subtrees in audit_nodes (level 1 and up, written with each checkpoint).

Proofs need about 2·log2(n) subtree hashes. They are found in two passes: the proof is first
walked with placeholder hashes to learn which ranges it needs (the ranges depend only on the
sizes), then every perfect block those ranges are made of is read in one query per level kind,
and only blocks no checkpoint has stored yet (the log's newest leaves) are hashed from leaves.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Sequence
from typing import cast

from sqlalchemy import Column, ColumnElement, Connection, Table, TextClause, insert, select, text

from anxin.audit import merkle
from anxin.audit.models import AuditEvent, AuditNode
from anxin.audit.service import last_seq

_EVENTS = cast(Table, AuditEvent.__table__).c
_NODES_TABLE = cast(Table, AuditNode.__table__)
_PLACEHOLDER = bytes(merkle.HASH_SIZE)
# Leaves read per query when a range must be hashed from its leaves.
_CHUNK = 50_000

Block = tuple[int, int]  # (level, index): leaves [index << level, (index + 1) << level)


def blocks_of(start: int, end: int) -> list[Block]:
    """The perfect aligned subtrees that make up [start, end), largest (leftmost) first.

    Proof ranges are perfect blocks or ranges ending at the tree size whose start is aligned to
    a power of two at least their length, so the binary digits of the length give the blocks.
    """
    blocks: list[Block] = []
    position = start
    for level in range((end - start).bit_length() - 1, -1, -1):
        if (end - start) >> level & 1:
            blocks.append((level, position >> level))
            position += 1 << level
    return blocks


def fold(hashes: Sequence[bytes]) -> bytes:
    """The root over consecutive perfect subtrees, largest first (RFC 6962's split)."""
    h = hashes[-1]
    for left in reversed(hashes[:-1]):
        h = merkle.node_hash(left, h)
    return h


@functools.lru_cache(maxsize=512)
def _block_lookup(leaf_kinds: tuple[bool, ...], platform: bool) -> TextClause:
    """One exact lookup per block (a leaf on audit_events, a node on audit_nodes), joined by
    UNION ALL, so each is one seek on a unique index and a proof is one round trip.

    A row-value `IN` list looked simpler, but SQLite runs it as a scan of all the log's nodes
    (hundreds of milliseconds at a million events). Text is built once per shape: building
    the same statement from SQLAlchemy expressions costs milliseconds of Python per proof.
    """
    log = "tenant_id IS NULL" if platform else "tenant_id = :tenant"
    leaf = f"SELECT 0 AS level, seq AS idx, leaf_hash AS hash FROM audit_events WHERE {log} AND seq = :i{{0}}"  # noqa: E501, S608 (constants and generated parameter names only)
    node = f"SELECT level, idx, hash FROM audit_nodes WHERE {log} AND level = :l{{0}} AND idx = :i{{0}}"  # noqa: E501, S608
    parts = [(leaf if is_leaf else node).format(i) for i, is_leaf in enumerate(leaf_kinds)]
    return text(" UNION ALL ".join(parts))


def _pg_block_lookup(platform: bool) -> TextClause:
    """PostgreSQL: the same lookups with arrays, so every proof runs one statement shape that
    psycopg prepares once, instead of planning a new UNION of forty selects each time."""
    log = "tenant_id IS NULL" if platform else "tenant_id = :tenant"
    return text(
        "SELECT 0 AS level, seq AS idx, leaf_hash AS hash FROM audit_events "  # noqa: S608 (constants only)
        f"WHERE {log} AND seq = ANY(CAST(:seqs AS bigint[])) "
        "UNION ALL SELECT n.level, n.idx, n.hash FROM audit_nodes AS n "
        "JOIN unnest(CAST(:levels AS smallint[]), CAST(:idxs AS bigint[])) AS b(level, idx) "
        f"ON n.level = b.level AND n.idx = b.idx WHERE n.{log}"
    )


_PG_BLOCK_LOOKUP = {platform: _pg_block_lookup(platform) for platform in (False, True)}


class StoredTree:
    """One log (a tenant's, or the platform's for tenant_id None) read through a connection."""

    def __init__(self, conn: Connection, tenant_id: str | None) -> None:
        self._conn = conn
        self._tenant_id = tenant_id

    def _log(self, column: Column[str | None]) -> ColumnElement[bool]:
        return column.is_(None) if self._tenant_id is None else column == self._tenant_id

    # -- leaves ----------------------------------------------------------------------------

    def size(self) -> int:
        return last_seq(self._conn, self._tenant_id) + 1

    def leaf_hashes(self, start: int, end: int) -> list[bytes]:
        """Stored leaf hashes in [start, end), in order."""
        return [h for chunk in self.iter_leaf_hashes(start, end) for h in chunk]

    def iter_leaf_hashes(self, start: int, end: int) -> Iterator[list[bytes]]:
        for low in range(start, end, _CHUNK):
            high = min(end, low + _CHUNK)
            query = (
                select(_EVENTS.seq, _EVENTS.leaf_hash)
                .where(self._log(_EVENTS.tenant_id), _EVENTS.seq >= low, _EVENTS.seq < high)
                .order_by(_EVENTS.seq)
            )
            rows = self._conn.execute(query).all()
            if len(rows) != high - low or any(s != low + i for i, (s, _) in enumerate(rows)):
                raise merkle.ProofRangeError(
                    f"the log has no leaf hashes for every sequence number in [{low}, {high})"
                )
            yield [bytes(h) for _, h in rows]

    # -- subtrees --------------------------------------------------------------------------

    def _read_blocks(self, blocks: set[Block]) -> dict[Block, bytes]:
        """Every block's hash: stored ones in one round trip, the rest hashed from leaves."""
        ordered = sorted(blocks)
        found: dict[Block, bytes] = {}
        if ordered:
            params: dict[str, object] = {"tenant": self._tenant_id}
            for i, (level, index) in enumerate(ordered):
                params[f"l{i}"] = level
                params[f"i{i}"] = index
            if self._conn.dialect.name == "postgresql":
                query = _PG_BLOCK_LOOKUP[self._tenant_id is None]
                params = {
                    "tenant": self._tenant_id,
                    "seqs": [index for level, index in ordered if level == 0],
                    "levels": [level for level, _ in ordered if level > 0],
                    "idxs": [index for level, index in ordered if level > 0],
                }
            else:
                query = _block_lookup(tuple(lv == 0 for lv, _ in ordered), self._tenant_id is None)
            for level, index, h in self._conn.execute(query, params):
                found[int(level), int(index)] = bytes(h)
        missing = blocks - found.keys()  # beyond the log, or not yet stored by a checkpoint
        if missing:
            size = self.size()
            for level, index in sorted(missing):
                end = (index + 1) << level
                if end > size:
                    raise merkle.ProofRangeError(f"the log has fewer than {end} events")
                found[level, index] = merkle.root(self.leaf_hashes(index << level, end))
        return found

    def _resolve(self, walk: Callable[[merkle.SubtreeHash], list[bytes]]) -> list[bytes]:
        wanted: list[tuple[int, int]] = []

        def record(start: int, end: int) -> bytes:
            wanted.append((start, end))
            return _PLACEHOLDER

        walk(record)
        needed = {b for start, end in wanted for b in blocks_of(start, end)}
        known = self._read_blocks(needed)
        return walk(lambda start, end: fold([known[b] for b in blocks_of(start, end)]))

    def root(self, size: int) -> bytes:
        """The tree head at `size` (which the log must have reached)."""
        if size == 0:
            return merkle.EMPTY_ROOT
        blocks = blocks_of(0, size)
        known = self._read_blocks(set(blocks))
        return fold([known[b] for b in blocks])

    def inclusion_proof(self, index: int, size: int) -> list[bytes]:
        return self._resolve(lambda sub: merkle.inclusion_proof_from(sub, index, size))

    def consistency_proof(self, old_size: int, new_size: int) -> list[bytes]:
        return self._resolve(lambda sub: merkle.consistency_proof_from(sub, old_size, new_size))

    def leaf_hash(self, index: int) -> bytes:
        return self._read_blocks({(0, index)})[(0, index)]

    # -- storing subtrees ------------------------------------------------------------------

    def store_nodes(self, from_size: int, to_size: int) -> bytes:
        """Store every perfect subtree completed by leaves [from_size, to_size); return the
        root at `to_size`, which the walk over the leaves has just computed.

        Resumes from the subtrees of [0, from_size), which an earlier call stored.
        """
        blocks = blocks_of(0, from_size)
        known = self._read_blocks(set(blocks))
        compact = merkle.CompactRange(from_size, [known[b] for b in blocks])
        for chunk in self.iter_leaf_hashes(from_size, to_size):
            rows = [
                {"tenant_id": self._tenant_id, "level": level, "idx": index, "hash": h}
                for leaf in chunk
                for level, index, h in compact.append_nodes(leaf)
            ]
            if rows:
                self._conn.execute(insert(_NODES_TABLE), rows)
        return compact.root()
