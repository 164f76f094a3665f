"""Seal and open rates beside the raw AES-256-GCM rate of `cryptography`, in the same run.

    python -m bench.crypto_ops [--seconds 2]

Raw: one reused AESGCM object, a fresh 96-bit random nonce per call. Field path: a DataKey from
the keyring (built once per key), with associated data naming tenant, table, column, row and key
version, the format header, and the per-key seal counter.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from anxin.crypto.aead import FieldRef
from anxin.crypto.keyfile import LocalKeyFileProvider
from anxin.crypto.keyring import INVOCATION_LIMIT, Keyring
from anxin.crypto.keystore import Keystore
from bench.common import record

FIELD = "zhang.wei@example.com, 1380013"  # 32 bytes, the size of a typical personal field
MESSAGE = ("您好，我的银行卡丢了，需要挂失并补办。" * 11)[:200]  # 200 characters, 600 bytes UTF-8
NOW = dt.datetime(2026, 11, 25, tzinfo=dt.UTC)


def rate(fn: Callable[[], object], seconds: float) -> float:
    """Calls per second of `fn` over about `seconds`, in batches to keep timer overhead out."""
    calls, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        for _ in range(1000):
            fn()
        calls += 1000
    return calls / elapsed


def raw_rates(size: int, seconds: float) -> dict[str, float]:
    cipher = AESGCM(AESGCM.generate_key(bit_length=256))
    data = os.urandom(size)
    nonce = os.urandom(12)
    sealed = cipher.encrypt(nonce, data, None)
    return {
        "encrypt_per_s": rate(lambda: cipher.encrypt(os.urandom(12), data, None), seconds),
        "decrypt_per_s": rate(lambda: cipher.decrypt(nonce, sealed, None), seconds),
    }


def field_rates(keyring: Keyring, text: str, seconds: float) -> dict[str, float]:
    key = keyring.new_data_key(tenant_id="bench", owner_id=f"owner-{len(text)}", now=NOW)
    ref = FieldRef("bench", "customers", "email", "0192f0c4-7a4e-7cc1-9f5e-1c2d3e4f5a6b")
    blob = key.seal(ref, text)
    return {
        "seal_per_s": rate(lambda: key.seal(ref, text), seconds),
        "open_per_s": rate(lambda: key.open(ref, blob), seconds),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=2.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="anxin-bench-") as tmp:
        provider = LocalKeyFileProvider.create(Path(tmp) / "keys" / "anxin.keys")
        store = Keystore.open(f"sqlite:///{Path(tmp) / 'keys' / 'keystore.db'}", create=True)
        # The usage limit is lifted here: a benchmark seals far more than a customer ever would.
        keyring = Keyring(provider, store, invocation_limit=INVOCATION_LIMIT * 1000)
        keyring.create_tenant_keys(tenant_id="bench", now=NOW)
        raw_field = raw_rates(len(FIELD.encode()), args.seconds)
        raw_100 = raw_rates(100, args.seconds)
        raw_message = raw_rates(len(MESSAGE.encode()), args.seconds)
        field = field_rates(keyring, FIELD, args.seconds)
        message = field_rates(keyring, MESSAGE, args.seconds)
        keyring.close()
    record(
        "crypto_ops",
        {
            "raw_aes256gcm_100_bytes": _rounded(raw_100),
            "raw_aes256gcm_32_bytes": _rounded(raw_field),
            "raw_aes256gcm_600_bytes": _rounded(raw_message),
            "field_32_bytes": _rounded(field),
            "message_200_chars": _rounded(message),
            "field_seal_vs_raw": round(field["seal_per_s"] / raw_field["encrypt_per_s"], 3),
            "field_open_vs_raw": round(field["open_per_s"] / raw_field["decrypt_per_s"], 3),
            "message_seal_vs_raw": round(message["seal_per_s"] / raw_message["encrypt_per_s"], 3),
        },
    )


def _rounded(values: dict[str, float]) -> dict[str, int]:
    return {k: round(v) for k, v in values.items()}


if __name__ == "__main__":
    main()
