"""`anxin keys status`: per tenant, which keys exist, how old they are, and what is due."""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import func, select

from anxin.crypto.keyring import Keyring
from anxin.crypto.keystore import data_keys, index_keys, keks
from anxin.keys import jobs
from anxin.keys.policy import read_policy


@dataclasses.dataclass(frozen=True, slots=True)
class KekStatus:
    version: int
    provider: str
    created_at: dt.datetime
    age_days: int
    state: str  # current | active | retired | destroyed
    wraps_deks: int


@dataclasses.dataclass(frozen=True, slots=True)
class IndexKeyStatus:
    version: int
    created_at: dt.datetime
    age_days: int
    state: str  # active | retired


@dataclasses.dataclass(frozen=True, slots=True)
class TenantKeyStatus:
    tenant_id: str
    tenant_name: str
    provider: str
    keks: list[KekStatus]
    index_keys: list[IndexKeyStatus]
    deks_active: int
    deks_destroyed: int
    max_dek_invocations: int
    kek_rotation_days: int
    kek_rotation_due: bool
    index_rotation_days: int | None
    index_rotation_due: bool
    open_jobs: list[str]

    def as_json(self) -> dict[str, object]:
        out = dataclasses.asdict(self)
        for item in out["keks"] + out["index_keys"]:
            item["created_at"] = item["created_at"].isoformat()
        return out


def tenant_status(
    keyring: Keyring, *, tenant_id: str, tenant_name: str, now: dt.datetime
) -> TenantKeyStatus:
    with keyring.keystore.connect() as conn:
        dek_counts: dict[int, int] = dict(
            conn.execute(
                select(data_keys.c.kek_version, func.count())
                .where(data_keys.c.tenant_id == tenant_id, data_keys.c.destroyed_at.is_(None))
                .group_by(data_keys.c.kek_version)
            ).all()
        )
        destroyed, max_used = conn.execute(
            select(
                func.count(data_keys.c.destroyed_at),
                func.coalesce(func.max(data_keys.c.invocations), 0),
            ).where(data_keys.c.tenant_id == tenant_id)
        ).one()
        kek_rows = conn.execute(
            select(keks).where(keks.c.tenant_id == tenant_id).order_by(keks.c.version)
        ).all()
        index_rows = conn.execute(
            select(index_keys)
            .where(index_keys.c.tenant_id == tenant_id)
            .order_by(index_keys.c.version)
        ).all()
    current = max((r.version for r in kek_rows if r.retired_at is None), default=None)
    kek_list = [
        KekStatus(
            version=r.version,
            provider=r.provider,
            created_at=r.created_at,
            age_days=(now - r.created_at).days,
            state=_kek_state(r.version == current, r.retired_at, r.destroyed_at),
            wraps_deks=int(dek_counts.get(r.version, 0)),
        )
        for r in kek_rows
    ]
    policy = read_policy(keyring.keystore, tenant_id=tenant_id)
    current_row = next((k for k in kek_list if k.state == "current"), None)
    index_list = [
        IndexKeyStatus(
            r.version,
            r.created_at,
            (now - r.created_at).days,
            "active" if r.retired_at is None else "retired",
        )
        for r in index_rows
    ]
    index_age = min((k.age_days for k in index_list if k.state == "active"), default=None)
    index_days = policy.index_rotation_days
    return TenantKeyStatus(
        tenant_id=tenant_id,
        tenant_name=tenant_name,
        provider=keyring.provider.name,
        keks=kek_list,
        index_keys=index_list,
        deks_active=int(sum(dek_counts.values())),
        deks_destroyed=int(destroyed),
        max_dek_invocations=int(max_used),
        kek_rotation_days=policy.kek_rotation_days,
        kek_rotation_due=current_row is None or current_row.age_days >= policy.kek_rotation_days,
        index_rotation_days=index_days,
        index_rotation_due=index_days is not None
        and (index_age is None or index_age >= index_days),
        open_jobs=[j.kind for j in jobs.open_jobs(keyring.keystore, tenant_id=tenant_id)],
    )


def _kek_state(is_current: bool, retired: dt.datetime | None, destroyed: dt.datetime | None) -> str:
    if destroyed is not None:
        return "destroyed"
    if retired is not None:
        return "retired"
    return "current" if is_current else "active"
