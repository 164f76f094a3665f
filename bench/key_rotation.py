"""KEK rotation time (local key file and SoftHSM2) and DEK re-encryption throughput.

    python -m bench.key_rotation [--deks 1000000] [--hsm-deks 100000] [--messages 50000]

KEK rotation rewraps every wrapped DEK under a new KEK version: it touches only the keystore, so
the DEKs are made directly (owners need not exist as customers). DEK rotation re-seals every
value of every customer in the records database; it is measured on SQLite with customers that
each have one conversation of 50 messages.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

from anxin.cli.bootstrap import build_runtime, initialize
from anxin.config import Settings
from anxin.contact.schemas import ConversationCreate, MessageIn
from anxin.contact.service import ContactService
from anxin.crypto.pkcs11 import default_module_path
from anxin.identity.deps import Runtime
from anxin.keys.rotation import KeyRotation
from bench.common import record, store, tenant

TEXT = "您好，我想查询一下上个月的账单，尾号5678的那张卡。"
PER_CONVERSATION = 50


def kek_rotation(rt: Runtime, deks: int, label: str) -> dict[str, float]:
    tenant_id = tenant(rt, name=f"kek-{label}").tenant_id
    assert tenant_id is not None
    made = time.perf_counter()
    for start in range(0, deks, 10_000):
        owners = [str(uuid.uuid4()) for _ in range(min(10_000, deks - start))]
        rt.keyring.new_data_keys(tenant_id=tenant_id, owner_ids=owners, now=rt.clock.now())
        print(f"\r{label}: {start + len(owners):,}/{deks:,} DEKs made", end="", flush=True)
    made = time.perf_counter() - made
    rotation = KeyRotation(db=rt.db, keyring=rt.keyring, clock=rt.clock)
    began = time.perf_counter()
    report = rotation.rotate_kek(tenant_id, batch=5000, progress=_tick(label))
    seconds = time.perf_counter() - began
    print()
    return {
        "deks": report.processed,
        "create_deks_s": round(made, 1),
        "rotate_s": round(seconds, 1),
        "rewrap_per_s": round(report.processed / seconds),
    }


def dek_rotation(rt: Runtime, messages: int) -> dict[str, float]:
    principal = tenant(rt, name="dek")
    service = ContactService(keyring=rt.keyring, clock=rt.clock)
    batch = [MessageIn(speaker="customer", text=TEXT) for _ in range(PER_CONVERSATION)]
    conversations = messages // PER_CONVERSATION
    for n in range(conversations):
        with rt.db.unit_of_work(tenant_id=principal.tenant_id) as session:
            conversation = service.create_conversation(
                session,
                principal=principal,
                request=ConversationCreate(phone=f"139{n:08d}", channel="chat"),
            )
            service.append_messages(
                session,
                principal=principal,
                conversation_id=conversation.id,
                messages=batch,
                idempotency_key=f"bench-{n}",
            )
    assert principal.tenant_id is not None
    rotation = KeyRotation(db=rt.db, keyring=rt.keyring, clock=rt.clock)
    began = time.perf_counter()
    report = rotation.rotate_dek(principal.tenant_id, batch=100, progress=_tick("dek"))
    seconds = time.perf_counter() - began
    print()
    return {
        "customers": report.processed,
        "messages": conversations * PER_CONVERSATION,
        "values": report.values,
        "rotate_s": round(seconds, 1),
        "messages_per_s": round(conversations * PER_CONVERSATION / seconds),
        "values_per_s": round(report.values / seconds),
    }


@contextlib.contextmanager
def hsm_store(deks: int) -> Iterator[Runtime]:
    """A store whose KEKs live in a fresh SoftHSM2 token made for this run."""
    with tempfile.TemporaryDirectory(prefix="anxin-bench-hsm-") as tmp:
        root = Path(tmp)
        (root / "tokens").mkdir()
        conf = root / "softhsm2.conf"
        conf.write_text(f"directories.tokendir = {root / 'tokens'}\nobjectstore.backend = file\n")
        pin = uuid.uuid4().hex
        util = shutil.which("softhsm2-util")
        assert util, "softhsm2-util is missing (Debian package softhsm2)"
        env = {"SOFTHSM2_CONF": str(conf)}
        subprocess.run(
            [
                util,
                "--init-token",
                "--free",
                "--label",
                "bench",
                "--pin",
                pin,
                "--so-pin",
                uuid.uuid4().hex,
            ],
            check=True,
            env=env,
            capture_output=True,
        )
        os.environ["SOFTHSM2_CONF"] = str(conf)
        settings = Settings(
            home=root / "var",
            key_provider="pkcs11",
            pkcs11_module=default_module_path(),
            pkcs11_token_label="bench",  # noqa: S106 - a label, not a secret
            pkcs11_pin=pin,
        )
        initialize(settings)
        rt = build_runtime(settings)
        try:
            yield rt
        finally:
            rt.close()


def _tick(label: str) -> Callable[[int, int], None]:
    def tick(done: int, total: int) -> None:
        print(f"\r{label}: {done:,}/{total:,}", end="", flush=True)

    return tick


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--deks", type=int, default=1_000_000)
    parser.add_argument("--hsm-deks", type=int, default=100_000)
    parser.add_argument("--messages", type=int, default=50_000)
    args = parser.parse_args()
    result: dict[str, object] = {}
    with store("sqlite") as rt:
        result["kek_local_file"] = kek_rotation(rt, args.deks, "local")
    if args.hsm_deks:
        with hsm_store(args.hsm_deks) as rt:
            result["kek_softhsm2"] = kek_rotation(rt, args.hsm_deks, "softhsm2")
    with store("sqlite") as rt:
        result["dek_reencryption"] = dek_rotation(rt, args.messages)
    record("key_rotation", result)


if __name__ == "__main__":
    main()
