"""The audit table becomes a per-tenant Merkle log (issue 7).

- audit_events: seq (0-based, gapless per tenant: the leaf index), leaf_hash (SHA-256 of the
  canonical entry, audit/entry.py) and customer_id (whose data an action touched); existing rows
  are numbered in id order and hashed. Indexes: (tenant_id, seq) unique, (tenant_id, occurred_at).
- audit_checkpoints: signed tree heads; audit_nodes: hashes of perfect subtrees.
- The new tables are append-only like audit_events (revision 0006): on PostgreSQL the
  application role may only SELECT and INSERT, and triggers refuse UPDATE, DELETE and TRUNCATE
  for every role; on SQLite triggers refuse UPDATE and DELETE.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa
from alembic import op

from anxin.audit.entry import entry_leaf_hash
from anxin.db.base import UtcDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

TENANT_ROLE = "anxin_tenant"
NEW_TABLES = ("audit_checkpoints", "audit_nodes")
ROW_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TIME = sa.DateTime(timezone=True)


def _postgres() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def _refuse_changes(table: str) -> None:
    message = f"{table} is append-only"
    if _postgres():
        op.execute(
            f"CREATE FUNCTION {table}_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN RAISE EXCEPTION '{message}' USING ERRCODE = 'insufficient_privilege'; END $$"
        )
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {table}_refuse_change()"
        )
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {table}_refuse_change()"
        )
        return
    for verb in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
        )


def _allow_changes(table: str) -> None:
    if _postgres():
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        op.execute(f"DROP FUNCTION IF EXISTS {table}_refuse_change()")
        return
    for verb in ("update", "delete"):
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{verb}")


# Revision 0006's triggers on audit_events, lifted while existing rows are numbered.
def _lift_0006() -> None:
    if _postgres():
        op.execute("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only")
        return
    for verb in ("update", "delete"):
        op.execute(f"DROP TRIGGER IF EXISTS audit_events_no_{verb}")


def _restore_0006() -> None:
    if _postgres():
        op.execute("ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only")
        return
    for verb in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER audit_events_no_{verb.lower()} BEFORE {verb} ON audit_events "
            "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END"
        )


_EVENTS = sa.table(
    "audit_events",
    sa.column("id", sa.Integer()),
    sa.column("tenant_id", sa.String()),
    sa.column("seq", sa.BigInteger()),
    sa.column("occurred_at", UtcDateTime()),
    sa.column("actor_type", sa.String()),
    sa.column("actor_id", sa.String()),
    sa.column("action", sa.String()),
    sa.column("object_type", sa.String()),
    sa.column("object_id", sa.String()),
    sa.column("customer_id", sa.String()),
    sa.column("fields", sa.JSON()),
    sa.column("client_addr", sa.String()),
    sa.column("outcome", sa.String()),
    sa.column("detail", sa.JSON()),
    sa.column("leaf_hash", sa.LargeBinary()),
)


def _number_existing_rows() -> None:
    bind = op.get_bind()
    next_seq: defaultdict[str | None, int] = defaultdict(int)
    rows = bind.execute(sa.select(_EVENTS).order_by(_EVENTS.c.id)).mappings().all()
    for row in rows:
        seq = next_seq[row["tenant_id"]]
        next_seq[row["tenant_id"]] += 1
        values = {**row, "seq": seq}
        bind.execute(
            _EVENTS.update()
            .where(_EVENTS.c.id == row["id"])
            .values(seq=seq, leaf_hash=entry_leaf_hash(values))
        )


def upgrade() -> None:
    _lift_0006()
    with op.batch_alter_table("audit_events") as batch:
        batch.add_column(sa.Column("seq", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("customer_id", sa.String(length=36), nullable=True))
        batch.add_column(sa.Column("leaf_hash", sa.LargeBinary(length=32), nullable=True))
    _number_existing_rows()
    with op.batch_alter_table("audit_events") as batch:
        batch.alter_column("seq", existing_type=sa.BigInteger(), nullable=False)
        batch.alter_column("leaf_hash", existing_type=sa.LargeBinary(length=32), nullable=False)
        batch.create_index(
            "ux_audit_events_log_seq",
            ["tenant_id", "seq"],
            unique=True,
            postgresql_nulls_not_distinct=True,
        )
        batch.create_index("ix_audit_events_tenant_time", ["tenant_id", "occurred_at"])
    _restore_0006()
    _create_tables()
    for table in NEW_TABLES:
        _refuse_changes(table)
    if _postgres():
        _restrict(NEW_TABLES)


def _create_tables() -> None:
    op.create_table(
        "audit_checkpoints",
        sa.Column("id", ROW_ID, autoincrement=True, nullable=False),
        sa.Column("tenant_id", sa.String(length=36), nullable=True),
        sa.Column("tree_size", sa.BigInteger(), nullable=False),
        sa.Column("root_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_checkpoints")),
    )
    op.create_index(
        "ux_audit_checkpoints_log_size",
        "audit_checkpoints",
        ["tenant_id", "tree_size"],
        unique=True,
        postgresql_nulls_not_distinct=True,
    )
    op.create_table(
        "audit_nodes",
        sa.Column("id", ROW_ID, autoincrement=True, nullable=False),
        sa.Column("tenant_id", sa.String(length=36), nullable=True),
        sa.Column("level", sa.SmallInteger(), nullable=False),
        sa.Column("idx", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.LargeBinary(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_nodes")),
    )
    op.create_index(
        "ux_audit_nodes_position",
        "audit_nodes",
        ["tenant_id", "level", "idx"],
        unique=True,
        postgresql_nulls_not_distinct=True,
    )


def _restrict(tables: tuple[str, ...]) -> None:
    """Row-level security as on every tenant table; SELECT and INSERT only."""
    scope = "current_setting('anxin.tenant_id', true)"
    rule = f"(tenant_id = {scope} OR {scope} = '*')"
    for table in tables:
        op.execute(f"GRANT SELECT, INSERT ON {table} TO {TENANT_ROLE}")
        op.execute(f"GRANT USAGE ON SEQUENCE {table}_id_seq TO {TENANT_ROLE}")
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(
            f"CREATE POLICY tenant_isolation ON {table} TO {TENANT_ROLE} "
            f"USING {rule} WITH CHECK {rule}"
        )


def downgrade() -> None:
    for table in NEW_TABLES:
        _allow_changes(table)
    op.drop_table("audit_nodes")
    op.drop_table("audit_checkpoints")
    _lift_0006()
    with op.batch_alter_table("audit_events") as batch:
        batch.drop_index("ix_audit_events_tenant_time")
        batch.drop_index("ux_audit_events_log_seq")
        batch.drop_column("leaf_hash")
        batch.drop_column("customer_id")
        batch.drop_column("seq")
    _restore_0006()
