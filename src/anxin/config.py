"""Settings: environment variables ANXIN_*, then an optional TOML file, validated at start-up.

Nothing is read at import time; `load_settings()` is called by the CLI and the app factory.
Unsafe values are refused rather than warned about (STYLE.md habit 7).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

DEFAULT_HOME = Path("./var")


class Settings(BaseSettings):
    """Every knob Anxin has. Paths default to files inside `home`."""

    model_config = SettingsConfigDict(env_prefix="ANXIN_", extra="forbid", frozen=True)

    home: Path = Field(DEFAULT_HOME, description="Data directory: database, keys, certificates.")
    database_url: str | None = Field(
        None,
        description="SQLAlchemy URL. Unset: SQLite (WAL) at <home>/anxin.db. "
        "postgresql+psycopg://user@host/db for PostgreSQL.",
    )
    key_file: Path | None = Field(
        None, description="Local key-file provider path (mode 0600). Unset: <home>/keys/anxin.keys."
    )
    key_provider: Literal["local-file", "pkcs11"] = Field(
        "local-file", description="Where tenant KEKs live: the local key file or a PKCS#11 HSM."
    )
    key_passphrase: SecretStr | None = Field(
        None,
        description="Passphrase protecting the local key file (scrypt-derived wrapping key). "
        "Unset: the file is protected by its permissions only.",
    )
    pkcs11_module: Path | None = Field(
        None, description="PKCS#11 module (.so), e.g. /usr/lib/softhsm/libsofthsm2.so."
    )
    pkcs11_token_label: str | None = Field(None, description="Label of the PKCS#11 token.")
    pkcs11_pin: SecretStr | None = Field(None, description="User PIN of the PKCS#11 token.")
    keystore_url: str | None = Field(
        None,
        description="SQLAlchemy URL of the keystore (wrapped data and index keys), kept apart "
        "from the records so erasure reaches their backups. Unset: <home>/keys/keystore.db.",
    )
    host: str = Field("127.0.0.1", description="Address `anxin serve` listens on.")
    port: int = Field(8443, ge=1, le=65535, description="HTTPS port.")
    tls_cert: Path | None = Field(None, description="Server certificate (PEM). Unset: local CA.")
    tls_key: Path | None = Field(None, description="Server private key (PEM).")
    tls_ca_cert: Path | None = Field(
        None, description="CA certificate clients should trust. Unset: <home>/tls/ca.pem."
    )
    session_idle_minutes: int = Field(30, ge=1, le=24 * 60, description="Idle session expiry.")
    session_absolute_hours: int = Field(12, ge=1, le=24 * 7, description="Absolute session expiry.")
    session_bind_address: bool = Field(
        True,
        description="Refuse a session token used from another client address than at login "
        "(the User-Agent is always checked).",
    )
    login_max_failures: int = Field(
        5, ge=1, le=100, description="Failed logins in a row that lock an account."
    )
    login_lockout_minutes: int = Field(
        15, ge=1, le=24 * 60, description="Cool-down of a locked account or client address."
    )
    login_address_max_failures: int = Field(
        20,
        ge=1,
        le=10_000,
        description="Failed logins from one address (any accounts) per "
        "cool-down window that block the address for the cool-down.",
    )
    step_up_minutes: int = Field(
        5, ge=1, le=60, description="How recent a second-factor check sensitive actions need."
    )
    webauthn_rp_id: str = Field(
        "localhost",
        min_length=1,
        description="WebAuthn relying-party id: the host name browsers bind passkeys to.",
    )
    webauthn_origin: str = Field(
        "https://localhost:8443",
        min_length=1,
        description="The origin (scheme://host[:port]) passkey ceremonies must come from.",
    )
    webauthn_rp_name: str = Field(
        "Anxin", min_length=1, description="Relying-party name shown by the authenticator."
    )
    dormant_days: int = Field(
        90,
        ge=1,
        le=3650,
        description="An account with no login for this many days (or never used and created "
        "that long ago) is disabled by `anxin jobs run`.",
    )
    max_body_bytes: int = Field(
        1_048_576, ge=1024, le=64 * 1_048_576, description="Largest request body accepted."
    )
    max_batch_messages: int = Field(500, ge=1, le=10_000, description="Messages per append call.")
    max_message_chars: int = Field(
        20_000,
        ge=1,
        le=1_000_000,
        description="Longest message or transcript segment text, in characters; "
        "must fit in ANXIN_MAX_BODY_BYTES.",
    )
    argon2_time_cost: int = Field(3, ge=1, le=20, description="argon2id passes per hash.")
    argon2_memory_kib: int = Field(
        65_536, ge=8, le=4 * 1_048_576, description="argon2id memory per hash, in KiB."
    )
    argon2_parallelism: int = Field(4, ge=1, le=16, description="argon2id lanes.")
    log_level: str = Field("INFO", description="Python logging level name.")
    masking_policy: Path | None = Field(
        None,
        description="YAML masking policy (role x data class -> style, per-tenant overrides; "
        "docs/masking.md). Unset: the built-in safe defaults. Validated at start-up.",
    )
    pii_recognizers: Path | None = Field(
        None,
        description="YAML file of tenants' own recognizers (docs/pii.md). Unset: the built-in "
        "detector for every tenant. Validated at start-up.",
    )
    audit_signing_key: Path | None = Field(
        None,
        description="Seed of the audit checkpoint signing keys (mode 0600; docs/audit.md). Keep "
        "it apart from the database and the data keys. Unset: <home>/audit/signing.key.",
    )
    audit_origin_prefix: str = Field(
        "anxin.example/audit",
        pattern=r"^[A-Za-z0-9.\-]+(/[A-Za-z0-9._\-]+)*$",
        description="Checkpoint origins are <prefix>/<tenant id> (and <prefix>/platform); use a "
        "name you control. Changing it starts new logs for verifiers.",
    )
    audit_witness: str | None = Field(
        None,
        description="Where checkpoints are also published and checked against: a file path "
        "(appended to) or an https:// URL. Unset: none.",
    )
    audit_witness_ca: Path | None = Field(
        None,
        description="PEM CA bundle trusted for an https:// witness instead of the system's CAs.",
    )
    audit_checkpoint_minutes: int = Field(
        5,
        ge=0,
        le=1440,
        description="How often `anxin serve` signs a checkpoint of every log with new events "
        "(and publishes it to the witness). 0: never; `anxin jobs run --job checkpoints` "
        "does the same from cron.",
    )

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        if value.upper() not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("log_level must be DEBUG, INFO, WARNING, ERROR or CRITICAL")
        return value.upper()

    @model_validator(mode="after")
    def _message_fits_in_body(self) -> Settings:
        # A character takes at least one byte of the body, so a larger limit could never apply.
        if self.max_message_chars >= self.max_body_bytes:
            raise ValueError(
                f"max_message_chars ({self.max_message_chars}) must be smaller than "
                f"max_body_bytes ({self.max_body_bytes}): a message must fit in a request body"
            )
        return self

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Explicit arguments win, then the environment, then the TOML file (if any).
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        toml_path = os.environ.get("ANXIN_CONFIG")
        if toml_path:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=Path(toml_path)))
        return tuple(sources)

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.home / 'anxin.db').resolve()}"

    @property
    def effective_key_file(self) -> Path:
        return self.key_file or self.home / "keys" / "anxin.keys"

    @property
    def effective_keystore_url(self) -> str:
        default = (self.effective_key_file.parent / "keystore.db").resolve()
        return self.keystore_url or f"sqlite:///{default}"

    @property
    def effective_audit_signing_key(self) -> Path:
        return self.audit_signing_key or self.home / "audit" / "signing.key"

    @property
    def tls_dir(self) -> Path:
        return self.home / "tls"

    @property
    def effective_ca_cert(self) -> Path:
        return self.tls_ca_cert or self.tls_dir / "ca.pem"

    @property
    def uses_local_ca(self) -> bool:
        return self.tls_cert is None

    @property
    def credentials_file(self) -> Path:
        return self.home / "demo-credentials.json"


class ConfigError(Exception):
    """Settings could not be loaded; the message names the setting, never a secret value."""


def load_settings(**overrides: Any) -> Settings:
    """Read settings once, at start-up. A missing ANXIN_CONFIG file is an error, not a default."""
    toml_path = os.environ.get("ANXIN_CONFIG")
    if toml_path and not Path(toml_path).is_file():
        raise ConfigError(f"ANXIN_CONFIG points at {toml_path}, which is not a readable file")
    try:
        return Settings(**overrides)
    except ValueError as exc:
        raise ConfigError(_describe(exc)) from None


def _describe(exc: ValueError) -> str:
    errors = getattr(exc, "errors", None)
    if not callable(errors):
        return "invalid settings"
    parts = []
    for e in errors():
        where = ".".join(str(p) for p in e["loc"])
        parts.append(f"{where}: {e['msg']}" if where else str(e["msg"]))
    return "invalid settings: " + "; ".join(parts)
