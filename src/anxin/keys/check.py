"""`anxin keys check`: open every wrapped key and every sealed value, and say what failed.

The operator's proof that a rotation, a restore or a migration lost nothing. Keys are unwrapped
straight through the provider (not from the keyring's cache), so the check proves what is
stored, not what a process happens to remember.
"""

from __future__ import annotations

import collections
import dataclasses
from collections.abc import Callable, Iterator

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import func, select

from anxin.contact import sealed
from anxin.crypto import aead
from anxin.crypto.errors import CryptoError
from anxin.crypto.keyring import Keyring, dek_context, index_context
from anxin.crypto.keystore import DekCursor, data_key_page, data_keys, index_keys
from anxin.db.database import Database

Progress = Callable[[int, int], None]
BATCH = 1000


@dataclasses.dataclass(frozen=True, slots=True)
class Failure:
    tenant_id: str
    table: str
    row_id: str
    column: str
    reason: str


@dataclasses.dataclass
class CheckReport:
    # (table, column, key version) -> [good, failed]
    counts: dict[tuple[str, str, str], list[int]] = dataclasses.field(
        default_factory=lambda: collections.defaultdict(lambda: [0, 0])
    )
    failures: list[Failure] = dataclasses.field(default_factory=list)
    destroyed_keys: int = 0

    @property
    def ok(self) -> bool:
        return not self.failures

    @property
    def checked(self) -> int:
        return sum(good + failed for good, failed in self.counts.values())

    def as_json(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "checked": self.checked,
            "destroyed_keys": self.destroyed_keys,
            "counts": [
                {"table": t, "column": c, "key_version": v, "good": g, "failed": f}
                for (t, c, v), (g, f) in sorted(self.counts.items())
            ],
            "failures": [dataclasses.asdict(f) for f in self.failures],
        }


class KeyCheck:
    def __init__(self, *, db: Database, keyring: Keyring) -> None:
        self.db = db
        self.keyring = keyring

    def total(self, tenant_id: str) -> int:
        """How many values a check of the tenant opens (for the progress bar)."""
        with self.keyring.keystore.connect() as conn:
            keys = sum(
                int(
                    conn.execute(
                        select(func.count()).select_from(t).where(t.c.tenant_id == tenant_id)
                    ).scalar_one()
                )
                for t in (data_keys, index_keys)
            )
        with self.db.unit_of_work(tenant_id=tenant_id) as session:
            values = sum(sealed.count(session, c, tenant_id=tenant_id) for c in sealed.COLUMNS)
        return keys + values

    def run(self, tenant_id: str, report: CheckReport, progress: Callable[[int], None]) -> None:
        """Check one tenant into `report`; `progress(n)` after every n values."""
        secrets: dict[tuple[str, int], AESGCM] = {}
        for n in self._keys(tenant_id, report, secrets):
            progress(n)
        for column in sealed.COLUMNS:
            for n in self._values(tenant_id, column, report, secrets):
                progress(n)

    def _keys(
        self, tenant_id: str, report: CheckReport, secrets: dict[tuple[str, int], AESGCM]
    ) -> Iterator[int]:
        with self.keyring.keystore.connect() as conn:
            query = select(index_keys).where(index_keys.c.tenant_id == tenant_id)
            for r in conn.execute(query):
                context = index_context(tenant_id, r.version, r.kek_version)
                self._unwrap(
                    report,
                    tenant_id,
                    ("keystore.index_keys", f"v{r.version}"),
                    r.kek_version,
                    r.wrapped,
                    context,
                )
            yield 1
        cursor: DekCursor | None = None
        while True:
            with self.keyring.keystore.connect() as conn:
                query = select(data_keys).where(data_keys.c.tenant_id == tenant_id)
                rows = conn.execute(data_key_page(query, after=cursor, limit=BATCH)).all()
            if not rows:
                return
            for r in rows:
                if r.destroyed_at is not None:
                    report.destroyed_keys += 1
                    continue
                context = dek_context(tenant_id, r.owner_id, r.version, r.kek_version)
                secret = self._unwrap(
                    report,
                    tenant_id,
                    ("keystore.data_keys", f"{r.owner_id}:{r.version}"),
                    r.kek_version,
                    r.wrapped,
                    context,
                )
                if secret is not None:
                    secrets[(r.owner_id, r.version)] = AESGCM(secret)
            cursor = (rows[-1].owner_id, rows[-1].version)
            yield len(rows)

    def _unwrap(
        self,
        report: CheckReport,
        tenant_id: str,
        where: tuple[str, str],
        kek_version: int,
        wrapped: bytes,
        context: bytes,
    ) -> bytes | None:
        table, row_id = where
        counter = report.counts[(table, "wrapped", f"kek:v{kek_version}")]
        try:
            secret = self.keyring.provider.unwrap(
                tenant_id=tenant_id, kek_version=kek_version, wrapped=wrapped, context=context
            )
        except CryptoError as exc:
            counter[1] += 1
            report.failures.append(Failure(tenant_id, table, row_id, "wrapped", exc.detail))
            return None
        counter[0] += 1
        return secret

    def _values(
        self,
        tenant_id: str,
        column: sealed.SealedColumn,
        report: CheckReport,
        secrets: dict[tuple[str, int], AESGCM],
    ) -> Iterator[int]:
        after: tuple[str | int, ...] | None = None
        while True:
            with self.db.unit_of_work(tenant_id=tenant_id) as session:
                batch = sealed.scan(session, column, tenant_id=tenant_id, after=after, limit=BATCH)
            if not batch:
                return
            for value in batch:
                self._open(tenant_id, value, report, secrets)
            after = batch[-1].key
            yield len(batch)

    def _open(
        self,
        tenant_id: str,
        value: sealed.SealedValue,
        report: CheckReport,
        secrets: dict[tuple[str, int], AESGCM],
    ) -> None:
        table, column = value.column.table.name, value.column.name
        try:
            version = aead.key_version_of(value.blob)
        except CryptoError as exc:
            report.counts[(table, column, "?")][1] += 1
            report.failures.append(Failure(tenant_id, table, value.row_id, column, exc.detail))
            return
        counter = report.counts[(table, column, f"dek:v{version}")]
        cipher = secrets.get((value.owner_id, version))
        if cipher is None:
            counter[1] += 1
            reason = f"no usable data key v{version} for owner {value.owner_id}"
            report.failures.append(Failure(tenant_id, table, value.row_id, column, reason))
            return
        try:
            aead.open_sealed(cipher, blob=value.blob, ref=value.ref(tenant_id))
        except CryptoError as exc:
            counter[1] += 1
            report.failures.append(Failure(tenant_id, table, value.row_id, column, exc.detail))
            return
        counter[0] += 1
