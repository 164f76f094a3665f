"""The PKCS#11 provider against a real SoftHSM2 token."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from pkcs11 import Attribute
from tests.softhsm import Token, shared_token

from anxin.crypto.errors import DecryptionFailed, UnknownKey
from anxin.crypto.pkcs11 import HsmLoginFailed, HsmTokenNotFound, HsmUnavailable, Pkcs11Provider


@pytest.fixture(scope="session")
def token() -> Token:
    return shared_token()


@pytest.fixture
def provider(token: Token):
    hsm = Pkcs11Provider(token.module, token.label, token.pin)
    yield hsm
    hsm.close()


@pytest.fixture
def tenant() -> str:
    return str(uuid.uuid4())


def test_wrap_and_unwrap_happen_in_the_token(provider: Pkcs11Provider, tenant: str):
    provider.create_kek(tenant_id=tenant, version=1)
    wrapped = provider.wrap(tenant_id=tenant, kek_version=1, key=b"k" * 32, context=b"ctx")
    assert len(wrapped) == 12 + 32 + 16
    assert (
        provider.unwrap(tenant_id=tenant, kek_version=1, wrapped=wrapped, context=b"ctx")
        == b"k" * 32
    )
    with pytest.raises(DecryptionFailed, match="HSM"):
        provider.unwrap(tenant_id=tenant, kek_version=1, wrapped=wrapped, context=b"other")
    tampered = wrapped[:20] + bytes([wrapped[20] ^ 1]) + wrapped[21:]
    with pytest.raises(DecryptionFailed):
        provider.unwrap(tenant_id=tenant, kek_version=1, wrapped=tampered, context=b"ctx")
    with pytest.raises(UnknownKey):
        provider.unwrap(tenant_id=tenant, kek_version=2, wrapped=wrapped, context=b"ctx")


def test_keks_are_sensitive_non_extractable_and_persistent(provider, token: Token, tenant: str):
    provider.create_kek(tenant_id=tenant, version=1)
    key = provider._find(tenant, 1)
    assert key is not None
    assert key[Attribute.SENSITIVE] is True
    assert key[Attribute.EXTRACTABLE] is False
    assert key[Attribute.TOKEN] is True
    wrapped = provider.wrap(tenant_id=tenant, kek_version=1, key=b"q" * 32, context=b"c")
    other = Pkcs11Provider(token.module, token.label, token.pin)  # a new session
    try:
        assert (
            other.unwrap(tenant_id=tenant, kek_version=1, wrapped=wrapped, context=b"c")
            == b"q" * 32
        )
    finally:
        other.close()


def test_versions_are_idempotent_independent_and_destroyable(provider, tenant: str):
    provider.create_kek(tenant_id=tenant, version=1)
    old = provider.wrap(tenant_id=tenant, kek_version=1, key=b"k" * 32, context=b"c")
    provider.create_kek(tenant_id=tenant, version=1)
    provider.create_kek(tenant_id=tenant, version=2)
    assert provider.kek_versions(tenant_id=tenant) == [1, 2]
    assert provider.unwrap(tenant_id=tenant, kek_version=1, wrapped=old, context=b"c") == b"k" * 32
    with pytest.raises(DecryptionFailed):
        provider.unwrap(tenant_id=tenant, kek_version=2, wrapped=old, context=b"c")
    provider.destroy_kek(tenant_id=tenant, version=1)
    provider.destroy_kek(tenant_id=tenant, version=1)
    assert provider.kek_versions(tenant_id=tenant) == [2]
    assert not provider.has_kek(tenant_id=tenant, version=1)
    with pytest.raises(UnknownKey):
        provider.unwrap(tenant_id=tenant, kek_version=1, wrapped=old, context=b"c")


def test_a_wrong_pin_is_refused_without_echoing_it(token: Token):
    wrong = "9" * 12
    with pytest.raises(HsmLoginFailed) as caught:
        Pkcs11Provider(token.module, token.label, wrong)
    assert wrong not in str(caught.value)
    assert token.label in str(caught.value)


def test_unknown_token_and_missing_module_are_named(token: Token, tmp_path: Path):
    with pytest.raises(HsmTokenNotFound, match=token.label):
        Pkcs11Provider(token.module, "no-such-token", token.pin)
    with pytest.raises(HsmUnavailable, match="does not exist"):
        Pkcs11Provider(tmp_path / "missing.so", token.label, token.pin)


def test_repr_holds_no_pin(provider: Pkcs11Provider, token: Token):
    assert token.pin not in repr(provider)
    assert token.label in repr(provider)
