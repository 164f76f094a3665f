"""TLS contexts: TLS 1.3 is the minimum everywhere, for the server and for our own clients."""

from __future__ import annotations

import ssl
from pathlib import Path

from anxin.crypto.errors import CryptoError

TLS_MIN_VERSION = ssl.TLSVersion.TLSv1_3


class TlsConfigError(CryptoError):
    code = "tls.config_invalid"
    title = "The TLS certificate or key cannot be used"


def server_ssl_context(cert_file: Path, key_file: Path) -> ssl.SSLContext:
    """A server context that refuses anything older than TLS 1.3.

    Errors name the file and the problem; OpenSSL's message never contains key material.
    """
    for path in (cert_file, key_file):
        if not path.is_file():
            raise TlsConfigError(f"{path} does not exist or is not a file; run `anxin init`")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = TLS_MIN_VERSION
    try:
        context.load_cert_chain(certfile=cert_file, keyfile=key_file)
    except (ssl.SSLError, OSError) as exc:
        reason = getattr(exc, "reason", None) or type(exc).__name__
        raise TlsConfigError(
            f"cannot use certificate {cert_file} with key {key_file}: {reason}"
        ) from None
    return context


def client_ssl_context(ca_file: Path) -> ssl.SSLContext:
    """A client context that trusts only the given CA and checks the host name."""
    context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=str(ca_file))
    context.minimum_version = TLS_MIN_VERSION
    return context
