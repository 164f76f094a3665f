"""Building a runtime from settings, and preparing a data directory (`anxin init`)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from pathlib import Path

from sqlalchemy.engine import make_url

from anxin.audit import service as audit_service
from anxin.audit import signing_key
from anxin.audit.actions import AuditAction
from anxin.config import Settings
from anxin.crypto.certificates import TlsFiles, ensure_local_tls
from anxin.crypto.keyring import Keyring
from anxin.crypto.keystore import Keystore
from anxin.crypto.providers import create_local_key_file, open_provider
from anxin.db.database import Database, create_db_engine
from anxin.db.migrate import pending, upgrade
from anxin.identity.deps import Runtime
from anxin.identity.secrets import configure_password_hashing
from anxin.kernel.clock import Clock, SystemClock
from anxin.kernel.principal import operator_principal
from anxin.keys.legacy import adopt_legacy_keys
from anxin.masking import policy as masking_policy
from anxin.pii.tenant_recognizers import load_tenant_recognizers


class NotInitialized(Exception):
    """The data directory is missing its key file; the message says what to run."""


@dataclasses.dataclass(frozen=True, slots=True)
class InitReport:
    home: Path
    database_url: str
    key_file: Path
    key_file_created: bool
    tls: TlsFiles | None


def initialize(settings: Settings, *, clock: Clock | None = None) -> InitReport:
    """Create what is missing (directory, key file, schema, certificates); keep what exists.

    Running it twice is safe: keys are never overwritten and migrations only move forward.
    """
    clock = clock or SystemClock()
    settings.home.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(settings.home, 0o700)
    key_file = settings.effective_key_file
    created = create_local_key_file(settings)
    signing_created = signing_key.create(settings.effective_audit_signing_key)
    provider = open_provider(settings)  # proves passphrase or PIN before anything else is made
    keystore = Keystore.open(settings.effective_keystore_url, create=True)
    engine = create_db_engine(settings.effective_database_url, restricted=False)
    try:
        adopt_legacy_keys(engine, keystore, provider, now=clock.now())
        upgrade(engine)
    finally:
        engine.dispose()
        keystore.dispose()
        provider.close()
    made = [
        name for name, new in (("key_file", created), ("audit_signing_key", signing_created)) if new
    ]
    if made:
        _audit_created_keys(settings, made, clock.now())
    tls = None
    if settings.uses_local_ca:
        tls = ensure_local_tls(settings.tls_dir, now=clock.now())
    return InitReport(
        home=settings.home,
        database_url=_redacted(settings.effective_database_url),
        key_file=key_file,
        key_file_created=created,
        tls=tls,
    )


def _audit_created_keys(settings: Settings, made: list[str], now: dt.datetime) -> None:
    """The master key file and the audit signing seed this run made, as one platform event:
    written once the schema exists to hold it (the files come first, so a bad passphrase or
    PIN stops init before anything else is made)."""
    engine = create_db_engine(settings.effective_database_url)
    try:
        with Database(engine).unit_of_work(tenant_id=None) as session:
            audit_service.append(
                session,
                principal=operator_principal("init"),
                action=AuditAction.KEY_CREATE,
                object_type="key",
                object_id=None,
                now=now,
                detail={"keys": made},
            )
    finally:
        engine.dispose()


def build_runtime(settings: Settings, *, clock: Clock | None = None) -> Runtime:
    # First, before touching keys or the database: a bad policy or recognizer file must stop
    # the service. The app factory loads both again for the routes (the Runtime sits below).
    masking_policy.load_policy(settings.masking_policy)
    load_tenant_recognizers(settings.pii_recognizers)
    key_file = settings.effective_key_file
    if settings.key_provider == "local-file" and not key_file.exists():
        raise NotInitialized(f"no key file at {key_file}; run `anxin init` first")
    configure_password_hashing(
        time_cost=settings.argon2_time_cost,
        memory_kib=settings.argon2_memory_kib,
        parallelism=settings.argon2_parallelism,
    )
    _check_schema(settings.effective_database_url)
    engine = create_db_engine(settings.effective_database_url)
    keyring = Keyring(open_provider(settings), Keystore.open(settings.effective_keystore_url))
    return Runtime(
        settings=settings, db=Database(engine), keyring=keyring, clock=clock or SystemClock()
    )


def _check_schema(url: str) -> None:
    # As the owner: before the first migration the restricted role does not exist yet.
    owner = create_db_engine(url, restricted=False)
    try:
        behind = pending(owner)
    finally:
        owner.dispose()
    if behind:
        raise NotInitialized("the database schema is not current; run `anxin init` to migrate it")


def _redacted(url: str) -> str:
    """A database URL safe to print: the password, if any, replaced."""
    return make_url(url).render_as_string(hide_password=True)
