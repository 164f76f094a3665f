"""Online key rotation: KEK (rewrap), DEK (re-encrypt) and blind-index key (rebuild).

Every rotation is a job (jobs.py): resumable after a kill, idempotent batch by batch, and run
while the service keeps serving.

- KEK: a new KEK version becomes current at once (new DEKs are wrapped under it); every wrapped
  key is rewrapped in batches; the old versions are retired when nothing uses them. Retired KEKs
  stay in the provider so restored backups still open; `destroy_retired_keks` erases them.
- DEK: per customer, a new DEK version; every sealed value of the customer is opened and sealed
  again in the same records transaction, which holds the customer row locked so the service
  cannot seal a new value under the old key meanwhile; the old version is then destroyed.
  Readers open each value under the version its header names, so they never notice.
- Index: a new index key becomes active beside the old one: new customers are indexed and
  lookups answered under both while every customer's entries are rebuilt; then the old key is
  retired and its entries deleted. The message index (identifiers mentioned in messages) is
  rebuilt with each batch of customers, from their opened and re-detected message texts.
  Processes cache the list of active index keys for `INDEX_KEYS_TTL` (a lookup would otherwise
  pay a keystore read), so the rotation waits that long after each change of the list before
  the step that relies on everyone having seen it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections.abc import Callable, Sequence
from typing import cast

from sqlalchemy import (
    ColumnElement,
    Connection,
    Table,
    bindparam,
    delete,
    exists,
    func,
    select,
    update,
)
from sqlalchemy.orm import Session, aliased

from anxin.audit import service as audit_service
from anxin.audit.actions import AuditAction
from anxin.contact import mentions, sealed
from anxin.contact.models import (
    Conversation,
    Customer,
    CustomerIndex,
    Message,
    MessageIndex,
)
from anxin.contact.service import index_digests
from anxin.crypto.aead import FieldRef
from anxin.crypto.keyring import IndexKey, Keyring, dek_context, index_context
from anxin.crypto.keystore import DekCursor, data_key_page, data_keys, index_keys, keks
from anxin.db.database import Database
from anxin.kernel.clock import Clock
from anxin.kernel.principal import Principal, system_principal
from anxin.keys import jobs

Progress = Callable[[int, int], None]
"""Called with (done, total) after every committed batch."""

CUSTOMERS = cast(Table, Customer.__table__)
CUSTOMER_INDEX = cast(Table, CustomerIndex.__table__)
CONVERSATIONS = cast(Table, Conversation.__table__)
MESSAGES = cast(Table, Message.__table__)
MESSAGE_INDEX = cast(Table, MessageIndex.__table__)


@dataclasses.dataclass(frozen=True, slots=True)
class RotationReport:
    kind: str
    tenant_id: str
    target_version: int | None
    processed: int
    values: int
    retired: tuple[int, ...]
    destroyed: int
    resumed: bool


def _quiet(_done: int, _total: int) -> None:
    return None


class KeyRotation:
    def __init__(self, *, db: Database, keyring: Keyring, clock: Clock) -> None:
        self.db = db
        self.keyring = keyring
        self.keystore = keyring.keystore
        self.clock = clock

    # --- KEK ------------------------------------------------------------------------------

    def rotate_kek(
        self, tenant_id: str, *, batch: int = 2000, progress: Progress = _quiet
    ) -> RotationReport:
        job = jobs.open_job(
            self.keystore,
            tenant_id=tenant_id,
            kind="kek",
            now=self.clock.now(),
            target=lambda conn: _max_version(conn, keks, tenant_id) + 1,
        )
        target = cast(int, job.target_version)
        self.keyring.add_kek(tenant_id=tenant_id, version=target, now=self.clock.now())
        if not job.resumed:
            self._audit(tenant_id, AuditAction.KEY_CREATE, {"keys": [f"kek:v{target}"]})
        total = job.done + self._count_not_under(tenant_id, target)
        done = job.done
        cursor = _parse_cursor(job.cursor)
        while True:
            rows, last = self._rewrap_batch(tenant_id, target, cursor, batch)
            if last is None:
                break
            cursor = last
            done += rows
            jobs.advance(self.keystore, job, cursor=f"{last[0]}:{last[1]}", done=done)
            progress(done, total)
        self._rewrap_index_keys(tenant_id, target)
        retired = self._retire_keks(tenant_id, target)
        jobs.finish(self.keystore, job, now=self.clock.now(), done=done)
        self._audit(
            tenant_id,
            AuditAction.KEY_ROTATE,
            {"keys": f"kek:v{target}", "rewrapped": done, "resumed": job.resumed},
        )
        if retired:
            self._audit(tenant_id, AuditAction.KEY_RETIRE, {"keys": [f"kek:v{v}" for v in retired]})
        progress(done, max(total, done))
        return RotationReport("kek", tenant_id, target, done, done, retired, 0, job.resumed)

    def _count_not_under(self, tenant_id: str, target: int) -> int:
        with self.keystore.connect() as conn:
            return int(
                conn.execute(
                    select(func.count())
                    .select_from(data_keys)
                    .where(
                        data_keys.c.tenant_id == tenant_id,
                        data_keys.c.kek_version != target,
                        data_keys.c.destroyed_at.is_(None),
                    )
                ).scalar_one()
            )

    def _rewrap_batch(
        self, tenant_id: str, target: int, cursor: DekCursor | None, batch: int
    ) -> tuple[int, DekCursor | None]:
        provider = self.keyring.provider
        with self.keystore.begin() as conn:
            query = select(
                data_keys.c.owner_id,
                data_keys.c.version,
                data_keys.c.kek_version,
                data_keys.c.wrapped,
            ).where(
                data_keys.c.tenant_id == tenant_id,
                data_keys.c.kek_version != target,
                data_keys.c.destroyed_at.is_(None),
            )
            rows = conn.execute(data_key_page(query, after=cursor, limit=batch)).all()
            if not rows:
                return 0, None
            updates = []
            for r in rows:
                secret = self.keyring.unwrap_for(
                    tenant_id,
                    f"data key v{r.version} of {r.owner_id}",
                    r.kek_version,
                    r.wrapped,
                    dek_context(tenant_id, r.owner_id, r.version, r.kek_version),
                )
                wrapped = provider.wrap(
                    tenant_id=tenant_id,
                    kek_version=target,
                    key=secret,
                    context=dek_context(tenant_id, r.owner_id, r.version, target),
                )
                updates.append(
                    {"o": r.owner_id, "v": r.version, "old": r.kek_version, "w": wrapped}
                )
            conn.execute(
                update(data_keys)
                .where(
                    data_keys.c.owner_id == bindparam("o"),
                    data_keys.c.version == bindparam("v"),
                    data_keys.c.kek_version == bindparam("old"),
                )
                .values(kek_version=target, wrapped=bindparam("w")),
                updates,
            )
        last = rows[-1]
        return len(rows), (last.owner_id, last.version)

    def _rewrap_index_keys(self, tenant_id: str, target: int) -> None:
        with self.keystore.begin() as conn:
            rows = conn.execute(
                select(index_keys).where(
                    index_keys.c.tenant_id == tenant_id, index_keys.c.kek_version != target
                )
            ).all()
            for r in rows:
                secret = self.keyring.unwrap_for(
                    tenant_id,
                    f"index key v{r.version}",
                    r.kek_version,
                    r.wrapped,
                    index_context(tenant_id, r.version, r.kek_version),
                )
                wrapped = self.keyring.provider.wrap(
                    tenant_id=tenant_id,
                    kek_version=target,
                    key=secret,
                    context=index_context(tenant_id, r.version, target),
                )
                conn.execute(
                    update(index_keys)
                    .where(index_keys.c.tenant_id == tenant_id, index_keys.c.version == r.version)
                    .values(kek_version=target, wrapped=wrapped)
                )

    def _retire_keks(self, tenant_id: str, target: int) -> tuple[int, ...]:
        """Retire versions below the target once no wrapped key uses them (checked in the same
        keystore transaction, so a key wrapped meanwhile under an old version is not orphaned)."""
        now = self.clock.now()
        with self.keystore.begin() as conn:
            used = {
                int(v)
                for (v,) in conn.execute(
                    select(data_keys.c.kek_version)
                    .where(data_keys.c.tenant_id == tenant_id, data_keys.c.destroyed_at.is_(None))
                    .distinct()
                )
            } | {
                int(v)
                for (v,) in conn.execute(
                    select(index_keys.c.kek_version).where(index_keys.c.tenant_id == tenant_id)
                )
            }
            candidates = [
                int(v)
                for (v,) in conn.execute(
                    select(keks.c.version).where(
                        keks.c.tenant_id == tenant_id,
                        keks.c.version < target,
                        keks.c.retired_at.is_(None),
                    )
                )
                if int(v) not in used
            ]
            if candidates:
                conn.execute(
                    update(keks)
                    .where(keks.c.tenant_id == tenant_id, keks.c.version.in_(candidates))
                    .values(retired_at=now)
                )
        return tuple(sorted(candidates))

    def destroy_retired_keks(self, tenant_id: str) -> tuple[int, ...]:
        """Erase retired KEK versions from the provider. Backups whose keystore copy still
        references them can no longer be opened: run only once those backups have expired."""
        now = self.clock.now()
        with self.keystore.begin() as conn:
            versions = [
                int(v)
                for (v,) in conn.execute(
                    select(keks.c.version).where(
                        keks.c.tenant_id == tenant_id,
                        keks.c.retired_at.is_not(None),
                        keks.c.destroyed_at.is_(None),
                    )
                )
            ]
            for version in versions:
                self.keyring.provider.destroy_kek(tenant_id=tenant_id, version=version)
            if versions:
                conn.execute(
                    update(keks)
                    .where(keks.c.tenant_id == tenant_id, keks.c.version.in_(versions))
                    .values(destroyed_at=now)
                )
        if versions:
            self._audit(
                tenant_id, AuditAction.KEY_DESTROY, {"keys": [f"kek:v{v}" for v in versions]}
            )
        return tuple(versions)

    # --- DEK ------------------------------------------------------------------------------

    def rotate_dek(
        self, tenant_id: str, *, batch: int = 200, progress: Progress = _quiet
    ) -> RotationReport:
        job = jobs.open_job(
            self.keystore,
            tenant_id=tenant_id,
            kind="dek",
            now=self.clock.now(),
            target=lambda _conn: None,
        )
        total = self._count_customers(tenant_id)
        done, values, destroyed = job.done, 0, 0
        cursor = job.cursor
        while True:
            with self.db.unit_of_work(tenant_id=tenant_id) as session:
                owners = self._lock_customers(session, tenant_id, cursor, batch)
                if not owners:
                    break
                values += self._reseal(session, tenant_id, owners, job.started_at)
            # Committed: every value of these owners is under their newest key; destroy the rest
            # (also for owners a killed run already re-sealed but did not get to clean up).
            destroyed += self._destroy_old_deks(tenant_id, owners)
            cursor = owners[-1][0]
            done += len(owners)
            jobs.advance(self.keystore, job, cursor=cursor, done=done)
            progress(done, total)
        jobs.finish(self.keystore, job, now=self.clock.now(), done=done)
        self._audit(
            tenant_id,
            AuditAction.KEY_ROTATE,
            {"keys": "dek:all", "owners": done, "values": values, "resumed": job.resumed},
        )
        if destroyed:
            self._audit(tenant_id, AuditAction.KEY_DESTROY, {"keys": "dek:old", "count": destroyed})
        progress(done, max(total, done))
        return RotationReport("dek", tenant_id, None, done, values, (), destroyed, job.resumed)

    def _count_customers(self, tenant_id: str) -> int:
        with self.db.unit_of_work(tenant_id=tenant_id) as session:
            return int(
                session.execute(
                    select(func.count())
                    .select_from(CUSTOMERS)
                    .where(CUSTOMERS.c.tenant_id == tenant_id, CUSTOMERS.c.erased_at.is_(None))
                ).scalar_one()
            )

    def _lock_customers(
        self, session: Session, tenant_id: str, cursor: str | None, batch: int
    ) -> list[tuple[str, int]]:
        query = (
            select(CUSTOMERS.c.id, CUSTOMERS.c.dek_version)
            .where(CUSTOMERS.c.tenant_id == tenant_id, CUSTOMERS.c.erased_at.is_(None))
            .order_by(CUSTOMERS.c.id)
            .limit(batch)
            .with_for_update()
        )
        if cursor is not None:
            query = query.where(CUSTOMERS.c.id > cursor)
        return [(r.id, r.dek_version) for r in session.execute(query)]

    def _reseal(
        self,
        session: Session,
        tenant_id: str,
        owners: Sequence[tuple[str, int]],
        started: dt.datetime,
    ) -> int:
        """Re-seal the owners whose current key predates this job; returns values re-sealed."""
        stale = self._stale_owners(owners, started)
        if not stale:
            return 0
        now = self.clock.now()
        new_keys = self.keyring.ensure_data_keys(
            tenant_id=tenant_id, versions={o: v + 1 for o, v in stale.items()}, now=now
        )
        rewrites: list[tuple[sealed.SealedValue, bytes]] = []
        by_owner = sealed.owner_values(session, tenant_id=tenant_id, owner_ids=list(stale))
        for owner_id, version in stale.items():
            old = self.keyring.owner_keys(
                tenant_id=tenant_id, owner_id=owner_id, current_version=version
            )
            new = new_keys[owner_id]
            for value in by_owner[owner_id]:
                ref: FieldRef = value.ref(tenant_id)
                rewrites.append((value, new.seal(ref, old.open(ref, value.blob))))
        sealed.rewrite(session, rewrites)
        session.execute(
            update(CUSTOMERS)
            .where(CUSTOMERS.c.id == bindparam("o"))
            .values(dek_version=bindparam("v"), updated_at=now),
            [{"o": o, "v": v + 1} for o, v in stale.items()],
        )
        return len(rewrites)

    def _stale_owners(
        self, owners: Sequence[tuple[str, int]], started: dt.datetime
    ) -> dict[str, int]:
        current = dict(owners)
        with self.keystore.connect() as conn:
            rows = conn.execute(
                select(data_keys.c.owner_id, data_keys.c.version, data_keys.c.created_at).where(
                    data_keys.c.owner_id.in_(list(current))
                )
            ).all()
        fresh = {
            r.owner_id for r in rows if r.version == current[r.owner_id] and r.created_at >= started
        }
        return {o: v for o, v in current.items() if o not in fresh}

    def _destroy_old_deks(self, tenant_id: str, owners: Sequence[tuple[str, int]]) -> int:
        now = self.clock.now()
        with self.keystore.begin() as conn:
            result = conn.execute(
                update(data_keys)
                .where(
                    data_keys.c.tenant_id == tenant_id,
                    data_keys.c.owner_id == bindparam("o"),
                    data_keys.c.version < bindparam("v"),
                    data_keys.c.destroyed_at.is_(None),
                )
                .values(wrapped=b"", destroyed_at=now),
                [{"o": o, "v": v} for o, v in self._current_versions(tenant_id, owners)],
            )
        for owner_id, _ in owners:
            self.keyring.forget(owner_id)
        self.keystore.scrub()
        return max(int(result.rowcount), 0)

    def _current_versions(
        self, tenant_id: str, owners: Sequence[tuple[str, int]]
    ) -> list[tuple[str, int]]:
        ids = [o for o, _ in owners]
        with self.db.unit_of_work(tenant_id=tenant_id) as session:
            rows = session.execute(
                select(CUSTOMERS.c.id, CUSTOMERS.c.dek_version).where(CUSTOMERS.c.id.in_(ids))
            ).all()
        return [(r.id, r.dek_version) for r in rows]

    # --- blind index ----------------------------------------------------------------------

    def rotate_index(
        self, tenant_id: str, *, batch: int = 500, progress: Progress = _quiet
    ) -> RotationReport:
        job = jobs.open_job(
            self.keystore,
            tenant_id=tenant_id,
            kind="index",
            now=self.clock.now(),
            target=lambda conn: _max_version(conn, index_keys, tenant_id) + 1,
        )
        target = cast(int, job.target_version)
        self.keyring.add_index_key(tenant_id=tenant_id, version=target, now=self.clock.now())
        if not job.resumed:
            self._audit(tenant_id, AuditAction.KEY_CREATE, {"keys": [f"index:v{target}"]})
        # Let every process see the new key before the scan, so whatever they write from here
        # on is indexed under it too (processes cache the active list for index_keys_ttl).
        self._settle()
        key = next(k for k in self.keyring.index_keys(tenant_id=tenant_id) if k.version == target)
        total = self._count_customers(tenant_id)
        done, cursor = job.done, job.cursor
        while True:
            with self.db.unit_of_work(tenant_id=tenant_id) as session:
                owners = self._lock_customers(session, tenant_id, cursor, batch)
                if not owners:
                    break
                self._reindex(session, tenant_id, owners, key)
            cursor = owners[-1][0]
            done += len(owners)
            jobs.advance(self.keystore, job, cursor=cursor, done=done)
            progress(done, total)
        # Every customer has entries under the new key: retire the old ones, wait until no
        # process writes or looks up under them any more, then catch stragglers and delete.
        retired = self._retire_index_keys(tenant_id, target)
        self._settle()
        with self.db.unit_of_work(tenant_id=tenant_id) as session:
            self._reindex(session, tenant_id, self._unindexed(session, tenant_id, target), key)
            self._reindex_messages(
                session, tenant_id, key, self._unindexed_messages(session, tenant_id, target)
            )
            for table in (CUSTOMER_INDEX, MESSAGE_INDEX):
                session.execute(
                    delete(table).where(
                        table.c.tenant_id == tenant_id, table.c.key_version != target
                    )
                )
        jobs.finish(self.keystore, job, now=self.clock.now(), done=done)
        self._audit(
            tenant_id,
            AuditAction.KEY_ROTATE,
            {"keys": f"index:v{target}", "customers": done, "resumed": job.resumed},
        )
        if retired:
            self._audit(
                tenant_id, AuditAction.KEY_RETIRE, {"keys": [f"index:v{v}" for v in retired]}
            )
        progress(done, max(total, done))
        return RotationReport("index", tenant_id, target, done, done, retired, 0, job.resumed)

    def _reindex(
        self, session: Session, tenant_id: str, owners: Sequence[tuple[str, int]], key: IndexKey
    ) -> None:
        if not owners:
            return
        ids = [o for o, _ in owners]
        rows = session.execute(
            select(
                CUSTOMERS.c.id,
                CUSTOMERS.c.dek_version,
                CUSTOMERS.c.phones_ct,
                CUSTOMERS.c.email_ct,
                CUSTOMERS.c.id_number_ct,
            ).where(CUSTOMERS.c.tenant_id == tenant_id, CUSTOMERS.c.id.in_(ids))
        ).all()
        entries: list[dict[str, object]] = []
        for r in rows:
            keys = self.keyring.owner_keys(
                tenant_id=tenant_id, owner_id=r.id, current_version=r.dek_version
            )
            values: dict[str, str | None] = {}
            for name, blob in (
                ("phones", r.phones_ct),
                ("email", r.email_ct),
                ("id_number", r.id_number_ct),
            ):
                ref = FieldRef(tenant_id, "customers", name, r.id)
                values[name] = None if blob is None else keys.open(ref, blob)
            entries.extend(
                {
                    "tenant_id": tenant_id,
                    "kind": kind.value,
                    "digest": digest,
                    "customer_id": r.id,
                    "key_version": key.version,
                }
                for kind, digest in index_digests(key.key, values)
            )
        session.execute(
            delete(CUSTOMER_INDEX).where(
                CUSTOMER_INDEX.c.tenant_id == tenant_id,
                CUSTOMER_INDEX.c.customer_id.in_(ids),
                CUSTOMER_INDEX.c.key_version == key.version,
            )
        )
        if entries:
            session.execute(CUSTOMER_INDEX.insert(), entries)
        conversations = select(CONVERSATIONS.c.id).where(
            CONVERSATIONS.c.tenant_id == tenant_id, CONVERSATIONS.c.customer_id.in_(ids)
        )
        self._reindex_messages(
            session, tenant_id, key, MESSAGES.c.conversation_id.in_(conversations)
        )

    def _reindex_messages(
        self, session: Session, tenant_id: str, key: IndexKey, which: ColumnElement[bool]
    ) -> None:
        """Rebuild the message-index entries of the messages `which` selects under `key`:
        each text is opened under its customer's data key and detected again, since only the
        original holds the values (the redacted copy and the entities do not)."""
        rows = session.execute(
            select(
                MESSAGES.c.conversation_id,
                MESSAGES.c.seq,
                MESSAGES.c.text_ct,
                CUSTOMERS.c.id.label("customer_id"),
                CUSTOMERS.c.dek_version,
            )
            .join(CONVERSATIONS, CONVERSATIONS.c.id == MESSAGES.c.conversation_id)
            .join(CUSTOMERS, CUSTOMERS.c.id == CONVERSATIONS.c.customer_id)
            .where(MESSAGES.c.tenant_id == tenant_id, CUSTOMERS.c.erased_at.is_(None), which)
        ).all()
        entries: list[dict[str, object]] = []
        for r in rows:
            keys = self.keyring.owner_keys(
                tenant_id=tenant_id, owner_id=r.customer_id, current_version=r.dek_version
            )
            text = keys.open(mentions.message_ref(tenant_id, r.conversation_id, r.seq), r.text_ct)
            identifiers = mentions.detect(text).identifiers
            entries += mentions.index_rows([key], tenant_id, r.conversation_id, r.seq, identifiers)
        seqs: dict[str, list[int]] = {}
        for r in rows:
            seqs.setdefault(r.conversation_id, []).append(r.seq)
        for conversation_id, numbers in seqs.items():
            session.execute(
                delete(MESSAGE_INDEX).where(
                    MESSAGE_INDEX.c.tenant_id == tenant_id,
                    MESSAGE_INDEX.c.conversation_id == conversation_id,
                    MESSAGE_INDEX.c.seq.in_(numbers),
                    MESSAGE_INDEX.c.key_version == key.version,
                )
            )
        if entries:
            session.execute(MESSAGE_INDEX.insert(), entries)

    def _unindexed_messages(
        self, session: Session, tenant_id: str, target: int
    ) -> ColumnElement[bool]:
        """Messages with entries under an old key but none under the target (see _unindexed)."""
        newer = aliased(MessageIndex)
        return exists().where(
            MESSAGE_INDEX.c.tenant_id == tenant_id,
            MESSAGE_INDEX.c.conversation_id == MESSAGES.c.conversation_id,
            MESSAGE_INDEX.c.seq == MESSAGES.c.seq,
            MESSAGE_INDEX.c.key_version != target,
            ~exists().where(
                newer.tenant_id == tenant_id,
                newer.conversation_id == MESSAGES.c.conversation_id,
                newer.seq == MESSAGES.c.seq,
                newer.key_version == target,
            ),
        )

    def _unindexed(self, session: Session, tenant_id: str, target: int) -> list[tuple[str, int]]:
        """Customers with entries under an old key but none under the target: written by a
        process that had not yet seen the new key when the scan passed them."""
        newer = aliased(CustomerIndex)
        query = select(CUSTOMERS.c.id, CUSTOMERS.c.dek_version).where(
            CUSTOMERS.c.tenant_id == tenant_id,
            CUSTOMERS.c.erased_at.is_(None),
            ~exists().where(
                newer.tenant_id == tenant_id,
                newer.customer_id == CUSTOMERS.c.id,
                newer.key_version == target,
            ),
            exists().where(
                CUSTOMER_INDEX.c.tenant_id == tenant_id,
                CUSTOMER_INDEX.c.customer_id == CUSTOMERS.c.id,
            ),
        )
        return [(r.id, r.dek_version) for r in session.execute(query)]

    def _retire_index_keys(self, tenant_id: str, target: int) -> tuple[int, ...]:
        now = self.clock.now()
        with self.keystore.begin() as conn:
            versions = [
                int(v)
                for (v,) in conn.execute(
                    select(index_keys.c.version).where(
                        index_keys.c.tenant_id == tenant_id,
                        index_keys.c.version < target,
                        index_keys.c.retired_at.is_(None),
                    )
                )
            ]
            if versions:
                conn.execute(
                    update(index_keys)
                    .where(index_keys.c.tenant_id == tenant_id, index_keys.c.version.in_(versions))
                    .values(retired_at=now)
                )
        self.keyring.forget_index_keys(tenant_id)
        return tuple(versions)

    # --- shared ---------------------------------------------------------------------------

    def _settle(self) -> None:
        """Wait out other processes' cached list of active index keys."""
        time.sleep(self.keyring.index_keys_ttl)

    def _audit(self, tenant_id: str, action: AuditAction, detail: dict[str, object]) -> None:
        principal: Principal = system_principal(tenant_id, name="keys")
        with self.db.unit_of_work(tenant_id=tenant_id) as session:
            audit_service.append(
                session,
                principal=principal,
                action=action,
                object_type="key",
                object_id=None,
                now=self.clock.now(),
                detail=detail,
            )


def _max_version(conn: Connection, table: Table, tenant_id: str) -> int:
    value = conn.execute(
        select(func.max(table.c.version)).where(table.c.tenant_id == tenant_id)
    ).scalar()
    return int(value or 0)


def _parse_cursor(cursor: str | None) -> DekCursor | None:
    if cursor is None:
        return None
    owner, _, version = cursor.rpartition(":")
    return owner, int(version)
