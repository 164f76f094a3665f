"""TLS contexts: TLS 1.3 is the minimum everywhere, for the server and for our own clients.

Certificate and key files are checked with `cryptography` before OpenSSL sees them, so a bad
pair fails with a message naming the file and the problem instead of OpenSSL's "PEM lib", and an
encrypted key fails at once instead of OpenSSL prompting for a passphrase on the terminal.
Messages never quote file contents: a key file's bytes are a secret.
"""

from __future__ import annotations

import ssl
from pathlib import Path
from typing import NoReturn

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes, PublicKeyTypes

from anxin.crypto.errors import CryptoError

# uvicorn builds its own context from file names; the launcher raises its floor to this one.
TLS_MIN_VERSION = ssl.TLSVersion.TLSv1_3


class TlsConfigError(CryptoError):
    code = "tls.config_invalid"
    title = "The TLS certificate, key or CA file cannot be used"


def server_ssl_context(cert_file: Path, key_file: Path) -> ssl.SSLContext:
    """A server context that refuses anything older than TLS 1.3.

    Called before the server starts so an unusable pair stops `anxin serve` with a clear error
    rather than failing every handshake later.
    """
    certificate = load_certificate(cert_file)
    key = load_private_key(key_file)
    if not public_keys_match(certificate.public_key(), key.public_key()):
        raise TlsConfigError(f"private key {key_file} does not belong to certificate {cert_file}")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = TLS_MIN_VERSION
    try:
        context.load_cert_chain(certfile=cert_file, keyfile=key_file, password=_refuse_password)
    except ssl.SSLError as exc:
        raise TlsConfigError(
            f"OpenSSL cannot load certificate {cert_file} with key {key_file}: {_reason(exc)}"
        ) from None
    except OSError as exc:
        raise TlsConfigError(
            f"cannot read certificate {cert_file} or key {key_file}: {_os_reason(exc)}"
        ) from None
    return context


def client_ssl_context(ca_file: Path) -> ssl.SSLContext:
    """A client context that trusts only `ca_file`, checks the host name and needs TLS 1.3.

    The system trust store is deliberately not loaded: our clients talk to a server whose
    certificate comes from the local CA, and nothing else should be able to impersonate it.
    """
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # hostname check + CERT_REQUIRED
    context.minimum_version = TLS_MIN_VERSION
    # Python 3.13+ clients verify strictly by default; hold our certificates to the same rules.
    context.verify_flags |= ssl.VERIFY_X509_STRICT
    try:
        context.load_verify_locations(cafile=ca_file)
    except ssl.SSLError:
        raise TlsConfigError(f"CA file {ca_file} holds no usable PEM certificate") from None
    except OSError as exc:
        raise TlsConfigError(f"cannot read CA file {ca_file}: {_os_reason(exc)}") from None
    return context


def load_certificate(path: Path) -> x509.Certificate:
    """The first (leaf) certificate of a PEM file, or a TlsConfigError naming the file."""
    content = _read(path, "certificate")
    try:
        return x509.load_pem_x509_certificate(content)
    except ValueError:
        raise TlsConfigError(f"certificate file {path} holds no valid PEM certificate") from None


def load_private_key(path: Path) -> PrivateKeyTypes:
    """An unencrypted PEM private key, or a TlsConfigError that names the file but never quotes it.

    The exception chain is cut (`from None`) because parser messages may echo input.
    """
    content = _read(path, "private key")
    try:
        return serialization.load_pem_private_key(content, password=None)
    except TypeError:
        raise TlsConfigError(
            f"private key file {path} is encrypted; the server needs an unencrypted key"
        ) from None
    except (ValueError, UnsupportedAlgorithm):
        raise TlsConfigError(f"private key file {path} holds no valid PEM private key") from None


def public_keys_match(first: PublicKeyTypes, second: PublicKeyTypes) -> bool:
    """Compare encoded public keys: works for every key type, and equal encodings mean equal."""
    return _spki(first) == _spki(second)


def _spki(key: PublicKeyTypes) -> bytes:
    return key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def _read(path: Path, what: str) -> bytes:
    if not path.is_file():
        raise TlsConfigError(f"{what} file {path} does not exist or is not a regular file")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise TlsConfigError(f"cannot read {what} file {path}: {_os_reason(exc)}") from None


def _refuse_password() -> NoReturn:
    """Stop OpenSSL from prompting on the terminal if an encrypted key slipped past the check."""
    raise TlsConfigError("the private key is encrypted; the server needs an unencrypted key")


def _reason(exc: ssl.SSLError) -> str:
    return str(exc.reason or exc.strerror or type(exc).__name__).replace("_", " ").lower()


def _os_reason(exc: OSError) -> str:
    return str(exc.strerror or type(exc).__name__).lower()
