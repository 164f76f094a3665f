"""Signed checkpoints of each log: made on demand and by the scheduled job, stored, read back.

A checkpoint commits to the log's first `tree_size` leaves. Making one also stores the subtree
hashes its leaves completed (audit_nodes), so later proofs read O(log n) rows. Signing twice
at one size would give the same note (Ed25519 is deterministic and the body holds no time), so
an unchanged log keeps its latest checkpoint.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any, cast

from sqlalchemy import ColumnElement, Connection, Row, Table, insert, select

from anxin.audit.checkpoint import Checkpoint, sign_checkpoint
from anxin.audit.models import AuditCheckpoint
from anxin.audit.signing_key import SigningKey
from anxin.audit.stored_tree import StoredTree

_TABLE = cast(Table, AuditCheckpoint.__table__)
_C = _TABLE.c
PLATFORM_LOG = "platform"


def origin(prefix: str, tenant_id: str | None) -> str:
    """The log's origin line (and its key's name): one per tenant, one for the platform."""
    return f"{prefix}/{tenant_id or PLATFORM_LOG}"


@dataclasses.dataclass(frozen=True, slots=True)
class StoredCheckpoint:
    tree_size: int
    root_hash: bytes
    note: str
    created_at: dt.datetime


def _log(tenant_id: str | None) -> ColumnElement[bool]:
    return _C.tenant_id.is_(None) if tenant_id is None else _C.tenant_id == tenant_id


def latest(conn: Connection, tenant_id: str | None) -> StoredCheckpoint | None:
    query = select(_C.tree_size, _C.root_hash, _C.note, _C.created_at).where(_log(tenant_id))
    row = conn.execute(query.order_by(_C.tree_size.desc()).limit(1)).first()
    return None if row is None else _stored(row)


def all_checkpoints(conn: Connection, tenant_id: str | None) -> list[StoredCheckpoint]:
    query = select(_C.tree_size, _C.root_hash, _C.note, _C.created_at).where(_log(tenant_id))
    return [_stored(row) for row in conn.execute(query.order_by(_C.tree_size))]


def _stored(row: Row[Any, Any, Any, Any]) -> StoredCheckpoint:
    size, root, note, created_at = row
    return StoredCheckpoint(int(size), bytes(root), str(note), created_at)


def make_checkpoint(
    conn: Connection,
    *,
    tenant_id: str | None,
    key: SigningKey,
    origin_prefix: str,
    now: dt.datetime,
) -> tuple[StoredCheckpoint, bool]:
    """Sign the log at its current size; returns the checkpoint and whether it is new.

    Runs inside the caller's transaction. Events committed later are not covered; events
    still being appended by other transactions hold higher sequence numbers than any this
    transaction can see, so the covered prefix has no holes.
    """
    tree = StoredTree(conn, tenant_id)
    size = tree.size()
    previous = latest(conn, tenant_id)
    if previous is not None and previous.tree_size >= size:
        return previous, False
    root = tree.store_nodes(previous.tree_size if previous else 0, size)
    log_origin = origin(origin_prefix, tenant_id)
    note = sign_checkpoint(Checkpoint(log_origin, size, root), key.signer(log_origin))
    conn.execute(
        insert(_TABLE),
        {
            "tenant_id": tenant_id,
            "tree_size": size,
            "root_hash": root,
            "note": note,
            "created_at": now,
        },
    )
    return StoredCheckpoint(size, root, note, now), True
