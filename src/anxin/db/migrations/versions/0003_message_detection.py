"""Detection at ingestion: a redacted copy of each message, its entities and a blind index.

`messages.text_redacted` is plaintext by design (DESIGN.md invariant 2); rows ingested before
this revision keep NULL there. `message_entities` holds types and offsets, never values;
`message_index` holds HMAC digests of identifiers mentioned in messages. Both tables are
tenant-owned and get the same row-level security policy as the others on PostgreSQL.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TENANT_ROLE = "anxin_tenant"
NEW_TENANT_TABLES = ("message_entities", "message_index")


def upgrade() -> None:
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("text_redacted", sa.Text(), nullable=True))
    op.create_table(
        "message_entities",
        sa.Column("conversation_id", sa.String(length=36), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("start_offset", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.String(length=36), nullable=False),
        sa.Column("end_offset", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_message_entities_conversation_id_conversations"),
        ),
        sa.PrimaryKeyConstraint(
            "conversation_id", "seq", "start_offset", name=op.f("pk_message_entities")
        ),
    )
    op.create_table(
        "message_index",
        sa.Column("tenant_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("digest", sa.LargeBinary(length=32), nullable=False),
        sa.Column("conversation_id", sa.String(length=36), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("key_version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_message_index_conversation_id_conversations"),
        ),
        sa.PrimaryKeyConstraint(
            "tenant_id", "kind", "digest", "conversation_id", "seq", name=op.f("pk_message_index")
        ),
    )
    with op.batch_alter_table("message_index", schema=None) as batch_op:
        batch_op.create_index(
            "ix_message_index_conversation", ["tenant_id", "conversation_id"], unique=False
        )
    if op.get_bind().dialect.name == "postgresql":
        _enable_row_level_security()


def _enable_row_level_security() -> None:
    """The same policy as revision 0001 gives every tenant-owned table."""
    scope = "current_setting('anxin.tenant_id', true)"
    rule = f"(tenant_id = {scope} OR {scope} = '*')"
    for table in NEW_TENANT_TABLES:
        op.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {table} TO {TENANT_ROLE}")
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(
            f"CREATE POLICY tenant_isolation ON {table} TO {TENANT_ROLE} "
            f"USING {rule} WITH CHECK {rule}"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in NEW_TENANT_TABLES:
            op.execute(f"DROP POLICY IF EXISTS tenant_isolation ON {table}")
    with op.batch_alter_table("message_index", schema=None) as batch_op:
        batch_op.drop_index("ix_message_index_conversation")
    op.drop_table("message_index")
    op.drop_table("message_entities")
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_column("text_redacted")
