"""The whole key hierarchy on a PKCS#11 token: init, tenants, customers, rotation, check."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pydantic import SecretStr
from tests.softhsm import shared_token

from anxin.cli.bootstrap import build_runtime, initialize
from anxin.config import Settings
from anxin.contact.schemas import ConversationCreate
from anxin.contact.service import ContactService
from anxin.crypto.pkcs11 import HsmLoginFailed
from anxin.crypto.providers import ProviderConfigError
from anxin.kernel.clock import FrozenClock
from anxin.kernel.principal import operator_principal, system_principal
from anxin.keys.check import CheckReport, KeyCheck
from anxin.keys.rotation import KeyRotation
from anxin.tenancy import service as tenancy_service

START = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def hsm_settings(tmp_path: Path) -> Settings:
    token = shared_token()
    return Settings(
        home=tmp_path / "var",
        key_provider="pkcs11",
        pkcs11_module=token.module,
        pkcs11_token_label=token.label,
        pkcs11_pin=SecretStr(token.pin),
        argon2_memory_kib=64,
        argon2_time_cost=1,
        argon2_parallelism=1,
    )


def test_a_store_whose_keks_live_in_the_hsm(hsm_settings: Settings):
    report = initialize(hsm_settings)
    assert not report.key_file_created
    assert not hsm_settings.effective_key_file.exists()
    clock = FrozenClock(START)
    rt = build_runtime(hsm_settings, clock=clock)
    try:
        with rt.db.unit_of_work(tenant_id=None) as session:
            tenant = tenancy_service.add_tenant(
                session,
                principal=operator_principal(),
                keyring=rt.keyring,
                clock=clock,
                name="hsm",
                region="cn-east",
            )
        gateway = system_principal(tenant.id)
        service = ContactService(keyring=rt.keyring, clock=clock)
        for n in range(5):
            with rt.db.unit_of_work(tenant_id=tenant.id) as session:
                service.create_conversation(
                    session,
                    principal=gateway,
                    request=ConversationCreate(phone=f"1370000{n:04d}", channel="voice"),
                )
        assert rt.keyring.provider.kek_versions(tenant_id=tenant.id) == [1]
        clock.advance(dt.timedelta(days=91))
        rotated = KeyRotation(db=rt.db, keyring=rt.keyring, clock=clock).rotate_kek(tenant.id)
        assert (rotated.processed, rotated.retired) == (5, (1,))
        check = CheckReport()
        KeyCheck(db=rt.db, keyring=rt.keyring).run(tenant.id, check, lambda _n: None)
        assert check.ok
        assert check.counts[("keystore.data_keys", "wrapped", "kek:v2")] == [5, 0]
    finally:
        rt.close()


def test_a_wrong_pin_stops_start_up(hsm_settings: Settings):
    initialize(hsm_settings)
    wrong = hsm_settings.model_copy(update={"pkcs11_pin": SecretStr("000000000000")})
    with pytest.raises(HsmLoginFailed) as caught:
        build_runtime(wrong)
    assert "000000000000" not in str(caught.value)


def test_incomplete_hsm_settings_name_what_is_missing(tmp_path: Path):
    settings = Settings(home=tmp_path / "var", key_provider="pkcs11")
    with pytest.raises(ProviderConfigError, match=r"ANXIN_PKCS11_MODULE.*ANXIN_PKCS11_PIN"):
        initialize(settings)
