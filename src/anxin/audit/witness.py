"""An external witness of the audit logs: somewhere checkpoints go that the database's owner
cannot rewrite, so a log rewritten or truncated together with its stored checkpoints is still
caught (verification compares the log with what the witness holds).

A witness is a file path or an https:// URL (Settings.audit_witness):

- **file**: each published checkpoint is appended as one line of JSON (JSON Lines),
  ``{"origin": "<origin>", "tree_size": <n>, "note": "<the signed note, exactly>"}``, written
  with O_APPEND and fsync'd. Copy the file off the machine (or point it at a mount the database
  host cannot write back to) for it to be worth anything.
- **https**: publishing POSTs the signed note as ``text/plain; charset=utf-8`` to the URL (any
  2xx is success); reading GETs the URL, which answers in the file format above. TLS 1.3, host
  name checked, trusting the system's CAs or Settings.audit_witness_ca.

Reading also accepts a file (or response) holding one bare signed note, as `anxin audit
checkpoint` prints it. Publishing can fail (a full disk, the endpoint down): the checkpoint is
in the database already, so nothing is lost; the failure is raised as `WitnessError` for the
caller to report, and the next publish sends the newest checkpoint, which covers the rest.
"""

from __future__ import annotations

import json
import os
import ssl
import urllib.error
import urllib.request
from pathlib import Path

from anxin.crypto.tls import TLS_MIN_VERSION, client_ssl_context
from anxin.kernel.errors import AnxinError

FORMAT_NOTE = "application/jsonl"
_TIMEOUT_S = 10.0
_MAX_READ = 64 * 1024 * 1024


class WitnessError(AnxinError):
    code = "audit.witness"
    status = 502
    title = "The audit witness could not be used"


class WitnessFormatError(AnxinError):
    code = "audit.witness_format"
    status = 400
    title = "The checkpoint file is not in the witness format"


def is_url(witness: str) -> bool:
    return witness.startswith("https://")


def _line(origin: str, tree_size: int, note: str) -> bytes:
    record = {"origin": origin, "tree_size": tree_size, "note": note}
    return (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def publish(
    witness: str, *, origin: str, tree_size: int, note: str, ca_file: Path | None = None
) -> None:
    """Send one signed checkpoint to the witness; raises WitnessError on any failure."""
    if witness.startswith("http://"):
        raise WitnessError("the witness URL must use https://")
    if is_url(witness):
        _post(witness, note, ca_file)
        return
    path = Path(witness)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, _line(origin, tree_size, note))
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        raise WitnessError(f"cannot append to witness file {path}: {exc.strerror}") from None


def read_notes(witness: str, *, ca_file: Path | None = None) -> list[str]:
    """Every signed note the witness holds, in the order it holds them."""
    if witness.startswith("http://"):
        raise WitnessError("the witness URL must use https://")
    if is_url(witness):
        return parse_notes(_get(witness, ca_file), source=witness)
    return read_file(Path(witness))


def read_file(path: Path) -> list[str]:
    """The notes of a witness file or a single-note file (`--against`)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise WitnessFormatError(f"cannot read checkpoint file {path}: {exc.strerror}") from None
    return parse_notes(raw, source=str(path))


def parse_notes(raw: bytes, *, source: str) -> list[str]:
    """Split the witness format into notes, refusing anything else with a one-line reason.

    The notes themselves are not checked here: verification opens each one with the log's
    key and reports a malformed or wrongly signed note as a forged checkpoint.
    """
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise WitnessFormatError(f"{source} is not UTF-8 text") from None
    if not text.strip():
        raise WitnessFormatError(f"{source} holds no checkpoints")
    if not text.lstrip().startswith("{"):
        return [text]  # one bare signed note, byte for byte
    notes: list[str] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError:
            raise WitnessFormatError(f"{source} line {number} is not JSON") from None
        note = record.get("note") if isinstance(record, dict) else None
        if not isinstance(note, str):
            raise WitnessFormatError(f'{source} line {number} has no "note" string')
        notes.append(note)
    return notes


def _context(ca_file: Path | None) -> ssl.SSLContext:
    if ca_file is not None:
        return client_ssl_context(ca_file)
    context = ssl.create_default_context()
    context.minimum_version = TLS_MIN_VERSION
    return context


def _post(url: str, note: str, ca_file: Path | None) -> None:
    request = urllib.request.Request(  # noqa: S310 (https:// only, checked by the callers)
        url,
        data=note.encode("utf-8"),
        method="POST",
        headers={"Content-Type": "text/plain; charset=utf-8"},
    )
    _send(request, ca_file)


def _get(url: str, ca_file: Path | None) -> bytes:
    headers = {"Accept": FORMAT_NOTE}
    request = urllib.request.Request(url, method="GET", headers=headers)  # noqa: S310
    return _send(request, ca_file)


def _send(request: urllib.request.Request, ca_file: Path | None) -> bytes:
    # The URL is the operator's setting, checked to be https:// above.
    what = f"{request.get_method()} {request.full_url}"
    try:
        with urllib.request.urlopen(  # noqa: S310
            request, timeout=_TIMEOUT_S, context=_context(ca_file)
        ) as response:
            body: bytes = response.read(_MAX_READ + 1)
    except urllib.error.HTTPError as exc:
        raise WitnessError(f"witness {what} answered HTTP {exc.code}") from None
    except urllib.error.URLError as exc:
        raise WitnessError(f"witness {what} failed: {exc.reason}") from None
    except (OSError, ssl.SSLError) as exc:
        raise WitnessError(f"witness {what} failed: {exc}") from None
    if len(body) > _MAX_READ:
        raise WitnessError(f"witness {what} answered more than {_MAX_READ} bytes")
    return body
