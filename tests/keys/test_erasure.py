"""Crypto-shredding: an erased customer is gone from every copy; everyone else is intact."""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from tests.keys.seeding import Seeded

from anxin.access.errors import AccessDenied
from anxin.cli.bootstrap import build_runtime
from anxin.contact.erasure import erase_customer
from anxin.contact.errors import CustomerNotFound
from anxin.contact.models import Customer, CustomerIndex, Message, Ticket
from anxin.crypto.aead import FieldRef
from anxin.crypto.errors import KeyDestroyed
from anxin.crypto.keystore import data_keys


def _tool(name: str) -> str:
    path = shutil.which(name)
    assert path, f"{name} is not installed (Debian package postgresql-client)"
    return path


def _erase(world, principal, customer_id: str):
    rt = world.runtime
    with rt.db.unit_of_work(tenant_id=principal.tenant_id) as session:
        return erase_customer(
            session,
            keyring=rt.keyring,
            clock=rt.clock,
            principal=principal,
            customer_id=customer_id,
        )


def _read_customer(runtime, tenant_id: str, customer_id: str) -> dict[str, str | None]:
    """Decrypt a customer's fields the way the service does, straight from a store."""
    with runtime.db.unit_of_work(tenant_id=tenant_id) as session:
        customer = session.get(Customer, customer_id)
        keys = runtime.keyring.owner_keys(
            tenant_id=tenant_id, owner_id=customer_id, current_version=customer.dek_version
        )
        return {
            "email": keys.open(
                FieldRef(tenant_id, "customers", "email", customer_id), customer.email_ct
            )
        }


def test_erasure_destroys_keys_then_rows(world, seeded: Seeded):
    victim = seeded.customer_ids[0]
    report = _erase(world, world.acme.users["privacy_officer"], victim)

    assert (report.keys_destroyed, report.messages_deleted, report.tickets_deleted) == (1, 3, 1)
    with world.runtime.db.unit_of_work(tenant_id=world.acme.id) as session:
        customer = session.get(Customer, victim)
        assert customer.erased_at is not None
        assert customer.email_ct is None
        assert customer.phones_ct is None
        assert (
            session.scalar(
                select(func.count())
                .select_from(CustomerIndex)
                .where(CustomerIndex.customer_id == victim)
            )
            == 0
        )
        assert (
            session.scalar(
                select(func.count()).select_from(Ticket).where(Ticket.customer_id == victim)
            )
            == 0
        )
        assert session.scalar(select(func.count()).select_from(Message)) == 15
    with world.runtime.keyring.keystore.connect() as conn:
        row = conn.execute(select(data_keys).where(data_keys.c.owner_id == victim)).one()
    assert row.wrapped == b""
    assert row.destroyed_at is not None
    with (
        world.runtime.db.unit_of_work(tenant_id=world.acme.id) as session,
        pytest.raises(CustomerNotFound),
    ):
        world.contact().lookup_by_phone(
            session, principal=world.acme.users["agent"], phone=seeded.phones[0]
        )
    with pytest.raises(CustomerNotFound):
        _erase(world, world.acme.users["privacy_officer"], victim)


@pytest.mark.parametrize("role", ["agent", "supervisor", "admin", "auditor", "intern"])
def test_only_the_privacy_officer_erases(world, seeded: Seeded, role: str):
    with pytest.raises(AccessDenied):
        _erase(world, world.acme.users[role], seeded.customer_ids[0])


def test_another_tenants_customer_is_not_found(world, seeded: Seeded):
    with pytest.raises(CustomerNotFound):
        _erase(world, world.globex.users["privacy_officer"], seeded.customer_ids[0])


def test_the_destroyed_key_bytes_are_gone_from_the_keystore_file(world, seeded: Seeded, backend):
    victim = seeded.customer_ids[1]
    with world.runtime.keyring.keystore.connect() as conn:
        wrapped = conn.execute(
            select(data_keys.c.wrapped).where(data_keys.c.owner_id == victim)
        ).scalar_one()
    _erase(world, world.acme.users["privacy_officer"], victim)
    keys_dir = world.runtime.settings.effective_key_file.parent
    for path in keys_dir.iterdir():
        assert wrapped not in path.read_bytes(), path.name


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_file_copy_taken_before_erasure_no_longer_decrypts_that_customer(
    world, seeded: Seeded, settings, clock, tmp_path
):
    victim, bystander = seeded.customer_ids[0], seeded.customer_ids[1]
    copy_home = tmp_path / "copy"
    copy_home.mkdir(mode=0o700)
    shutil.copy(settings.home / "anxin.db", copy_home / "anxin.db")  # WAL mode: checkpointed?
    for suffix in ("-wal", "-shm"):
        if (settings.home / f"anxin.db{suffix}").exists():
            shutil.copy(settings.home / f"anxin.db{suffix}", copy_home / f"anxin.db{suffix}")

    _erase(world, world.acme.users["privacy_officer"], victim)

    copy_url = f"sqlite:///{copy_home / 'anxin.db'}"
    _assert_copy_lost_only(settings, clock, copy_url, world.acme.id, victim, bystander)


def _assert_copy_lost_only(settings, clock, url: str, tenant_id: str, victim: str, bystander: str):
    """Open a copy of the records with today's key file and keystore (they are not part of the
    copy): the erased customer is gone, the bystander still decrypts."""
    restored = build_runtime(settings.model_copy(update={"database_url": url}), clock=clock)
    try:
        with pytest.raises(KeyDestroyed):
            _read_customer(restored, tenant_id, victim)
        assert _read_customer(restored, tenant_id, bystander)["email"] == "c1@example.com"
    finally:
        restored.close()


@pytest.mark.postgres
@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
def test_a_pg_dump_taken_before_erasure_no_longer_decrypts_that_customer(
    world, seeded: Seeded, settings, clock, tmp_path
):
    victim, bystander = seeded.customer_ids[0], seeded.customer_ids[1]
    source = make_url(settings.database_url)
    dump = tmp_path / "before.dump"
    libpq = source.set(drivername="postgresql").render_as_string(hide_password=False)
    subprocess.run([_tool("pg_dump"), "--format=custom", f"--file={dump}", libpq], check=True)

    _erase(world, world.acme.users["privacy_officer"], victim)

    name = f"anxin_restore_{uuid.uuid4().hex[:8]}"
    admin = create_engine(source.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    target = source.set(database=name)
    try:
        subprocess.run(
            [
                _tool("pg_restore"),
                "--no-owner",
                f"--dbname={target.set(drivername='postgresql').render_as_string(hide_password=False)}",
                str(dump),
            ],
            check=True,
            env={**os.environ},
        )
        url = target.render_as_string(hide_password=False)
        _assert_copy_lost_only(settings, clock, url, world.acme.id, victim, bystander)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
