"""Checkpointing a log on a schedule or on demand: sign, store, audit, publish to the witness.

Used by `anxin audit checkpoint`, the `checkpoints` job (`anxin jobs run`) and the server's
periodic task, so all three behave alike:

1. in one unit of work, sign the log at its current size (audit/checkpoints.py) and, when the
   checkpoint is new, append an AUDIT_CHECKPOINT event (it lands after the checkpoint, so the
   next one covers it);
2. after that commits, publish a new checkpoint to the witness, if one is configured, and
   record AUDIT_WITNESS_PUBLISH (success or failed) in a unit of work of its own. A failed
   publish loses nothing: the checkpoint is stored, and the next publish covers it.

The scheduled runs skip a log whose only events since its latest checkpoint are their own
(checkpoint and publish records): otherwise every run would find "new" events forever.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import cast

from sqlalchemy import Connection, Table, select

from anxin.audit import checkpoints
from anxin.audit import service as audit_service
from anxin.audit.actions import AuditAction, Outcome
from anxin.audit.models import AuditEvent
from anxin.audit.signing_key import SigningKey
from anxin.audit.witness import WitnessError, publish
from anxin.config import Settings
from anxin.db.database import Database
from anxin.kernel.principal import Principal

_EVENTS = cast(Table, AuditEvent.__table__).c
_OWN_ACTIONS = (AuditAction.AUDIT_CHECKPOINT.value, AuditAction.AUDIT_WITNESS_PUBLISH.value)


@dataclasses.dataclass(frozen=True, slots=True)
class WitnessSettings:
    """Where to publish (Settings.audit_witness) and which CA to trust for https://."""

    target: str
    ca_file: Path | None = None

    @classmethod
    def configured(cls, settings: Settings) -> WitnessSettings | None:
        """The deployment's witness (ANXIN_AUDIT_WITNESS), or None when there is none."""
        if not settings.audit_witness:
            return None
        return cls(settings.audit_witness, settings.audit_witness_ca)


@dataclasses.dataclass(frozen=True, slots=True)
class CheckpointRun:
    """What one checkpoint run did. `published` is None when there was nothing to publish."""

    checkpoint: checkpoints.StoredCheckpoint | None
    origin: str
    new: bool
    published: bool | None = None
    witness_error: str | None = None


def has_new_events(conn: Connection, tenant_id: str | None, since: int) -> bool:
    """Whether the log holds events at seq >= `since` other than checkpoint runs' own."""
    log = _EVENTS.tenant_id.is_(None) if tenant_id is None else _EVENTS.tenant_id == tenant_id
    query = (
        select(_EVENTS.seq)
        .where(log, _EVENTS.seq >= since, _EVENTS.action.not_in(_OWN_ACTIONS))
        .limit(1)
    )
    return conn.execute(query).first() is not None


def checkpoint_log(
    db: Database,
    *,
    principal: Principal,
    key: SigningKey,
    origin_prefix: str,
    now: dt.datetime,
    witness: WitnessSettings | None = None,
    scheduled: bool = False,
) -> CheckpointRun:
    """Checkpoint the principal's log (its tenant's, or the platform's) and publish it."""
    tenant_id = principal.tenant_id
    origin = checkpoints.origin(origin_prefix, tenant_id)
    with db.unit_of_work(tenant_id=tenant_id) as session:
        conn = session.connection()
        if scheduled:
            previous = checkpoints.latest(conn, tenant_id)
            since = previous.tree_size if previous else 0
            if not has_new_events(conn, tenant_id, since):
                return CheckpointRun(previous, origin, new=False)
        made, new = checkpoints.make_checkpoint(
            conn, tenant_id=tenant_id, key=key, origin_prefix=origin_prefix, now=now
        )
        if new:
            audit_service.append(
                session,
                principal=principal,
                action=AuditAction.AUDIT_CHECKPOINT,
                object_type="audit_checkpoint",
                object_id=str(made.tree_size),
                now=now,
                detail={"origin": origin, "root_hash": made.root_hash.hex()},
            )
    if witness is None or not new:
        return CheckpointRun(made, origin, new=new)
    error = publish_checkpoint(
        db, principal=principal, made=made, origin=origin, witness=witness, now=now
    )
    return CheckpointRun(made, origin, new=True, published=error is None, witness_error=error)


def publish_checkpoint(
    db: Database,
    *,
    principal: Principal,
    made: checkpoints.StoredCheckpoint,
    origin: str,
    witness: WitnessSettings,
    now: dt.datetime,
) -> str | None:
    """Send a stored checkpoint to the witness and record the attempt; the error, if any.

    Call after the checkpoint has committed: a witness that is down loses nothing.
    """
    error: str | None = None
    try:
        publish(
            witness.target,
            origin=origin,
            tree_size=made.tree_size,
            note=made.note,
            ca_file=witness.ca_file,
        )
    except WitnessError as exc:
        error = exc.detail
    with db.unit_of_work(tenant_id=principal.tenant_id) as session:
        audit_service.append(
            session,
            principal=principal,
            action=AuditAction.AUDIT_WITNESS_PUBLISH,
            object_type="audit_checkpoint",
            object_id=str(made.tree_size),
            now=now,
            outcome=Outcome.FAILED if error else Outcome.SUCCESS,
            detail={"origin": origin, "error": error} if error else {"origin": origin},
        )
    return error
