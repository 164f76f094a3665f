"""`anxin keys` and `anxin customer erase` in real processes; rotations survive `kill -9`."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tests.cli.test_commands import anxin

pytestmark = pytest.mark.slow


@pytest.fixture
def home(tmp_path: Path) -> Path:
    home = tmp_path / "var"
    result = anxin(home, "init", "--demo", "--customers", "300")
    assert result.returncode == 0, result.stderr
    return home


def _job_progress(home: Path, kind: str) -> tuple[int, bool] | None:
    """(rows done, finished) of the newest rotation job of this kind, read from the keystore."""
    path = home / "keys" / "keystore.db"
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5) as conn:
        row = conn.execute(
            "SELECT done, finished_at IS NOT NULL FROM key_jobs WHERE kind = ? "
            "ORDER BY started_at DESC LIMIT 1",
            (kind,),
        ).fetchone()
    return None if row is None else (int(row[0]), bool(row[1]))


def _kill_mid_rotation(home: Path, kind: str, batch: int) -> None:
    env = {**os.environ, "ANXIN_HOME": str(home)}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "anxin",
            "keys",
            "rotate",
            "--tenant",
            "demo",
            f"--{kind}",
            "--batch",
            str(batch),
            "--json",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            progress = _job_progress(home, kind)
            if progress is not None and progress[0] > 0:
                break
            time.sleep(0.002)
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    progress = _job_progress(home, kind)
    assert progress is not None
    assert not progress[1], "the rotation finished before it could be killed; lower --batch"


@pytest.mark.parametrize(("kind", "batch"), [("dek", 5), ("index", 5), ("kek", 1)])
def test_a_rotation_killed_with_sigkill_resumes_and_loses_nothing(
    home: Path, kind: str, batch: int
):
    before = anxin(home, "keys", "check", "--json")
    assert before.returncode == 0, before.stderr

    _kill_mid_rotation(home, kind, batch)
    resumed = anxin(home, "keys", "rotate", "--tenant", "demo", f"--{kind}", "--json")

    assert resumed.returncode == 0, resumed.stderr
    assert json.loads(resumed.stdout)["resumed"] is True
    after = anxin(home, "keys", "check", "--json")
    assert after.returncode == 0, after.stdout
    report = json.loads(after.stdout)
    assert report["failures"] == []
    assert report["checked"] >= json.loads(before.stdout)["checked"]
    status = json.loads(anxin(home, "keys", "status", "--json").stdout)
    assert status[0]["open_jobs"] == []


def test_status_check_and_erase_from_the_shell(home: Path):
    status = anxin(home, "keys", "status", "--tenant", "demo")
    assert status.returncode == 0, status.stderr
    assert "rotation not due" in status.stdout
    data = json.loads(anxin(home, "keys", "status", "--json").stdout)[0]
    assert data["keks"][0]["state"] == "current"
    assert data["keks"][0]["wraps_deks"] == data["deks_active"] > 0

    refused = anxin(home, "keys", "policy", "--tenant", "demo", "--kek-days", "0")
    assert refused.returncode == 1
    assert "keys.policy_invalid" in refused.stderr
    changed = anxin(home, "keys", "policy", "--tenant", "demo", "--index-days", "60", "--json")
    assert json.loads(changed.stdout) == {"kek_rotation_days": 90, "index_rotation_days": 60}
    with sqlite3.connect(home / "anxin.db") as conn:
        (audited,) = conn.execute(
            "SELECT count(*) FROM audit_events WHERE action = 'crypto:key:policy'"
        ).fetchone()
    assert audited == 1
    assert "index key every 60 days, not due" in anxin(home, "keys", "status").stdout

    keystore = home / "keys" / "keystore.db"
    with sqlite3.connect(keystore) as conn:
        (owner,) = conn.execute("SELECT owner_id FROM data_keys LIMIT 1").fetchone()
    erased = anxin(home, "customer", "erase", owner, "--tenant", "demo", "--json")
    assert erased.returncode == 0, erased.stderr
    assert json.loads(erased.stdout)["keys_destroyed"] == 1
    again = anxin(home, "customer", "erase", owner, "--tenant", "demo")
    assert again.returncode == 1
    assert "contact.customer_not_found" in again.stderr

    check = json.loads(anxin(home, "keys", "check", "--json").stdout)
    assert check["ok"] is True
    assert check["destroyed_keys"] == 1

    # A flipped byte in a sealed message is found, named, and fails the check.
    with sqlite3.connect(home / "anxin.db") as conn:
        conversation_id, seq, blob = conn.execute(
            "SELECT conversation_id, seq, text_ct FROM messages LIMIT 1"
        ).fetchone()
        conn.execute(
            "UPDATE messages SET text_ct = ? WHERE conversation_id = ? AND seq = ?",
            (blob[:-1] + bytes([blob[-1] ^ 1]), conversation_id, seq),
        )
    failed = anxin(home, "keys", "check")
    assert failed.returncode == 1
    assert f"messages row {conversation_id}:{seq} column text" in failed.stderr


def test_rotate_needs_exactly_one_kind(home: Path):
    result = anxin(home, "keys", "rotate", "--tenant", "demo", "--kek", "--dek")
    assert result.returncode == 2
    assert "exactly one" in result.stderr


def test_passphrase_is_added_required_checked_and_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    home = tmp_path / "var"
    assert anxin(home, "init").returncode == 0
    secret = "correct horse battery staple"

    short = anxin(home, "keys", "passphrase", "--stdin", stdin="too short\n")
    assert short.returncode == 2
    assert "at least 12" in short.stderr

    added = anxin(home, "keys", "passphrase", "--stdin", stdin=secret + "\n")
    assert added.returncode == 0, added.stderr
    assert secret.encode() not in (home / "keys" / "anxin.keys").read_bytes()

    missing = anxin(home, "keys", "status")
    assert missing.returncode == 1
    assert "set ANXIN_KEY_PASSPHRASE" in missing.stderr

    monkeypatch.setenv("ANXIN_KEY_PASSPHRASE", "not the passphrase")
    wrong = anxin(home, "keys", "status")
    assert wrong.returncode == 1
    assert "crypto.key_file_passphrase_wrong" in wrong.stderr
    assert "not the passphrase" not in wrong.stderr + wrong.stdout

    monkeypatch.setenv("ANXIN_KEY_PASSPHRASE", secret)
    assert anxin(home, "tenant", "add", "acme").returncode == 0  # a KEK sealed by the passphrase
    removed = anxin(home, "keys", "passphrase", "--remove")
    assert removed.returncode == 0, removed.stderr

    monkeypatch.delenv("ANXIN_KEY_PASSPHRASE")
    unprotected = anxin(home, "keys", "status", "--json")
    assert unprotected.returncode == 0, unprotected.stderr
    assert json.loads(unprotected.stdout)[0]["keks"][0]["state"] == "current"
