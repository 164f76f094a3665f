"""The audit table takes inserts only: updates, deletes and truncation are refused by the
database itself, whatever the application does (revision 0006)."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, delete, text, update
from sqlalchemy.exc import DBAPIError

from anxin.audit.models import AuditEvent


def _one_event(world) -> int:
    with world.runtime.db.unit_of_work(tenant_id=None) as session:
        event_id = session.query(AuditEvent.id).order_by(AuditEvent.id).limit(1).scalar()
    assert event_id is not None  # making the world audited tenants and users
    return int(event_id)


@pytest.mark.parametrize(
    "statement",
    [
        lambda i: update(AuditEvent).where(AuditEvent.id == i).values(outcome="success"),
        lambda i: delete(AuditEvent).where(AuditEvent.id == i),
        lambda i: delete(AuditEvent),
    ],
    ids=["update", "delete", "delete-all"],
)
def test_the_application_cannot_change_or_remove_an_event(world, statement) -> None:
    event_id = _one_event(world)
    with (
        pytest.raises(DBAPIError, match=r"append-only|permission denied"),
        world.runtime.db.unit_of_work(tenant_id=world.acme.id) as session,
    ):
        session.execute(statement(event_id))
    assert _one_event(world) == event_id


def test_even_the_owner_is_refused_by_the_triggers(world, settings, backend) -> None:
    event_id = _one_event(world)
    url = str(settings.effective_database_url)
    owner = create_engine(url)
    try:
        for sql in (
            "UPDATE audit_events SET outcome = 'success' WHERE id = :id",
            "DELETE FROM audit_events WHERE id = :id",
            *(["TRUNCATE audit_events CASCADE"] if backend == "postgres" else []),
        ):
            with pytest.raises(DBAPIError, match="append-only"), owner.begin() as conn:
                conn.execute(text(sql), {"id": event_id})
    finally:
        owner.dispose()
    assert _one_event(world) == event_id
