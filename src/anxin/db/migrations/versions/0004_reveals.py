"""Reveals: one row per raw value shown on request, for the per-user hourly limit.

The index (tenant, actor, time) serves the only query, "how many in the last hour"; reveals are
rare (tens per user per hour), so it costs nothing at ingestion rates. Tenant-owned, with the
same row-level security policy as every other tenant table on PostgreSQL.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TENANT_ROLE = "anxin_tenant"


def upgrade() -> None:
    op.create_table(
        "reveals",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("actor_id", sa.String(length=64), nullable=False),
        sa.Column("conversation_id", sa.String(length=36), nullable=False),
        sa.Column("target", sa.String(length=32), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=True),
        sa.Column("revealed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tenant_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_reveals_conversation_id_conversations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reveals")),
    )
    with op.batch_alter_table("reveals", schema=None) as batch_op:
        batch_op.create_index(
            "ix_reveals_actor_time", ["tenant_id", "actor_id", "revealed_at"], unique=False
        )
    if op.get_bind().dialect.name == "postgresql":
        scope = "current_setting('anxin.tenant_id', true)"
        rule = f"(tenant_id = {scope} OR {scope} = '*')"
        op.execute(f"GRANT SELECT, INSERT ON reveals TO {TENANT_ROLE}")
        op.execute("ALTER TABLE reveals ENABLE ROW LEVEL SECURITY")
        op.execute(
            f"CREATE POLICY tenant_isolation ON reveals TO {TENANT_ROLE} "
            f"USING {rule} WITH CHECK {rule}"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP POLICY IF EXISTS tenant_isolation ON reveals")
    with op.batch_alter_table("reveals", schema=None) as batch_op:
        batch_op.drop_index("ix_reveals_actor_time")
    op.drop_table("reveals")
