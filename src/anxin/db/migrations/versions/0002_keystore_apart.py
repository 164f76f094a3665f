"""Wrapped keys move to the keystore; customers can be erased (tombstoned).

Wrapped data and index keys no longer live beside the records: a copy of the records taken
before an erasure would otherwise still hold the erased customer's key (crypto/keystore.py).
`anxin init` copies rows of these tables into the keystore before this revision drops them.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    for table in ("data_keys", "tenant_index_keys"):
        rows = bind.execute(sa.select(sa.func.count()).select_from(sa.table(table))).scalar()
        if rows:
            raise RuntimeError(
                f"{table} still holds {rows} wrapped keys; run `anxin init`, which moves them "
                "into the keystore before this revision drops the table"
            )
    if bind.dialect.name == "postgresql":
        for table in ("data_keys", "tenant_index_keys"):
            op.execute(f"DROP POLICY IF EXISTS tenant_isolation ON {table}")
    op.drop_table("tenant_index_keys")
    op.drop_table("data_keys")
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.drop_column("erased_at")
    op.create_table(
        "data_keys",
        sa.Column("owner_id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.String(length=36), nullable=False),
        sa.Column("kek_version", sa.Integer(), nullable=False),
        sa.Column("wrapped", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("destroyed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("owner_id", "version", name=op.f("pk_data_keys")),
    )
    op.create_table(
        "tenant_index_keys",
        sa.Column("tenant_id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("kek_version", sa.Integer(), nullable=False),
        sa.Column("wrapped", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "version", name=op.f("pk_tenant_index_keys")),
    )
