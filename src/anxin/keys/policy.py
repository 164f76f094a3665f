"""Per-tenant rotation policy: how old a KEK, and optionally a blind-index key, may grow before
`anxin keys status` reports its rotation as due.

Nothing rotates on its own: rotation rewrites every wrapped key or every value, so an operator
starts it (or schedules `anxin keys rotate`) and the policy tells them when.
"""

from __future__ import annotations

import dataclasses

from sqlalchemy import select, update

from anxin.crypto.keyring import DEFAULT_KEK_ROTATION_DAYS
from anxin.crypto.keystore import Keystore, policies
from anxin.kernel.errors import InvalidInput

MAX_DAYS = 3650


class PolicyInvalid(InvalidInput):
    code = "keys.policy_invalid"
    title = "The rotation policy is out of range"


@dataclasses.dataclass(frozen=True, slots=True)
class RotationPolicy:
    kek_rotation_days: int
    index_rotation_days: int | None  # None: the index key has no age limit


def read_policy(keystore: Keystore, *, tenant_id: str) -> RotationPolicy:
    with keystore.connect() as conn:
        row = conn.execute(
            select(policies.c.kek_rotation_days, policies.c.index_rotation_days).where(
                policies.c.tenant_id == tenant_id
            )
        ).first()
    if row is None:
        return RotationPolicy(DEFAULT_KEK_ROTATION_DAYS, None)
    return RotationPolicy(int(row.kek_rotation_days), row.index_rotation_days)


def set_policy(
    keystore: Keystore, *, tenant_id: str, kek_days: int | None, index_days: int | None
) -> RotationPolicy:
    """Change what is given; `index_days=0` removes the index key's age limit."""
    values: dict[str, int | None] = {}
    if kek_days is not None:
        values["kek_rotation_days"] = _checked("KEK", kek_days)
    if index_days is not None:
        values["index_rotation_days"] = None if index_days == 0 else _checked("index", index_days)
    current = read_policy(keystore, tenant_id=tenant_id)
    if values:
        merged = dataclasses.replace(current, **values)  # type: ignore[arg-type]
        with keystore.begin() as conn:
            updated = conn.execute(
                update(policies)
                .where(policies.c.tenant_id == tenant_id)
                .values(**dataclasses.asdict(merged))
            ).rowcount
            if not updated:
                conn.execute(
                    policies.insert().values(tenant_id=tenant_id, **dataclasses.asdict(merged))
                )
        current = merged
    return current


def _checked(which: str, days: int) -> int:
    if not 1 <= days <= MAX_DAYS:
        raise PolicyInvalid(f"{which} rotation days must be between 1 and {MAX_DAYS}, not {days}")
    return days
