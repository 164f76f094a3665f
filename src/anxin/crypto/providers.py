"""Choosing and opening the key provider named by the settings."""

from __future__ import annotations

from anxin.config import Settings
from anxin.crypto.errors import CryptoError
from anxin.crypto.keyfile import LocalKeyFileProvider
from anxin.crypto.provider import KeyProvider


class ProviderConfigError(CryptoError):
    code = "crypto.provider_config_invalid"
    title = "The key provider settings are incomplete"


def open_provider(settings: Settings) -> KeyProvider:
    """The configured provider, opened and checked (permissions, passphrase, PIN) now, at start-up
    rather than on the first request."""
    if settings.key_provider == "pkcs11":
        return _open_pkcs11(settings)
    passphrase = settings.key_passphrase.get_secret_value() if settings.key_passphrase else None
    return LocalKeyFileProvider(settings.effective_key_file, passphrase=passphrase)


def create_local_key_file(settings: Settings) -> bool:
    """Make the local key file if the local provider is configured and none exists yet."""
    if settings.key_provider != "local-file" or settings.effective_key_file.exists():
        return False
    passphrase = settings.key_passphrase.get_secret_value() if settings.key_passphrase else None
    LocalKeyFileProvider.create(settings.effective_key_file, passphrase=passphrase)
    return True


def _open_pkcs11(settings: Settings) -> KeyProvider:
    # python-pkcs11 is loaded only when configured, so the local provider never needs it.
    from anxin.crypto.pkcs11 import Pkcs11Provider  # noqa: PLC0415

    module, label, pin = settings.pkcs11_module, settings.pkcs11_token_label, settings.pkcs11_pin
    if module is None or label is None or pin is None:
        missing = [
            name
            for name, value in (
                ("ANXIN_PKCS11_MODULE", module),
                ("ANXIN_PKCS11_TOKEN_LABEL", label),
                ("ANXIN_PKCS11_PIN", pin),
            )
            if value is None
        ]
        raise ProviderConfigError(f"key_provider is pkcs11 but {', '.join(missing)} is not set")
    return Pkcs11Provider(module, label, pin.get_secret_value())
