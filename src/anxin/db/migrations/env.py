"""Alembic environment: always given a live engine or connection by anxin.db.migrate.

The revisions spell out their tables, so no model is imported here (db sits below the domain
packages). `metadata` is passed in only when autogenerating a new revision.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, Engine


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=context.config.attributes.get("metadata"),
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


bind = context.config.attributes["bind"]
if isinstance(bind, Engine):
    with bind.connect() as conn:
        _run(conn)
        conn.commit()
elif isinstance(bind, Connection):
    _run(bind)
else:
    raise RuntimeError("anxin migrations need a SQLAlchemy Engine or Connection")
