"""The local CA: private keys stay private, re-runs change nothing, renewal happens in time."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import shutil
import ssl
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import TypeVar

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from anxin.crypto.certificates import (
    TlsFiles,
    certificate_fingerprint,
    ensure_local_tls,
)
from anxin.crypto.tls import TlsConfigError, server_ssl_context

NOW = dt.datetime(2026, 11, 24, tzinfo=dt.UTC)

Snapshot = dict[str, tuple[bytes, int, int]]
_E = TypeVar("_E", bound=x509.ExtensionType)


def _snapshot(directory: Path) -> Snapshot:
    """Every entry's bytes, mtime and mode: equal snapshots mean nothing was written."""
    return {
        p.name: (p.read_bytes(), p.stat().st_mtime_ns, stat.S_IMODE(p.stat().st_mode))
        for p in sorted(directory.iterdir())
    }


def _cert(path: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


def _ext(cert: x509.Certificate, kind: type[_E]) -> x509.Extension[_E]:
    return cert.extensions.get_extension_for_class(kind)


def _sans(path: Path) -> tuple[list[str], list[str]]:
    sans = _ext(_cert(path), x509.SubjectAlternativeName).value
    return sans.get_values_for_type(x509.DNSName), [
        str(a) for a in sans.get_values_for_type(x509.IPAddress)
    ]


@pytest.fixture
def tls_dir(tmp_path: Path) -> Path:
    return tmp_path / "tls"


@pytest.fixture
def files(tls_dir: Path) -> TlsFiles:
    return ensure_local_tls(tls_dir, now=NOW)


@pytest.fixture
def strict_umask() -> Iterator[None]:
    previous = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(previous)


@pytest.mark.usefixtures("strict_umask")
def test_file_names_and_modes(tls_dir: Path) -> None:
    tls_dir.mkdir()
    os.chmod(tls_dir, 0o740)  # looser than it should be: the run must tighten it
    files = ensure_local_tls(tls_dir, now=NOW)
    assert files == TlsFiles(tls_dir / "ca.pem", tls_dir / "server.pem", tls_dir / "server.key")
    modes = {name: mode for name, (_, _, mode) in _snapshot(tls_dir).items()}
    assert modes == {"ca.key": 0o600, "ca.pem": 0o644, "server.key": 0o600, "server.pem": 0o644}
    assert stat.S_IMODE(tls_dir.stat().st_mode) == 0o700


def test_a_missing_directory_is_created_private(tmp_path: Path) -> None:
    directory = tmp_path / "a" / "tls"
    ensure_local_tls(directory, now=NOW)
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700


def test_private_keys_are_unencrypted_pkcs8_p256(files: TlsFiles) -> None:
    for path in (files.server_key, files.server_key.with_name("ca.key")):
        content = path.read_bytes()
        assert content.startswith(b"-----BEGIN PRIVATE KEY-----\n")
        key = serialization.load_pem_private_key(content, password=None)
        assert isinstance(key, ec.EllipticCurvePrivateKey)
        assert isinstance(key.curve, ec.SECP256R1)


def test_the_ca_certificate(files: TlsFiles) -> None:
    ca = _cert(files.ca_cert)
    assert ca.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "Anxin local CA"
    assert ca.issuer == ca.subject
    ca.verify_directly_issued_by(ca)
    assert isinstance(ca.public_key(), ec.EllipticCurvePublicKey)
    constraints = _ext(ca, x509.BasicConstraints)
    assert constraints.critical
    assert (constraints.value.ca, constraints.value.path_length) == (True, 0)
    usage = _ext(ca, x509.KeyUsage)
    assert usage.critical
    assert usage.value.key_cert_sign
    assert usage.value.crl_sign
    assert not usage.value.digital_signature
    assert _ext(ca, x509.SubjectKeyIdentifier).value == x509.SubjectKeyIdentifier.from_public_key(
        ca.public_key()
    )
    assert ca.not_valid_before_utc <= NOW
    assert ca.not_valid_after_utc == NOW + dt.timedelta(days=3650)


def test_the_server_certificate(files: TlsFiles) -> None:
    ca, server = _cert(files.ca_cert), _cert(files.server_cert)
    server.verify_directly_issued_by(ca)
    key = serialization.load_pem_private_key(files.server_key.read_bytes(), password=None)
    assert server.public_key() == key.public_key()
    assert _sans(files.server_cert) == (["localhost"], ["127.0.0.1", "::1"])
    assert _ext(server, x509.ExtendedKeyUsage).value == x509.ExtendedKeyUsage(
        [ExtendedKeyUsageOID.SERVER_AUTH]
    )
    usage = _ext(server, x509.KeyUsage)
    assert usage.critical
    assert usage.value.digital_signature
    assert not usage.value.key_cert_sign
    assert not _ext(server, x509.BasicConstraints).value.ca
    aki = _ext(server, x509.AuthorityKeyIdentifier).value
    assert aki.key_identifier == _ext(ca, x509.SubjectKeyIdentifier).value.digest
    assert server.not_valid_before_utc <= NOW
    assert server.not_valid_after_utc == NOW + dt.timedelta(days=397)


def test_a_second_run_changes_nothing(files: TlsFiles, tls_dir: Path) -> None:
    before = _snapshot(tls_dir)
    assert ensure_local_tls(tls_dir, now=NOW) == files
    assert _snapshot(tls_dir) == before
    ensure_local_tls(tls_dir, now=NOW + dt.timedelta(days=300), hostnames=("LocalHost",))
    assert _snapshot(tls_dir) == before


@pytest.mark.parametrize(
    ("left", "renewed"),
    [(dt.timedelta(days=30), False), (dt.timedelta(days=30, seconds=-1), True)],
    ids=["30-days-left", "just-under-30-days"],
)
def test_renewal_within_30_days_of_expiry_keeps_the_ca(
    files: TlsFiles, tls_dir: Path, left: dt.timedelta, renewed: bool
) -> None:
    before = _snapshot(tls_dir)
    later = _cert(files.server_cert).not_valid_after_utc - left
    ensure_local_tls(tls_dir, now=later)
    after = _snapshot(tls_dir)
    assert after["ca.pem"] == before["ca.pem"]
    assert after["ca.key"] == before["ca.key"]
    assert (after["server.pem"] != before["server.pem"]) is renewed
    assert (after["server.key"] != before["server.key"]) is renewed
    if renewed:
        server = _cert(files.server_cert)
        server.verify_directly_issued_by(_cert(files.ca_cert))
        assert server.not_valid_after_utc == later + dt.timedelta(days=397)
        assert after["server.key"][2] == 0o600


def test_new_names_reissue_and_covered_names_do_not(files: TlsFiles, tls_dir: Path) -> None:
    ca_before = files.ca_cert.read_bytes()
    ensure_local_tls(
        tls_dir, hostnames=("localhost", "anxin.test"), addresses=("127.0.0.1", "10.0.0.5"), now=NOW
    )
    assert _sans(files.server_cert) == (["localhost", "anxin.test"], ["127.0.0.1", "10.0.0.5"])
    assert files.ca_cert.read_bytes() == ca_before
    widened = _snapshot(tls_dir)
    ensure_local_tls(tls_dir, hostnames=("anxin.test",), addresses=("10.0.0.5",), now=NOW)
    assert _snapshot(tls_dir) == widened


def test_a_certificate_from_another_ca_is_reissued(files: TlsFiles, tmp_path: Path) -> None:
    other = ensure_local_tls(tmp_path / "other", now=NOW)
    for name in ("ca.pem", "ca.key"):
        shutil.copy2(other.ca_cert.with_name(name), files.ca_cert.with_name(name))
    old_server = files.server_cert.read_bytes()
    ensure_local_tls(files.ca_cert.parent, now=NOW)
    assert files.server_cert.read_bytes() != old_server
    _cert(files.server_cert).verify_directly_issued_by(_cert(other.ca_cert))


def test_a_lost_ca_is_recreated_and_the_server_reissued(files: TlsFiles) -> None:
    old_ca, old_server = files.ca_cert.read_bytes(), files.server_cert.read_bytes()
    files.ca_cert.with_name("ca.key").unlink()
    ensure_local_tls(files.ca_cert.parent, now=NOW)
    assert files.ca_cert.read_bytes() != old_ca
    assert files.server_cert.read_bytes() != old_server
    _cert(files.server_cert).verify_directly_issued_by(_cert(files.ca_cert))


@pytest.mark.parametrize("damage", ["foreign-key", "garbage-cert", "missing-key"])
def test_a_broken_server_pair_is_repaired(files: TlsFiles, tmp_path: Path, damage: str) -> None:
    if damage == "foreign-key":
        other = ensure_local_tls(tmp_path / "other", now=NOW)
        shutil.copy2(other.server_key, files.server_key)
    elif damage == "garbage-cert":
        files.server_cert.write_bytes(b"not a certificate\n")
    else:
        files.server_key.unlink()
    ensure_local_tls(files.ca_cert.parent, now=NOW)
    server_ssl_context(files.server_cert, files.server_key)
    _cert(files.server_cert).verify_directly_issued_by(_cert(files.ca_cert))


def test_a_ca_key_that_does_not_match_is_refused(files: TlsFiles, tmp_path: Path) -> None:
    other = ensure_local_tls(tmp_path / "other", now=NOW)
    ca_key = files.ca_cert.with_name("ca.key")
    shutil.copy2(other.ca_cert.with_name("ca.key"), ca_key)
    with pytest.raises(TlsConfigError, match="does not belong") as caught:
        ensure_local_tls(files.ca_cert.parent, now=NOW)
    assert str(ca_key) in str(caught.value)
    assert caught.value.code == "tls.config_invalid"


def test_the_server_certificate_never_outlives_the_ca(files: TlsFiles, tls_dir: Path) -> None:
    ca_expiry = _cert(files.ca_cert).not_valid_after_utc
    ensure_local_tls(tls_dir, now=ca_expiry - dt.timedelta(days=60))
    assert _cert(files.server_cert).not_valid_after_utc == ca_expiry
    with pytest.raises(TlsConfigError, match="expires"):
        ensure_local_tls(tls_dir, now=ca_expiry - dt.timedelta(days=10))


def test_naive_now_is_refused(tls_dir: Path) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        ensure_local_tls(tls_dir, now=NOW.replace(tzinfo=None))


@pytest.mark.parametrize(
    ("hostnames", "addresses", "message"),
    [
        (("localhost",), ("not-an-ip",), "not an IP address"),
        (("bücher.example",), (), "ASCII"),
        ((), (), "at least one"),
    ],
)
def test_bad_names_are_refused_before_anything_is_written(
    tls_dir: Path, hostnames: tuple[str, ...], addresses: tuple[str, ...], message: str
) -> None:
    with pytest.raises(TlsConfigError, match=message):
        ensure_local_tls(tls_dir, hostnames=hostnames, addresses=addresses, now=NOW)
    assert not tls_dir.exists()


def test_fingerprint_is_the_sha256_of_the_der_certificate(files: TlsFiles) -> None:
    fingerprint = certificate_fingerprint(files.ca_cert)
    assert re.fullmatch(r"([0-9A-F]{2}:){31}[0-9A-F]{2}", fingerprint)
    der = ssl.PEM_cert_to_DER_cert(files.ca_cert.read_text())
    assert fingerprint.replace(":", "").lower() == hashlib.sha256(der).hexdigest()
    assert certificate_fingerprint(files.server_cert) != fingerprint
