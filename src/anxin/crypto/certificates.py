"""A local certificate authority for `anxin init`: HTTPS from the first run, no plain HTTP.

The CA (EC P-256, 10 years) signs a server certificate for localhost and the loopback
addresses (397 days, the browsers' maximum). Clients trust the CA certificate once; the server
certificate can then be reissued freely. Keys stay in a 0700 directory with mode 0600.

Re-running is idempotent: nothing is written unless the server certificate is missing, expires
within 30 days, lacks a requested name, was not signed by the current CA or does not match its
key. The last check also repairs a crash between writing the new key and the new certificate.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import ipaddress
import os
from collections.abc import Sequence
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from anxin.crypto.tls import TlsConfigError, load_certificate, load_private_key, public_keys_match
from anxin.kernel.files import write_private

CA_VALIDITY = dt.timedelta(days=3650)
SERVER_VALIDITY = dt.timedelta(days=397)
RENEW_BEFORE = dt.timedelta(days=30)
CA_COMMON_NAME = "Anxin local CA"
SERVER_COMMON_NAME = "Anxin server"
# Start validity slightly in the past so a client whose clock lags a little still accepts it.
_BACKDATE = dt.timedelta(minutes=5)


@dataclasses.dataclass(frozen=True, slots=True)
class TlsFiles:
    ca_cert: Path
    server_cert: Path
    server_key: Path


@dataclasses.dataclass(frozen=True, slots=True)
class _Ca:
    cert: x509.Certificate
    key: ec.EllipticCurvePrivateKey


def ensure_local_tls(
    directory: Path,
    *,
    hostnames: Sequence[str] = ("localhost",),
    addresses: Sequence[str] = ("127.0.0.1", "::1"),
    now: dt.datetime,
) -> TlsFiles:
    """Make `directory` hold a CA and a current server certificate for the given names.

    `now` is passed in (timezone-aware) so expiry and renewal are tested without waiting.
    """
    if now.utcoffset() is None:
        raise ValueError("ensure_local_tls needs a timezone-aware `now`")
    sans = _subject_alt_names(hostnames, addresses)
    _private_directory(directory)
    files = TlsFiles(directory / "ca.pem", directory / "server.pem", directory / "server.key")
    ca_key_file = directory / "ca.key"
    if not (files.ca_cert.exists() and ca_key_file.exists()):
        _write_ca(files.ca_cert, ca_key_file, now)
    ca = _load_ca(files.ca_cert, ca_key_file, now)
    if _server_needs_issuing(files, ca.cert, sans, now):
        _write_server(files, ca, sans, now)
    return files


def certificate_fingerprint(path: Path) -> str:
    """SHA-256 fingerprint as colon-separated hex, for people comparing certificates by eye."""
    return ":".join(f"{b:02X}" for b in load_certificate(path).fingerprint(hashes.SHA256()))


def _subject_alt_names(
    hostnames: Sequence[str], addresses: Sequence[str]
) -> list[x509.GeneralName]:
    """Normalised (lower-case, canonical IP form, no duplicates) so coverage checks are exact."""
    names: list[x509.GeneralName] = []
    for hostname in dict.fromkeys(h.strip().lower() for h in hostnames):
        if not hostname or not hostname.isascii():
            raise TlsConfigError(f"{hostname!r} is not an ASCII DNS name (use the IDNA A-label)")
        names.append(x509.DNSName(hostname))
    for address in addresses:
        try:
            ip = ipaddress.ip_address(address.strip())
        except ValueError:
            raise TlsConfigError(f"{address!r} is not an IP address") from None
        names.append(x509.IPAddress(ip))
    if not names:
        raise TlsConfigError("a server certificate needs at least one host name or address")
    return list(dict.fromkeys(names))


def _private_directory(directory: Path) -> None:
    """0700 even if the directory already existed: it holds the CA's private key."""
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(directory, 0o700)
    except OSError as exc:
        raise TlsConfigError(f"cannot create TLS directory {directory}: {exc.strerror}") from None


def _load_ca(cert_file: Path, key_file: Path, now: dt.datetime) -> _Ca:
    """The existing CA, refused loudly if broken: replacing it would silently untrust clients."""
    cert = load_certificate(cert_file)
    key = load_private_key(key_file)
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise TlsConfigError(f"CA key {key_file} is not an EC private key")
    if not public_keys_match(cert.public_key(), key.public_key()):
        raise TlsConfigError(f"CA key {key_file} does not belong to CA certificate {cert_file}")
    if cert.not_valid_after_utc - now < RENEW_BEFORE:
        raise TlsConfigError(
            f"the local CA {cert_file} expires {cert.not_valid_after_utc:%Y-%m-%d}; move ca.pem "
            "and ca.key aside, run `anxin init` again and trust the new CA in clients"
        )
    return _Ca(cert=cert, key=key)


def _server_needs_issuing(
    files: TlsFiles, ca_cert: x509.Certificate, sans: list[x509.GeneralName], now: dt.datetime
) -> bool:
    """True unless the existing pair is valid for 30 more days, complete and from this CA."""
    if not (files.server_cert.exists() and files.server_key.exists()):
        return True
    try:
        cert = load_certificate(files.server_cert)
        key = load_private_key(files.server_key)
        cert.verify_directly_issued_by(ca_cert)
        present = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except (TlsConfigError, ValueError, TypeError, InvalidSignature, x509.ExtensionNotFound):
        return True  # our own file in our own directory: replace it rather than fail
    return (
        now < cert.not_valid_before_utc
        or cert.not_valid_after_utc - now < RENEW_BEFORE
        or not public_keys_match(cert.public_key(), key.public_key())
        or not set(sans) <= set(present)
    )


def _write_ca(cert_file: Path, key_file: Path, now: dt.datetime) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, CA_COMMON_NAME)])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - _BACKDATE)
        .not_valid_after(now + CA_VALIDITY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(cert_sign=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    write_private(key_file, _key_pem(key))
    _write_public(cert_file, cert.public_bytes(serialization.Encoding.PEM))


def _write_server(files: TlsFiles, ca: _Ca, sans: list[x509.GeneralName], now: dt.datetime) -> None:
    """Key first, then certificate: a crash in between leaves a mismatch the next run repairs."""
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, SERVER_COMMON_NAME)]))
        .issuer_name(ca.cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - _BACKDATE)
        # Never outlive the CA: clients would reject the chain once the CA expires.
        .not_valid_after(min(now + SERVER_VALIDITY, ca.cert.not_valid_after_utc))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(cert_sign=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectAlternativeName(sans), critical=False)
        .add_extension(_authority_key_identifier(ca), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(ca.key, hashes.SHA256())
    )
    write_private(files.server_key, _key_pem(key))
    _write_public(files.server_cert, cert.public_bytes(serialization.Encoding.PEM))


def _authority_key_identifier(ca: _Ca) -> x509.AuthorityKeyIdentifier:
    """Copy the CA's own identifier when it has one, so chain building matches byte for byte."""
    try:
        ski = ca.cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    except x509.ExtensionNotFound:
        return x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key())
    return x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski)


def _key_usage(*, cert_sign: bool) -> x509.KeyUsage:
    """A CA signs certificates and CRLs only; an ECDHE server key only signs handshakes."""
    return x509.KeyUsage(
        digital_signature=not cert_sign,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=cert_sign,
        crl_sign=cert_sign,
        encipher_only=False,
        decipher_only=False,
    )


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    """Unencrypted PKCS#8: the server starts unattended, so the file mode is the protection."""
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _write_public(path: Path, content: bytes) -> None:
    """Like write_private but world-readable (0644): clients need to read the CA certificate.

    Same temporary-file, fsync and rename steps, so a reader never sees half a certificate.
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        os.fchmod(fd, 0o644)  # independent of the umask
        os.write(fd, content)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
