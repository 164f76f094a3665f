"""Tenant isolation, applied in one place (DESIGN.md invariant 5).

A session opened for a tenant carries its id in `session.info`. Every ORM SELECT, UPDATE and
DELETE on a `TenantOwned` table gets `tenant_id = :tenant` added, and a flush refuses any new or
changed row of another tenant. On PostgreSQL the unit of work also switches to the
`anxin_tenant` role and sets `anxin.tenant_id`, so row-level security refuses what a bug here
would let through.

Not reached: an entity inside a subquery (`select(func.count()).select_from(select(User)
.subquery())` counts every tenant's users on SQLite). Queries built that way name the tenant
themselves, as data_map.py and scim.py do.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria

from anxin.db.base import TenantOwned

TENANT_KEY = "anxin.tenant_id"


class CrossTenantWrite(RuntimeError):
    """A programming error: code tried to write a row into a tenant other than the session's."""


def session_tenant(session: Session) -> str | None:
    value = session.info.get(TENANT_KEY)
    return value if isinstance(value, str) else None


@event.listens_for(Session, "do_orm_execute")
def _filter_by_tenant(state: ORMExecuteState) -> None:
    tenant_id = session_tenant(state.session)
    if tenant_id is None or state.is_column_load or state.is_relationship_load:
        return
    if not (state.is_select or state.is_update or state.is_delete):
        return
    # One plain criterion per tenant-owned entity in the statement. (A single lambda criterion
    # on the mixin is shorter but is re-analysed on every execution: ~0.3 ms per query.)
    options = [
        with_loader_criteria(
            mapper.class_, mapper.class_.tenant_id == tenant_id, include_aliases=True
        )
        for mapper in state.all_mappers
        if issubclass(mapper.class_, TenantOwned)
    ]
    if options:
        state.statement = state.statement.options(*options)


@event.listens_for(Session, "before_flush")
def _refuse_cross_tenant_rows(session: Session, flush_context: Any, instances: Any) -> None:
    tenant_id = session_tenant(session)
    if tenant_id is None:
        return
    for obj in (*session.new, *session.dirty):
        if isinstance(obj, TenantOwned) and obj.tenant_id != tenant_id:
            raise CrossTenantWrite(f"{type(obj).__name__} row belongs to another tenant")
