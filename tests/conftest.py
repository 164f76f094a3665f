"""Fixtures that build real stores: a migrated SQLite file per test, and a migrated PostgreSQL
database per test worker (emptied after every test). Nothing is mocked.

PostgreSQL comes from ANXIN_TEST_POSTGRES_URL, or the local server at 127.0.0.1:5432. If it is
not reachable the PostgreSQL tests fail, naming the cause: `.ci/run` starts the server.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from anxin.audit import signing_key
from anxin.cli.bootstrap import build_runtime
from anxin.config import Settings
from anxin.contact.service import ContactService
from anxin.crypto.keyfile import LocalKeyFileProvider
from anxin.crypto.keystore import Keystore
from anxin.db.migrate import upgrade
from anxin.identity import service as identity_service
from anxin.identity.deps import Runtime
from anxin.kernel.clock import FrozenClock
from anxin.kernel.principal import (
    STAFF_ROLES,
    ActorType,
    Principal,
    Role,
    operator_principal,
    system_principal,
)
from anxin.tenancy import service as tenancy_service

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
START = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)
# Cheap argon2 parameters keep user creation fast in tests; production defaults are in config.py.
FAST_ARGON2 = {"argon2_time_cost": 1, "argon2_memory_kib": 64, "argon2_parallelism": 1}
ALL_TABLES = (
    "messages, tickets, conversations, customer_index, customers, idempotency_keys, "
    "user_sessions, gateway_accounts, users, audit_events, audit_checkpoints, audit_nodes, "
    "tenants, login_throttle"
)


def pytest_configure(config: pytest.Config) -> None:
    # No test may depend on the developer's own configuration.
    for name in list(os.environ):
        if name.startswith("ANXIN_") and name != "ANXIN_TEST_POSTGRES_URL":
            del os.environ[name]


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "anxin.db"
    engine = create_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_url(worker_id: str) -> Iterator[str]:
    """A fresh, migrated database for this test worker, dropped at the end of the session."""
    admin_url = os.environ.get("ANXIN_TEST_POSTGRES_URL", DEFAULT_PG)
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:
        pytest.fail(
            f"PostgreSQL is not reachable at {make_url(admin_url).render_as_string()} "
            f"({type(exc).__name__}). Start it (`pg_ctlcluster --skip-systemctl-redirect 15 main "
            "start`) or point ANXIN_TEST_POSTGRES_URL at a server.",
            pytrace=False,
        )
    name = f"anxin_test_{worker_id}_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    engine = create_engine(url)
    upgrade(engine)
    engine.dispose()
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def settings(tmp_path: Path, backend: str, request: pytest.FixtureRequest) -> Settings:
    home = tmp_path / "home"
    home.mkdir(mode=0o700)
    LocalKeyFileProvider.create(home / "keys" / "anxin.keys")
    signing_key.create(home / "audit" / "signing.key")
    if backend == "sqlite":
        shutil.copy(request.getfixturevalue("sqlite_template"), home / "anxin.db")
        made = Settings(home=home, **FAST_ARGON2)
    else:
        url = request.getfixturevalue("postgres_url")
        made = Settings(home=home, database_url=url, **FAST_ARGON2)
    Keystore.open(made.effective_keystore_url, create=True).dispose()
    return made


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(START)


@pytest.fixture
def runtime(settings: Settings, clock: FrozenClock, backend: str) -> Iterator[Runtime]:
    rt = build_runtime(settings, clock=clock)
    yield rt
    rt.close()
    if backend == "postgres":
        owner = create_engine(str(settings.database_url))
        with owner.begin() as conn:
            # The audit table's triggers refuse TRUNCATE (revision 0006); in replica mode
            # ordinary triggers do not fire, which only a superuser such as this one may set.
            conn.execute(text("SET LOCAL session_replication_role = replica"))
            conn.execute(text(f"TRUNCATE {ALL_TABLES} RESTART IDENTITY CASCADE"))
        owner.dispose()


PASSWORD = "correct horse battery staple"


@dataclasses.dataclass
class TenantWorld:
    """One tenant with a user per role and a gateway, made through the real services."""

    id: str
    name: str
    users: dict[str, Principal]
    gateway: Principal
    gateway_key: str


@dataclasses.dataclass
class World:
    runtime: Runtime
    acme: TenantWorld
    globex: TenantWorld

    def contact(self) -> ContactService:
        return ContactService(keyring=self.runtime.keyring, clock=self.runtime.clock)


def _make_tenant(rt: Runtime, name: str) -> TenantWorld:
    with rt.db.unit_of_work(tenant_id=None) as session:
        tenant = tenancy_service.add_tenant(
            session,
            principal=operator_principal(),
            keyring=rt.keyring,
            clock=rt.clock,
            name=name,
            region="cn-east",
        )
    system = system_principal(tenant.id)
    users: dict[str, Principal] = {}
    with rt.db.unit_of_work(tenant_id=tenant.id) as session:
        for username, role in [*((r.value, r.value) for r in STAFF_ROLES), ("agent2", "agent")]:
            user, _ = identity_service.add_user(
                session,
                principal=system,
                clock=rt.clock,
                username=username.replace("_", "-"),
                role=role,
                password=PASSWORD,
            )
            users[username] = Principal(
                tenant_id=tenant.id,
                actor_type=ActorType.USER,
                actor_id=user.id,
                role=Role(role),
                name=user.username,
            )
        account, key = identity_service.add_gateway(
            session, principal=system, clock=rt.clock, name="pbx"
        )
    gateway = Principal(
        tenant_id=tenant.id,
        actor_type=ActorType.GATEWAY,
        actor_id=account.id,
        role=Role.GATEWAY,
        name="pbx",
    )
    return TenantWorld(tenant.id, name, users, gateway, key)


@pytest.fixture
def world(runtime: Runtime) -> World:
    return World(runtime, _make_tenant(runtime, "acme"), _make_tenant(runtime, "globex"))
