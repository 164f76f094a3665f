"""The local key-file provider: private, versioned, optionally passphrased, shared safely."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from pathlib import Path

import pytest

from anxin.crypto.errors import DecryptionFailed, KeyFileError, UnknownKey
from anxin.crypto.keyfile import KeyFilePassphraseWrong, LocalKeyFileProvider

PASSPHRASE = "correct-horse-旅行-battery-7731"


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "keys" / "anxin.keys"


def _round_trip(provider: LocalKeyFileProvider, tenant: str, version: int) -> bytes:
    return provider.wrap(tenant_id=tenant, kek_version=version, key=b"k" * 32, context=b"ctx")


def test_private_file_round_trip_and_errors(path: Path):
    provider = LocalKeyFileProvider.create(path)
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert oct(path.parent.stat().st_mode & 0o777) == "0o700"
    provider.create_kek(tenant_id="t1", version=1)
    wrapped = _round_trip(provider, "t1", 1)
    reopened = LocalKeyFileProvider(path)
    assert (
        reopened.unwrap(tenant_id="t1", kek_version=1, wrapped=wrapped, context=b"ctx") == b"k" * 32
    )
    with pytest.raises(DecryptionFailed):
        reopened.unwrap(tenant_id="t1", kek_version=1, wrapped=wrapped, context=b"other")
    with pytest.raises(DecryptionFailed):
        reopened.unwrap(tenant_id="t1", kek_version=1, wrapped=wrapped[:-1] + b"\0", context=b"ctx")
    with pytest.raises(UnknownKey):
        reopened.unwrap(tenant_id="t2", kek_version=1, wrapped=wrapped, context=b"ctx")
    with pytest.raises(KeyFileError, match="refusing to overwrite"):
        LocalKeyFileProvider.create(path)


def test_versions_are_independent_idempotent_and_destroyable(path: Path):
    provider = LocalKeyFileProvider.create(path)
    provider.create_kek(tenant_id="t1", version=1)
    old = _round_trip(provider, "t1", 1)
    provider.create_kek(tenant_id="t1", version=1)  # a retried rotation: same key kept
    provider.create_kek(tenant_id="t1", version=2)
    assert provider.kek_versions(tenant_id="t1") == [1, 2]
    assert provider.unwrap(tenant_id="t1", kek_version=1, wrapped=old, context=b"ctx") == b"k" * 32
    with pytest.raises(DecryptionFailed):
        provider.unwrap(tenant_id="t1", kek_version=2, wrapped=old, context=b"ctx")
    provider.destroy_kek(tenant_id="t1", version=1)
    provider.destroy_kek(tenant_id="t1", version=1)
    assert provider.kek_versions(tenant_id="t1") == [2]
    assert not LocalKeyFileProvider(path).has_kek(tenant_id="t1", version=1)
    with pytest.raises(UnknownKey):
        provider.unwrap(tenant_id="t1", kek_version=1, wrapped=old, context=b"ctx")


def test_keys_made_by_another_process_are_seen_without_restart(path: Path):
    provider = LocalKeyFileProvider.create(path)
    code = (
        "import sys; from pathlib import Path;"
        "from anxin.crypto.keyfile import LocalKeyFileProvider as P;"
        "p = P(Path(sys.argv[1])); p.create_kek(tenant_id='t9', version=3);"
        "sys.stdout.buffer.write(p.wrap(tenant_id='t9', kek_version=3, key=b'z'*32, context=b'c'))"
    )
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, check=True)
    assert (
        provider.unwrap(tenant_id="t9", kek_version=3, wrapped=out.stdout, context=b"c")
        == b"z" * 32
    )


def test_concurrent_writers_lose_nothing(path: Path):
    LocalKeyFileProvider.create(path)
    code = (
        "import sys; from pathlib import Path;"
        "from anxin.crypto.keyfile import LocalKeyFileProvider as P;"
        "p = P(Path(sys.argv[1]));"
        "[p.create_kek(tenant_id=sys.argv[2], version=v) for v in range(1, 21)]"
    )
    workers = [
        subprocess.Popen([sys.executable, "-c", code, str(path), tenant]) for tenant in ("a", "b")
    ]
    assert [w.wait(timeout=120) for w in workers] == [0, 0]
    provider = LocalKeyFileProvider(path)
    assert provider.kek_versions(tenant_id="a") == list(range(1, 21))
    assert provider.kek_versions(tenant_id="b") == list(range(1, 21))


def test_passphrase_protects_the_keys(path: Path):
    provider = LocalKeyFileProvider.create(path, passphrase=PASSPHRASE)
    provider.create_kek(tenant_id="t1", version=1)
    wrapped = _round_trip(provider, "t1", 1)
    document = json.loads(path.read_text())
    assert document["protection"]["kdf"] == "scrypt"
    stored = base64.b64decode(document["tenants"]["t1"]["1"])
    assert len(stored) == 12 + 32 + 16  # nonce + encrypted key + tag: not the bare key
    reopened = LocalKeyFileProvider(path, passphrase=PASSPHRASE)
    assert (
        reopened.unwrap(tenant_id="t1", kek_version=1, wrapped=wrapped, context=b"ctx") == b"k" * 32
    )

    with pytest.raises(KeyFilePassphraseWrong) as wrong:
        LocalKeyFileProvider(path, passphrase="not it")
    with pytest.raises(KeyFileError, match="ANXIN_KEY_PASSPHRASE") as missing:
        LocalKeyFileProvider(path)
    for text in (str(wrong.value), str(missing.value), repr(reopened)):
        assert PASSPHRASE not in text
        assert "not it" not in text
    assert "passphrase=True" in repr(reopened)


def test_passphrase_can_be_added_changed_and_removed(path: Path):
    provider = LocalKeyFileProvider.create(path)
    provider.create_kek(tenant_id="t1", version=1)
    wrapped = _round_trip(provider, "t1", 1)
    with pytest.raises(KeyFileError, match="no passphrase"):
        LocalKeyFileProvider(path, passphrase=PASSPHRASE)
    provider.change_passphrase(PASSPHRASE)
    again = LocalKeyFileProvider(path, passphrase=PASSPHRASE)
    again.change_passphrase("second")
    final = LocalKeyFileProvider(path, passphrase="second")
    assert final.unwrap(tenant_id="t1", kek_version=1, wrapped=wrapped, context=b"ctx") == b"k" * 32
    final.change_passphrase(None)
    assert LocalKeyFileProvider(path).kek_versions(tenant_id="t1") == [1]


def test_a_version_1_file_is_still_read(path: Path):
    path.parent.mkdir(mode=0o700)
    key = base64.b64encode(b"q" * 32).decode()
    document = {"format": "anxin-keyfile/v1", "tenants": {"t1": {"1": key}}}
    path.write_text(json.dumps(document))
    path.chmod(0o600)
    provider = LocalKeyFileProvider(path)
    wrapped = _round_trip(provider, "t1", 1)
    assert (
        provider.unwrap(tenant_id="t1", kek_version=1, wrapped=wrapped, context=b"ctx") == b"k" * 32
    )


@pytest.mark.parametrize(
    ("file_mode", "dir_mode", "message"),
    [(0o640, 0o700, "chmod 600"), (0o604, 0o700, "chmod 600"), (0o600, 0o770, "chmod 700")],
)
def test_unsafe_permissions_are_refused_with_the_fix(path: Path, file_mode, dir_mode, message):
    LocalKeyFileProvider.create(path)
    path.chmod(file_mode)
    path.parent.chmod(dir_mode)
    with pytest.raises(KeyFileError, match=message):
        LocalKeyFileProvider(path)


def test_missing_or_foreign_files_are_refused(path: Path, tmp_path: Path):
    with pytest.raises(KeyFileError, match="anxin init"):
        LocalKeyFileProvider(path)
    path.parent.mkdir(mode=0o700)
    path.symlink_to(tmp_path)
    with pytest.raises(KeyFileError, match="not a regular file"):
        LocalKeyFileProvider(path)
