"""The migrations build exactly the models' schema, on both backends, and RLS guards PostgreSQL."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Iterator

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, create_engine, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from tests.conftest import DEFAULT_PG

from anxin import all_models
from anxin.audit.entry import entry_leaf_hash
from anxin.audit.models import AuditEvent
from anxin.contact.schemas import ConversationCreate, MessageIn
from anxin.db.migrate import downgrade, upgrade
from anxin.db.scoping import CrossTenantWrite
from anxin.identity.models import User


def test_migrations_match_the_models(runtime) -> None:
    engine = runtime.db.bind
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), all_models.metadata)
    assert diff == []


def test_upgrade_is_idempotent_and_downgrade_removes_everything(tmp_path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'x.db'}")
    upgrade(engine)
    upgrade(engine)
    downgrade(engine, revision="base")
    assert set(inspect(engine).get_table_names()) == {"alembic_version"}
    engine.dispose()


def _customer_rows_visible(runtime, tenant_id: str) -> set[str]:
    with runtime.db.bind.connect() as conn, conn.begin():
        conn.execute(text("SET LOCAL ROLE anxin_tenant"))
        conn.execute(select(text("set_config('anxin.tenant_id', :t, true)")), {"t": tenant_id})
        return set(conn.execute(text("SELECT tenant_id FROM customers")).scalars())


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
def test_row_level_security_is_the_second_wall(world) -> None:
    rt = world.runtime
    for tenant in (world.acme, world.globex):
        with rt.db.unit_of_work(tenant_id=tenant.id) as session:
            world.contact().create_conversation(
                session,
                principal=tenant.gateway,
                request=ConversationCreate(phone="13812345678", channel="chat"),
            )
    assert _customer_rows_visible(rt, world.acme.id) == {world.acme.id}
    assert _customer_rows_visible(rt, world.globex.id) == {world.globex.id}
    assert _customer_rows_visible(rt, "") == set()
    with pytest.raises(DBAPIError, match="row-level security"):
        _move_rows_as_tenant(rt, world.acme.id, to=world.globex.id)


def _move_rows_as_tenant(runtime, tenant_id: str, *, to: str) -> None:
    with runtime.db.bind.connect() as conn:
        conn.execute(text("SET ROLE anxin_tenant"))
        conn.execute(select(text("set_config('anxin.tenant_id', :t, false)")), {"t": tenant_id})
        conn.execute(text("UPDATE customers SET tenant_id = :other"), {"other": to})


def test_the_orm_refuses_to_write_into_another_tenant(world) -> None:
    user = User(
        id="x",
        tenant_id=world.globex.id,
        username="sneaky",
        display_name="s",
        role="admin",
        password_hash="x",
        created_at=world.runtime.clock.now(),
    )
    with pytest.raises(CrossTenantWrite):
        _add_in_scope(world.runtime, world.acme.id, user)
    with world.runtime.db.unit_of_work(tenant_id=None) as session:
        assert session.get(User, "x") is None


def _add_in_scope(runtime, tenant_id: str, row: object) -> None:
    with runtime.db.unit_of_work(tenant_id=tenant_id) as session:
        session.add(row)


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
def test_tenant_units_of_work_run_as_the_restricted_role(world) -> None:
    db = world.runtime.db
    with db.unit_of_work(tenant_id=world.acme.id) as session:
        role, tenant = session.execute(
            text("SELECT current_user, current_setting('anxin.tenant_id', true)")
        ).one()
        visible = set(session.execute(text("SELECT id FROM tenants")).scalars())
    assert (role, tenant) == ("anxin_tenant", world.acme.id)
    assert visible == {world.acme.id}
    with db.unit_of_work(tenant_id=None) as session:
        role = session.execute(text("SELECT current_user")).scalar()
        platform_view = set(session.execute(text("SELECT id FROM tenants")).scalars())
    assert role == "anxin_tenant"
    assert platform_view == {world.acme.id, world.globex.id}
    with db.bind.connect() as conn:  # a connection that never chose a scope sees nothing
        assert conn.execute(text("SELECT count(*) FROM tenants")).scalar() == 0


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
def test_every_tenant_owned_table_has_the_row_level_security_policy(runtime) -> None:
    tenant_tables = {
        table.name for table in all_models.metadata.sorted_tables if "tenant_id" in table.c
    }
    assert {"message_entities", "message_index"} <= tenant_tables
    with runtime.db.bind.connect() as conn:
        guarded = set(
            conn.execute(
                text(
                    "SELECT c.relname FROM pg_class c JOIN pg_policy p ON p.polrelid = c.oid "
                    "WHERE c.relrowsecurity AND p.polname = 'tenant_isolation'"
                )
            ).scalars()
        )
    assert tenant_tables <= guarded


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
def test_row_level_security_hides_another_tenants_mentions(world) -> None:
    for tenant in (world.acme, world.globex):
        with world.runtime.db.unit_of_work(tenant_id=tenant.id) as session:
            contact = world.contact()
            conversation = contact.create_conversation(
                session,
                principal=tenant.gateway,
                request=ConversationCreate(phone="13900001111", channel="chat"),
            )
            contact.append_messages(
                session,
                principal=tenant.gateway,
                conversation_id=conversation.id,
                messages=[MessageIn(speaker="customer", text="电话13812345678")],
                idempotency_key="k",
            )
    with world.runtime.db.bind.connect() as conn, conn.begin():
        conn.execute(text("SET LOCAL ROLE anxin_tenant"))
        conn.execute(select(text("set_config('anxin.tenant_id', :t, true)")), {"t": world.acme.id})
        for table in ("message_entities", "message_index"):
            owners = set(conn.execute(text(f"SELECT tenant_id FROM {table}")).scalars())  # noqa: S608
            assert owners == {world.acme.id}, table


def _fresh_postgres() -> tuple[str, object]:
    admin_url = os.environ.get("ANXIN_TEST_POSTGRES_URL", DEFAULT_PG)
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"anxin_mig_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False), (
        admin,
        name,
    )


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_engine(request, tmp_path) -> Iterator[Engine]:
    if request.param == "sqlite":
        engine = create_engine(f"sqlite:///{tmp_path / 'old.db'}")
        yield engine
        engine.dispose()
        return
    url, (admin, name) = _fresh_postgres()
    engine = create_engine(url)
    yield engine
    engine.dispose()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_revision_0007_numbers_and_hashes_the_events_already_recorded(empty_engine) -> None:
    """A deployment upgrading with events on record gets them as the start of each log."""
    upgrade(empty_engine, revision="0006")
    when = dt.datetime(2026, 11, 30, 8, 0, tzinfo=dt.UTC)
    rows = [
        {
            "tenant_id": tenant,
            "occurred_at": when + dt.timedelta(seconds=i),
            "actor_type": "user",
            "actor_id": f"u{i}",
            "action": "contact:customer:read",
            "object_type": "customer",
            "object_id": f"c{i}",
            "fields": '["phone"]',
            "client_addr": None,
            "outcome": "success",
            "detail": f'{{"k": {i}}}',
        }
        for i, tenant in enumerate(["t1", None, "t1", "t2", "t1", None])
    ]
    columns = ", ".join(rows[0])
    values = ", ".join(f":{c}" for c in rows[0])
    with empty_engine.begin() as conn:
        insert = f"INSERT INTO audit_events ({columns}) VALUES ({values})"  # noqa: S608 (our names)
        conn.execute(text(insert), rows)
    upgrade(empty_engine)
    with empty_engine.connect() as conn:
        table = AuditEvent.__table__
        stored = conn.execute(select(table).order_by(table.c.id)).mappings().all()
    assert [(r["tenant_id"], r["seq"]) for r in stored] == [
        ("t1", 0),
        (None, 0),
        ("t1", 1),
        ("t2", 0),
        ("t1", 2),
        (None, 1),
    ]
    for row in stored:
        assert row["leaf_hash"] == entry_leaf_hash(row)
    assert stored[4]["detail"] == {"k": 4}
    with pytest.raises(DBAPIError, match="append-only"), empty_engine.begin() as conn:
        conn.execute(text("UPDATE audit_events SET outcome = 'denied'"))
    downgrade(empty_engine, revision="0006")
    upgrade(empty_engine)
