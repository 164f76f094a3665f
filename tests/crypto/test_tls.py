"""TLS contexts over real loopback sockets: TLS 1.3 only, our CA only, names verified.

A one-connection server runs in a thread with `server_ssl_context`; clients connect with
`client_ssl_context` (or deliberately weaker contexts) and both sides report what happened.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import socket
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from anxin.crypto.certificates import TlsFiles, ensure_local_tls
from anxin.crypto.tls import (
    TLS_MIN_VERSION,
    TlsConfigError,
    client_ssl_context,
    server_ssl_context,
)

GREETING = b"anxin says hello\n"
TIMEOUT = 10.0


@dataclasses.dataclass
class ServerSide:
    """What the server thread saw: the negotiated version, or the error that ended it."""

    version: str | None = None
    error: Exception | None = None


@contextlib.contextmanager
def serving_once(context: ssl.SSLContext) -> Iterator[tuple[int, ServerSide]]:
    """Accept one connection on 127.0.0.1 (free port), handshake, send GREETING, close."""
    seen = ServerSide()
    with socket.create_server(("127.0.0.1", 0)) as listener:
        listener.settimeout(TIMEOUT)

        def serve() -> None:
            try:
                conn, _ = listener.accept()
                conn.settimeout(TIMEOUT)
                with context.wrap_socket(conn, server_side=True) as tls:
                    seen.version = tls.version()
                    tls.sendall(GREETING)
            except (ssl.SSLError, OSError) as exc:
                seen.error = exc

        thread = threading.Thread(target=serve, daemon=True)
        thread.start()
        try:
            yield int(listener.getsockname()[1]), seen
        finally:
            thread.join(TIMEOUT)
    assert not thread.is_alive(), "the server thread did not finish"


def connect(port: int, context: ssl.SSLContext, hostname: str) -> tuple[str | None, bytes]:
    with (
        socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as raw,
        context.wrap_socket(raw, server_hostname=hostname) as tls,
    ):
        return tls.version(), tls.recv(len(GREETING))


@pytest.fixture
def files(tmp_path: Path) -> TlsFiles:
    # Real sockets check validity against the wall clock, so issue for the real time.
    return ensure_local_tls(tmp_path / "tls", now=dt.datetime.now(dt.UTC))


@pytest.fixture
def server(files: TlsFiles) -> ssl.SSLContext:
    return server_ssl_context(files.server_cert, files.server_key)


@pytest.mark.parametrize("hostname", ["localhost", "127.0.0.1", "::1"])
def test_handshake_is_tls_1_3_and_the_name_verifies(
    files: TlsFiles, server: ssl.SSLContext, hostname: str
) -> None:
    with serving_once(server) as (port, seen):
        version, greeting = connect(port, client_ssl_context(files.ca_cert), hostname)
    assert (version, greeting) == ("TLSv1.3", GREETING)
    assert (seen.version, seen.error) == ("TLSv1.3", None)


def test_a_name_the_certificate_does_not_list_fails_verification(
    files: TlsFiles, server: ssl.SSLContext
) -> None:
    with (
        serving_once(server) as (port, _),
        pytest.raises(ssl.SSLCertVerificationError, match="mismatch"),
    ):
        connect(port, client_ssl_context(files.ca_cert), "anxin.example")


def test_a_tls_1_2_client_is_refused(files: TlsFiles, server: ssl.SSLContext) -> None:
    old_client = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    old_client.load_verify_locations(cafile=files.ca_cert)
    old_client.maximum_version = ssl.TLSVersion.TLSv1_2
    with serving_once(server) as (port, seen), pytest.raises(ssl.SSLError) as caught:
        connect(port, old_client, "localhost")
    assert not isinstance(caught.value, ssl.SSLCertVerificationError)
    assert seen.version is None
    assert isinstance(seen.error, ssl.SSLError)


def test_our_client_refuses_a_tls_1_2_server(files: TlsFiles) -> None:
    old_server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    old_server.maximum_version = ssl.TLSVersion.TLSv1_2
    old_server.load_cert_chain(files.server_cert, files.server_key)
    with serving_once(old_server) as (port, seen), pytest.raises(ssl.SSLError):
        connect(port, client_ssl_context(files.ca_cert), "localhost")
    assert seen.version is None


def test_a_client_without_our_ca_fails_verification(server: ssl.SSLContext) -> None:
    system_trust = ssl.create_default_context()  # the system store does not know the local CA
    with (
        serving_once(server) as (port, seen),
        pytest.raises(ssl.SSLCertVerificationError, match="unable to get local issuer"),
    ):
        connect(port, system_trust, "localhost")
    assert seen.version is None


def test_the_client_trusts_only_the_given_ca(server: ssl.SSLContext, tmp_path: Path) -> None:
    other = ensure_local_tls(tmp_path / "other", now=dt.datetime.now(dt.UTC))
    client = client_ssl_context(other.ca_cert)
    assert len(client.get_ca_certs()) == 1
    with serving_once(server) as (port, _), pytest.raises(ssl.SSLCertVerificationError):
        connect(port, client, "localhost")


def test_context_settings(files: TlsFiles, server: ssl.SSLContext) -> None:
    assert ssl.TLSVersion.TLSv1_3 == TLS_MIN_VERSION
    assert server.minimum_version == ssl.TLSVersion.TLSv1_3
    client = client_ssl_context(files.ca_cert)
    assert client.minimum_version == ssl.TLSVersion.TLSv1_3
    assert client.check_hostname
    assert client.verify_mode == ssl.CERT_REQUIRED
    [ca] = client.get_ca_certs()
    assert ca["subject"] == ((("commonName", "Anxin local CA"),),)


def _assert_no_key_material(error: TlsConfigError, *key_files: Path) -> None:
    """Neither the message nor a chained exception may carry the key file's contents."""
    message = str(error)
    assert "PRIVATE KEY" not in message
    assert error.__cause__ is None
    assert error.__context__ is None or error.__suppress_context__
    for key_file in key_files:
        for line in key_file.read_text().splitlines():
            if not line.startswith("-----"):
                assert line not in message


def test_a_mismatched_pair_names_the_files_and_no_key(files: TlsFiles, tmp_path: Path) -> None:
    other = ensure_local_tls(tmp_path / "other", now=dt.datetime.now(dt.UTC))
    with pytest.raises(TlsConfigError) as caught:
        server_ssl_context(files.server_cert, other.server_key)
    assert str(files.server_cert) in str(caught.value)
    assert str(other.server_key) in str(caught.value)
    assert "does not belong" in str(caught.value)
    assert caught.value.code == "tls.config_invalid"
    _assert_no_key_material(caught.value, files.server_key, other.server_key)


def test_missing_files_are_named(files: TlsFiles, tmp_path: Path) -> None:
    missing = tmp_path / "missing.pem"
    with pytest.raises(TlsConfigError, match="does not exist") as caught:
        server_ssl_context(missing, files.server_key)
    assert str(missing) in str(caught.value)
    with pytest.raises(TlsConfigError, match="does not exist") as caught:
        server_ssl_context(files.server_cert, missing)
    assert str(missing) in str(caught.value)
    with pytest.raises(TlsConfigError, match="not a regular file"):
        server_ssl_context(files.server_cert, tmp_path)


def test_garbage_files_are_named(files: TlsFiles, tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.pem"
    garbage.write_text("-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n")
    with pytest.raises(TlsConfigError, match="no valid PEM private key") as caught:
        server_ssl_context(files.server_cert, garbage)
    assert str(garbage) in str(caught.value)
    _assert_no_key_material(caught.value, garbage)
    with pytest.raises(TlsConfigError, match="no valid PEM certificate"):
        server_ssl_context(garbage, files.server_key)


def test_an_encrypted_key_fails_instead_of_prompting(files: TlsFiles, tmp_path: Path) -> None:
    key = serialization.load_pem_private_key(files.server_key.read_bytes(), password=None)
    encrypted = tmp_path / "encrypted.key"
    encrypted.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(b"passphrase"),
        )
    )
    with pytest.raises(TlsConfigError, match="encrypted") as caught:
        server_ssl_context(files.server_cert, encrypted)
    assert str(encrypted) in str(caught.value)
    _assert_no_key_material(caught.value, encrypted)


def test_an_unusable_ca_file_is_named(files: TlsFiles, tmp_path: Path) -> None:
    missing = tmp_path / "no-ca.pem"
    with pytest.raises(TlsConfigError, match="cannot read CA file") as caught:
        client_ssl_context(missing)
    assert str(missing) in str(caught.value)
    with pytest.raises(TlsConfigError, match="no usable PEM certificate"):
        client_ssl_context(files.server_key)
