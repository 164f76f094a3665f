"""`anxin audit` in real subprocesses: the exported forms check out with code we did not write
for the purpose (a signed-note check done here with `cryptography` alone, RFC 6962 proofs
checked against the root in the signed checkpoint), and bad input fails in one line."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from anxin.audit import merkle
from anxin.audit.checkpoint import Checkpoint, sign_checkpoint
from anxin.audit.signing_key import SigningKey

pytestmark = pytest.mark.slow


def anxin(home: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    variables = {
        **os.environ,
        "ANXIN_HOME": str(home),
        "ANXIN_ARGON2_MEMORY_KIB": "64",
        "ANXIN_ARGON2_TIME_COST": "1",
        "ANXIN_ARGON2_PARALLELISM": "1",
        # Rich wraps stderr at 80 columns when it cannot tell the width; errors are one line.
        "COLUMNS": "400",
        **env,
    }
    return subprocess.run(
        [sys.executable, "-m", "anxin", *args],
        env=variables,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr
    return result.stdout


def _fails_in_one_line(result: subprocess.CompletedProcess[str], message: str) -> None:
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: "), lines
    assert message in lines[0], lines


def _make_home(path: Path) -> Path:
    home = path / "var"
    _ok(anxin(home, "init"))
    _ok(anxin(home, "tenant", "add", "acme"))
    for name in ("ann", "ben", "cat"):
        _ok(anxin(home, "user", "add", name, "--tenant", "acme", "--role", "agent"))
    return home


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _make_home(tmp_path_factory.mktemp("audit"))


# --- an independent reading of the exported forms ---------------------------------------------


def _open_independently(note: str, vkey: str) -> tuple[str, int, bytes]:
    """Check a signed checkpoint from the vkey string alone, as another tool would: recompute
    the key id, verify Ed25519 with `cryptography`, and read origin, size and root."""
    name, key_id_hex, material = vkey.split("+", 2)
    raw = base64.b64decode(material)
    assert raw[0] == 1
    assert len(raw) == 33
    public = raw[1:]
    key_id = hashlib.sha256(name.encode() + b"\n" + raw).digest()[:4]
    assert key_id.hex() == key_id_hex
    text, _, signatures = note.rpartition("\n\n")
    text += "\n"
    verified = False
    for line in signatures.splitlines():
        signer, blob = line.removeprefix("\u2014 ").split(" ")
        data = base64.b64decode(blob)
        if signer == name and data[:4] == key_id:
            Ed25519PublicKey.from_public_bytes(public).verify(data[4:], text.encode())
            verified = True
    assert verified
    origin, size, root = text.splitlines()[:3]
    assert origin == name
    return origin, int(size), base64.b64decode(root)


def _mth(leaves: list[bytes]) -> bytes:
    """RFC 6962 section 2.1, written out again here rather than imported."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = 1 << ((len(leaves) - 1).bit_length() - 1)
    return hashlib.sha256(b"\x01" + _mth(leaves[:k]) + _mth(leaves[k:])).digest()


def test_checkpoint_vkey_leaves_and_proofs_check_out_independently(home: Path) -> None:
    witness_file = home / "witness.jsonl"
    env = {"ANXIN_AUDIT_WITNESS": str(witness_file)}
    first = _ok(anxin(home, "audit", "checkpoint", "--tenant", "acme", **env))
    assert first == _ok(anxin(home, "audit", "checkpoint", "--tenant", "acme", "--latest"))
    vkey = _ok(anxin(home, "audit", "vkey", "--tenant", "acme"))
    assert vkey.endswith("\n")
    assert vkey.count("\n") == 1
    origin, old_size, old_root = _open_independently(first, vkey.strip())

    leaves_doc = json.loads(_ok(anxin(home, "audit", "leaves", "--tenant", "acme")))
    assert leaves_doc["format"] == "anxin-tlog-leaves/v1"
    assert (leaves_doc["origin"], leaves_doc["tree_size"]) == (origin, old_size)
    leaves = [bytes.fromhex(h) for h in leaves_doc["leaf_hashes"]]
    assert _mth(leaves) == old_root

    for index in {0, old_size // 2, old_size - 1}:
        proof = json.loads(
            _ok(anxin(home, "audit", "prove", "--tenant", "acme", "--index", str(index)))
        )
        assert proof["format"] == "anxin-tlog-inclusion/v1"
        assert (proof["tree_size"], proof["leaf_index"]) == (old_size, index)
        assert bytes.fromhex(proof["leaf_hash"]) == leaves[index]
        assert bytes.fromhex(proof["root_hash"]) == old_root
        path = [bytes.fromhex(h) for h in proof["proof"]]
        assert merkle.verify_inclusion(leaves[index], index, old_size, path, old_root)
        assert not merkle.verify_inclusion(leaves[index], index, old_size, path, b"\0" * 32)

    _ok(anxin(home, "user", "add", "dan", "--tenant", "acme", "--role", "agent"))
    second = _ok(anxin(home, "audit", "checkpoint", "--tenant", "acme", **env))
    _, new_size, new_root = _open_independently(second, vkey.strip())
    assert new_size > old_size
    doc = json.loads(
        _ok(anxin(home, "audit", "prove", "--tenant", "acme", "--old-size", str(old_size)))
    )
    assert doc["format"] == "anxin-tlog-consistency/v1"
    assert (doc["old_size"], doc["new_size"]) == (old_size, new_size)
    assert (bytes.fromhex(doc["old_root"]), bytes.fromhex(doc["new_root"])) == (old_root, new_root)
    path = [bytes.fromhex(h) for h in doc["proof"]]
    assert merkle.verify_consistency(old_size, new_size, old_root, new_root, path)

    # Both checkpoints went to the witness; verification reads it back and passes.
    assert [json.loads(line)["note"] for line in witness_file.read_text().splitlines()] == [
        first,
        second,
    ]
    report = json.loads(_ok(anxin(home, "audit", "verify", **env)))
    assert report["format"] == "anxin-audit-verify/v1"
    assert report["ok"] is True
    by_origin = {log["origin"]: log for log in report["logs"]}
    assert by_origin[origin]["external_checked"] == 2
    assert by_origin[origin]["checkpoints_checked"] >= 2
    assert "anxin.example/audit/platform" in by_origin
    single = home / "one.note"
    single.write_text(second)
    _ok(anxin(home, "audit", "verify", "--tenant", "acme", "--against", str(single)))


def test_platform_log_and_the_checkpoints_job(home: Path) -> None:
    note = _ok(anxin(home, "audit", "checkpoint", "--platform"))
    assert note.startswith("anxin.example/audit/platform\n")
    vkey = _ok(anxin(home, "audit", "vkey", "--platform")).strip()
    _open_independently(note, vkey)
    jobs = json.loads(_ok(anxin(home, "jobs", "run", "--job", "checkpoints", "--json")))
    rows = {r["tenant"]: r for r in jobs["results"]}
    assert set(rows) == {"acme", "platform"}
    assert all(r["job"] == "checkpoints" for r in rows.values())
    assert all(isinstance(r["tree_size"], int) for r in rows.values())


def test_a_note_signed_by_another_key_is_reported_as_forged(home: Path) -> None:
    vkey = _ok(anxin(home, "audit", "vkey", "--tenant", "acme")).strip()
    origin = vkey.split("+")[0]
    other = SigningKey(b"\x05" * 32).signer(origin)
    forged = sign_checkpoint(Checkpoint(origin, 1, b"\x02" * 32), other)
    path = home / "forged.note"
    path.write_text(forged)
    result = anxin(home, "audit", "verify", "--tenant", "acme", "--against", str(path))
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert report["ok"] is False
    assert report["logs"][0]["damage"] == "forged_checkpoint"
    assert report["logs"][0]["first_bad_seq"] is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("prove", "--tenant", "acme", "--index", "100000"), "is not below the tree size"),
        (("prove", "--tenant", "acme", "--index", "-1"), "--index -1 is negative"),
        (("prove", "--tenant", "acme", "--index", "0", "--size", "100000"), "larger than the log"),
        (("prove", "--tenant", "acme", "--index", "0", "--size", "-3"), "negative"),
        (
            ("prove", "--tenant", "acme", "--old-size", "3", "--new-size", "2"),
            "larger than --new-size",
        ),
        (("prove", "--tenant", "acme", "--old-size", "-1"), "negative"),
        (
            ("prove", "--tenant", "acme", "--old-size", "1", "--new-size", "100000"),
            "larger than the log",
        ),
        (("prove", "--tenant", "acme"), "give --index"),
        (("leaves", "--tenant", "acme", "--size", "100000"), "larger than the log"),
        (("vkey", "--tenant", "nobody"), "tenancy.tenant_not_found"),
        (("vkey", "--tenant", "acme", "--platform"), "name one log"),
        (("vkey",), "name one log"),
    ],
)
def test_bad_requests_fail_in_one_line(home: Path, args: tuple[str, ...], message: str) -> None:
    _fails_in_one_line(anxin(home, "audit", *args), message)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"note": "x"}\nnot json\n', "line 2 is not JSON"),
        ("", "holds no checkpoints"),
        ("not a checkpoint at all\n", "is not a checkpoint of any log here"),
        ("someone.else/log\n1\nAAAA\n\n\u2014 x AAAA\n", "origin 'someone.else/log'"),
    ],
)
def test_malformed_external_checkpoints_fail_in_one_line(
    home: Path, tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "external"
    path.write_text(content)
    _fails_in_one_line(anxin(home, "audit", "verify", "--against", str(path)), message)


def test_a_missing_signing_key_fails_in_one_line(home: Path, tmp_path: Path) -> None:
    missing = {"ANXIN_AUDIT_SIGNING_KEY": str(tmp_path / "absent.key")}
    for args in (("vkey", "--tenant", "acme"), ("checkpoint", "--tenant", "acme"), ("verify",)):
        _fails_in_one_line(anxin(home, "audit", *args, **missing), "audit.signing_key")


def test_corrupted_rows_are_reported_not_crashed_on(tmp_path: Path) -> None:
    home = _make_home(tmp_path)
    _ok(anxin(home, "audit", "checkpoint", "--tenant", "acme"))
    db = sqlite3.connect(home / "anxin.db")
    with db:
        db.execute("DROP TRIGGER audit_events_no_update")
        db.execute("DROP TRIGGER audit_events_no_delete")
        tenant = db.execute("SELECT id FROM tenants WHERE name = 'acme'").fetchone()[0]
        db.execute(
            "UPDATE audit_events SET actor_id = 'nobody' WHERE tenant_id = ? AND seq = 1",
            (tenant,),
        )
    result = anxin(home, "audit", "verify", "--tenant", "acme")
    assert result.returncode == 1, result.stderr
    log = json.loads(result.stdout)["logs"][0]
    assert (log["damage"], log["first_bad_seq"]) == ("edited", 1)
    with db:
        db.execute("DELETE FROM audit_events WHERE tenant_id = ? AND seq = 2", (tenant,))
        db.execute(
            "UPDATE audit_events SET leaf_hash = x'00' WHERE tenant_id = ? AND seq = 0", (tenant,)
        )
    db.close()
    result = anxin(home, "audit", "verify")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    log = next(x for x in json.loads(result.stdout)["logs"] if x["tenant_id"] == tenant)
    assert (log["damage"], log["first_bad_seq"]) == ("edited", 0)
    _fails_in_one_line(anxin(home, "audit", "leaves", "--tenant", "acme", "--size", "3"), "error: ")
    _fails_in_one_line(
        anxin(home, "audit", "prove", "--tenant", "acme", "--index", "0", "--size", "3"), "error: "
    )
