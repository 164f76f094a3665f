"""The local CA: private keys stay private, re-runs change nothing, renewal happens in time."""

from __future__ import annotations

import datetime as dt
import stat

import pytest
from cryptography import x509

from anxin.crypto.certificates import ensure_local_tls
from anxin.crypto.tls import TlsConfigError, server_ssl_context

NOW = dt.datetime(2026, 11, 24, tzinfo=dt.UTC)


def test_files_modes_and_names(tmp_path) -> None:
    files = ensure_local_tls(tmp_path / "tls", now=NOW)
    assert stat.S_IMODE((tmp_path / "tls").stat().st_mode) == 0o700
    assert stat.S_IMODE(files.server_key.stat().st_mode) == 0o600
    cert = x509.load_pem_x509_certificate(files.server_cert.read_bytes())
    sans = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert sans.get_values_for_type(x509.DNSName) == ["localhost"]
    assert [str(a) for a in sans.get_values_for_type(x509.IPAddress)] == ["127.0.0.1", "::1"]
    server_ssl_context(files.server_cert, files.server_key)


def test_second_run_changes_nothing_and_renewal_keeps_the_ca(tmp_path) -> None:
    files = ensure_local_tls(tmp_path, now=NOW)
    before = {p: p.read_bytes() for p in tmp_path.iterdir()}
    ensure_local_tls(tmp_path, now=NOW + dt.timedelta(days=300))
    assert {p: p.read_bytes() for p in tmp_path.iterdir()} == before
    ensure_local_tls(tmp_path, now=NOW + dt.timedelta(days=380))
    assert files.ca_cert.read_bytes() == before[files.ca_cert]
    assert files.server_cert.read_bytes() != before[files.server_cert]


def test_mismatched_key_is_a_clear_error(tmp_path) -> None:
    one = ensure_local_tls(tmp_path / "one", now=NOW)
    two = ensure_local_tls(tmp_path / "two", now=NOW)
    with pytest.raises(TlsConfigError) as caught:
        server_ssl_context(one.server_cert, two.server_key)
    message = str(caught.value)
    assert str(one.server_cert) in message
    assert "PRIVATE KEY" not in message
    with pytest.raises(TlsConfigError, match="does not exist"):
        server_ssl_context(tmp_path / "missing.pem", two.server_key)
