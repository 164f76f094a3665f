"""`anxin serve` over a real socket: HTTPS with TLS 1.3 only, HSTS, no plain HTTP."""

from __future__ import annotations

import http.client
import json
import os
import socket
import sqlite3
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from anxin.crypto.tls import client_ssl_context

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, Path]]:
    home = tmp_path_factory.mktemp("serve") / "var"
    port = _free_port()
    env = {
        **os.environ,
        "ANXIN_HOME": str(home),
        "ANXIN_PORT": str(port),
        "ANXIN_ARGON2_MEMORY_KIB": "64",
        "ANXIN_ARGON2_TIME_COST": "1",
    }
    subprocess.run(
        [sys.executable, "-m", "anxin", "init", "--demo", "--customers", "20"],
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "anxin", "serve"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.2)
    else:
        process.kill()
        pytest.fail("anxin serve did not start listening")
    yield port, home
    process.terminate()
    process.wait(timeout=10)


def _https(
    port: int,
    ca: Path,
    method: str,
    path: str,
    body: dict | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPSConnection(
        "localhost", port, context=client_ssl_context(ca), timeout=10
    )
    payload = json.dumps(body).encode() if body is not None else None
    conn.request(
        method, path, body=payload, headers={"Content-Type": "application/json", **(headers or {})}
    )
    response = conn.getresponse()
    result = response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    assert conn.sock is None or conn.sock.version() == "TLSv1.3"
    conn.close()
    return result


def test_https_round_trip_with_the_local_ca(server) -> None:
    port, home = server
    credentials = json.loads((home / "demo-credentials.json").read_text())
    ca = Path(credentials["ca_cert"])
    status, headers, _ = _https(port, ca, "GET", "/api/v1/health")
    assert status == 200
    assert headers["strict-transport-security"].startswith("max-age=31536000")
    agent = credentials["users"]["agent"]
    status, _, body = _https(port, ca, "POST", "/api/v1/auth/login", {"tenant": "demo", **agent})
    assert status == 200
    token = json.loads(body)["token"]
    status, _, body = _https(
        port, ca, "GET", "/api/v1/conversations", headers={"Authorization": f"Bearer {token}"}
    )
    assert status == 200
    assert len(json.loads(body)) == 3


def test_the_handshake_is_tls_1_3(server) -> None:
    port, home = server
    context = client_ssl_context(home / "tls" / "ca.pem")
    with (
        socket.create_connection(("127.0.0.1", port)) as raw,
        context.wrap_socket(raw, server_hostname="127.0.0.1") as tls,
    ):
        assert tls.version() == "TLSv1.3"


def test_tls_1_2_is_refused(server) -> None:
    port, home = server
    context = ssl.create_default_context(cafile=str(home / "tls" / "ca.pem"))
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.maximum_version = ssl.TLSVersion.TLSv1_2
    with pytest.raises(ssl.SSLError), socket.create_connection(("127.0.0.1", port)) as raw:
        context.wrap_socket(raw, server_hostname="localhost")


def _plain_get(port: int) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    conn.request("GET", "/api/v1/health")
    return conn.getresponse().status


def test_plain_http_gets_no_answer(server) -> None:
    port, _ = server
    with pytest.raises((http.client.HTTPException, ConnectionError, OSError)):
        _plain_get(port)


def test_untrusted_clients_fail_verification(server) -> None:
    port, _ = server
    context = ssl.create_default_context()  # the system store does not know our local CA
    with (
        pytest.raises(ssl.SSLCertVerificationError),
        socket.create_connection(("127.0.0.1", port)) as raw,
    ):
        context.wrap_socket(raw, server_hostname="localhost")


def test_start_up_records_the_configuration_in_effect(server) -> None:
    """The platform log names the masking policy and recognizer files (built-in here)."""
    _, home = server
    with sqlite3.connect(f"file:{home / 'anxin.db'}?mode=ro", uri=True, timeout=5) as conn:
        rows = conn.execute(
            "SELECT object_id, outcome, detail FROM audit_events "
            "WHERE tenant_id IS NULL AND action = 'platform:config:load' ORDER BY seq"
        ).fetchall()
    loaded = {object_id: (outcome, json.loads(detail)) for object_id, outcome, detail in rows}
    builtin = ("success", {"source": "builtin", "path": None, "sha256": None})
    assert loaded == {"masking_policy": builtin, "pii_recognizers": builtin}
