"""The migrations build exactly the models' schema, on both backends, and RLS guards PostgreSQL."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, select, text
from sqlalchemy.exc import DBAPIError

from anxin import all_models
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
