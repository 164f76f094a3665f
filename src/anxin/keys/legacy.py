"""Moving wrapped keys of a pre-keystore data directory (schema 0001) into the keystore.

Schema 0001 kept wrapped DEKs and index keys beside the records. `anxin init` calls this before
migrating to 0002 (which drops those tables and refuses to while they hold rows): rows are copied
into the keystore (skipping any already there, so an interrupted move simply runs again), the
KEK versions the provider holds are recorded, and only then are the old rows deleted.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, Engine, MetaData, Table, delete, inspect, select

from anxin.crypto.keyring import DEFAULT_KEK_ROTATION_DAYS
from anxin.crypto.keystore import Keystore, data_keys, index_keys, keks, policies
from anxin.crypto.provider import KeyProvider
from anxin.kernel.clock import as_utc


def adopt_legacy_keys(
    engine: Engine, keystore: Keystore, provider: KeyProvider, *, now: dt.datetime
) -> int:
    """Move legacy key rows; returns how many wrapped keys were moved (0 when none exist)."""
    if "data_keys" not in inspect(engine).get_table_names():
        return 0
    meta = MetaData()
    old_deks = Table("data_keys", meta, autoload_with=engine)
    old_index = Table("tenant_index_keys", meta, autoload_with=engine)
    with engine.connect() as source:
        deks = [_utc(dict(r._mapping)) for r in source.execute(select(old_deks))]
        indexes = [_utc(dict(r._mapping)) for r in source.execute(select(old_index))]
    with keystore.begin() as conn:
        have = {tuple(r) for r in conn.execute(select(data_keys.c.owner_id, data_keys.c.version))}
        new_deks = [
            {**r, "invocations": 0} for r in deks if (r["owner_id"], r["version"]) not in have
        ]
        if new_deks:
            conn.execute(data_keys.insert(), new_deks)
        pairs = select(index_keys.c.tenant_id, index_keys.c.version)
        have_index = {tuple(r) for r in conn.execute(pairs)}
        new_index = [r for r in indexes if (r["tenant_id"], r["version"]) not in have_index]
        if new_index:
            conn.execute(index_keys.insert(), new_index)
        for tenant_id in {r["tenant_id"] for r in indexes}:
            _record_keks(conn, provider, tenant_id, now)
    with engine.begin() as target:
        target.execute(delete(old_deks))
        target.execute(delete(old_index))
    return len(deks) + len(indexes)


def _utc(row: dict[str, Any]) -> dict[str, Any]:
    """Reflected tables lose the UTC type: SQLite hands back naive timestamps."""
    for name in ("created_at", "destroyed_at"):
        if row.get(name) is not None:
            row[name] = as_utc(row[name])
    return row


def _record_keks(conn: Connection, provider: KeyProvider, tenant_id: str, now: dt.datetime) -> None:
    query = select(keks.c.version).where(keks.c.tenant_id == tenant_id)
    recorded = set(conn.execute(query).scalars())
    for version in provider.kek_versions(tenant_id=tenant_id):
        if version not in recorded:
            conn.execute(
                keks.insert().values(
                    tenant_id=tenant_id, version=version, provider=provider.name, created_at=now
                )
            )
    policy = select(policies.c.tenant_id).where(policies.c.tenant_id == tenant_id)
    if conn.execute(policy).first() is None:
        days = DEFAULT_KEK_ROTATION_DAYS
        conn.execute(policies.insert().values(tenant_id=tenant_id, kek_rotation_days=days))
