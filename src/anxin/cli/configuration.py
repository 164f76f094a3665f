"""Recording, at `anxin serve` start-up, which configuration files decide who sees what.

The masking policy and the tenants' recognizers are configuration, not data: whoever edits
them widens or narrows what every agent sees. An investigator asking "what did this agent see
last Tuesday" needs to know which policy was in effect, so each start records the file's path
and the SHA-256 of its bytes (never its content) in the platform log.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from anxin.audit import service as audit_service
from anxin.audit.actions import AuditAction, Outcome
from anxin.identity.deps import Runtime
from anxin.kernel.principal import ActorType, Principal, Role

SERVER = Principal(
    tenant_id=None, actor_type=ActorType.SYSTEM, actor_id="serve", role=Role.SYSTEM, name="serve"
)


def record_configuration(rt: Runtime) -> None:
    """One platform event per configuration file setting, in one transaction."""
    settings = rt.settings
    now = rt.clock.now()
    events = [
        _event(name, path, now)
        for name, path in (
            ("masking_policy", settings.masking_policy),
            ("pii_recognizers", settings.pii_recognizers),
        )
    ]
    with rt.db.unit_of_work(tenant_id=None) as session:
        audit_service.append_many(session, events)


def _event(setting: str, path: Path | None, now: dt.datetime) -> audit_service.Event:
    detail: dict[str, str | None] = {"source": "builtin", "path": None, "sha256": None}
    outcome = Outcome.SUCCESS
    if path is not None:
        detail |= {"source": "file", "path": str(path)}
        try:
            detail["sha256"] = hashlib.sha256(Path(path).read_bytes()).hexdigest()
        except OSError:
            # Validated a moment ago by build_runtime; gone since. Say so rather than stop.
            outcome = Outcome.FAILED
    return audit_service.Event(
        principal=SERVER,
        action=AuditAction.CONFIG_LOAD,
        object_type="config",
        object_id=setting,
        now=now,
        outcome=outcome,
        detail=detail,
    )
