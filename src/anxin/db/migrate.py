"""Run Alembic migrations programmatically; the same revisions serve SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(bind: Engine | Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["bind"] = bind
    return config


def upgrade(bind: Engine | Connection, *, revision: str = "head") -> None:
    """Bring the schema to `revision`; safe to call on an up-to-date database."""
    command.upgrade(alembic_config(bind), revision)


def downgrade(bind: Engine | Connection, *, revision: str) -> None:
    """Step the schema back to `revision` ("base" removes every table)."""
    command.downgrade(alembic_config(bind), revision)


def pending(engine: Engine) -> bool:
    """True when the database is behind the code's newest revision (or has no schema yet)."""
    heads = set(ScriptDirectory.from_config(alembic_config(engine)).get_heads())
    with engine.connect() as conn:
        current = set(MigrationContext.configure(conn).get_current_heads())
    return current != heads
