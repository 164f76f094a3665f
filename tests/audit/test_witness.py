"""The external witness: a file and a real HTTPS endpoint (TLS with a certificate made here),
checkpoint runs that publish and survive a witness that fails, and the scheduled job."""

from __future__ import annotations

import datetime as dt
import http.server
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from tests.audit.log_helpers import append_reads

from anxin.audit import checkpoints, schedule, witness
from anxin.audit.actions import AuditAction
from anxin.audit.checkpoint import open_checkpoint
from anxin.audit.models import AuditEvent
from anxin.audit.verification import verify_log
from anxin.crypto.certificates import ensure_local_tls
from anxin.crypto.tls import server_ssl_context
from anxin.identity.jobs import CheckpointConfig, Job, checkpoint_periodically, run_jobs
from anxin.kernel.principal import system_principal

PREFIX = "anxin.example/audit"
NOTE = "example.com/log\n1\n" + "A" * 43 + "=\n\n\u2014 example.com/log AAAAAAAA\n"


def test_a_witness_file_holds_many_notes_one_json_line_each(tmp_path: Path) -> None:
    path = tmp_path / "w" / "witness.jsonl"
    notes = [NOTE, NOTE.replace("\n1\n", "\n2\n")]
    for size, note in enumerate(notes, 1):
        witness.publish(str(path), origin="example.com/log", tree_size=size, note=note)
    lines = path.read_text().splitlines()
    assert [json.loads(line) for line in lines] == [
        {"origin": "example.com/log", "tree_size": 1, "note": notes[0]},
        {"origin": "example.com/log", "tree_size": 2, "note": notes[1]},
    ]
    assert witness.read_notes(str(path)) == notes
    single = tmp_path / "one.note"
    single.write_text(NOTE)
    assert witness.read_file(single) == [NOTE]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "holds no checkpoints"),
        (b"  \n", "holds no checkpoints"),
        (b'{"note": "x"}\n{not json\n', "line 2 is not JSON"),
        (b'{"origin": "x"}\n', 'line 1 has no "note" string'),
        (b'{"note": 5}\n', 'line 1 has no "note" string'),
        (b"[1]\n" + b'{"note": "x"}', "is not JSON"),
        (b"\xff\xfe", "is not UTF-8"),
    ],
)
def test_files_not_in_the_format_are_refused_with_a_reason(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "bad"
    path.write_bytes(content)
    if content.startswith(b"[1]"):
        # Not starting with "{": taken as one bare note (verification judges its content).
        assert witness.read_file(path) == [content.decode()]
        return
    with pytest.raises(witness.WitnessFormatError, match=message):
        witness.read_file(path)


def test_a_missing_file_and_an_unwritable_witness_are_errors(tmp_path: Path) -> None:
    with pytest.raises(witness.WitnessFormatError, match="cannot read"):
        witness.read_file(tmp_path / "absent")
    (tmp_path / "dir").mkdir()
    with pytest.raises(witness.WitnessError, match="cannot append"):
        witness.publish(str(tmp_path / "dir"), origin="o", tree_size=1, note=NOTE)
    with pytest.raises(witness.WitnessError, match="https"):
        witness.publish("http://127.0.0.1:1/w", origin="o", tree_size=1, note=NOTE)


class _Witness(http.server.BaseHTTPRequestHandler):
    """A tiny HTTPS witness: POST appends a note, GET returns them all as JSON Lines."""

    notes: list[str]
    fail: bool

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        if self.server.fail or self.headers["Content-Type"] != "text/plain; charset=utf-8":  # type: ignore[attr-defined]
            self.send_response(503)
            self.end_headers()
            return
        self.server.notes.append(body)  # type: ignore[attr-defined]
        self.send_response(204)
        self.end_headers()

    def do_GET(self) -> None:
        lines = "".join(
            json.dumps({"origin": n.split("\n")[0], "tree_size": 0, "note": n}) + "\n"
            for n in self.server.notes  # type: ignore[attr-defined]
        )
        body = lines.encode()
        self.send_response(200)
        self.send_header("Content-Type", witness.FORMAT_NOTE)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def https_witness(tmp_path: Path) -> Iterator[tuple[str, Path, http.server.HTTPServer]]:
    files = ensure_local_tls(tmp_path / "tls", now=dt.datetime.now(dt.UTC))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Witness)
    server.notes = []  # type: ignore[attr-defined]
    server.fail = False  # type: ignore[attr-defined]
    context = server_ssl_context(files.server_cert, files.server_key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"https://localhost:{server.server_address[1]}/witness", files.ca_cert, server
    server.shutdown()
    server.server_close()


def test_an_https_witness_receives_and_returns_the_notes(https_witness) -> None:
    url, ca, server = https_witness
    witness.publish(url, origin="example.com/log", tree_size=1, note=NOTE, ca_file=ca)
    assert server.notes == [NOTE]
    assert witness.read_notes(url, ca_file=ca) == [NOTE]
    server.fail = True
    with pytest.raises(witness.WitnessError, match="HTTP 503"):
        witness.publish(url, origin="example.com/log", tree_size=1, note=NOTE, ca_file=ca)


def test_an_https_witness_with_an_untrusted_certificate_is_refused(https_witness) -> None:
    url, _, server = https_witness
    # Without the test CA only the system's CAs are trusted, and none signed this server.
    with pytest.raises(witness.WitnessError, match=r"CERTIFICATE_VERIFY_FAILED|certificate"):
        witness.publish(url, origin="example.com/log", tree_size=1, note=NOTE)
    assert server.notes == []


def _actions(world, tenant_id: str) -> list[tuple[str, str]]:
    with world.runtime.db.unit_of_work(tenant_id=tenant_id) as session:
        query = (
            select(AuditEvent.action, AuditEvent.outcome)
            .where(AuditEvent.tenant_id == tenant_id)
            .order_by(AuditEvent.seq)
        )
        return [(a, o) for a, o in session.execute(query)]


def test_a_checkpoint_run_publishes_and_a_failed_publish_loses_nothing(world, tmp_path) -> None:
    rt = world.runtime
    principal = system_principal(world.acme.id, name="test")
    append_reads(world, world.acme.id, 4)
    target = tmp_path / "witness.jsonl"
    run = schedule.checkpoint_log(
        rt.db,
        principal=principal,
        key=rt.audit_signing_key(),
        origin_prefix=PREFIX,
        now=rt.clock.now(),
        witness=schedule.WitnessSettings(str(target)),
    )
    assert run.new
    assert run.published
    assert run.checkpoint is not None
    assert witness.read_file(target) == [run.checkpoint.note]
    assert _actions(world, world.acme.id)[-2:] == [
        (AuditAction.AUDIT_CHECKPOINT.value, "success"),
        (AuditAction.AUDIT_WITNESS_PUBLISH.value, "success"),
    ]
    append_reads(world, world.acme.id, 1)
    failing = schedule.checkpoint_log(
        rt.db,
        principal=principal,
        key=rt.audit_signing_key(),
        origin_prefix=PREFIX,
        now=rt.clock.now(),
        witness=schedule.WitnessSettings(str(tmp_path)),  # a directory: cannot append
    )
    assert failing.new
    assert failing.published is False
    assert "cannot append" in str(failing.witness_error)
    assert failing.checkpoint is not None
    with rt.db.unit_of_work(tenant_id=world.acme.id) as session:
        stored = checkpoints.latest(session.connection(), world.acme.id)
    assert stored is not None
    assert stored.note == failing.checkpoint.note
    assert _actions(world, world.acme.id)[-1] == (
        AuditAction.AUDIT_WITNESS_PUBLISH.value,
        "failed",
    )


def test_the_checkpoints_job_signs_logs_with_new_events_only(world, tmp_path) -> None:
    rt = world.runtime
    target = tmp_path / "witness.jsonl"
    config = CheckpointConfig(rt.audit_signing_key, PREFIX, schedule.WitnessSettings(str(target)))

    def run() -> dict[str, int]:
        results = run_jobs(
            rt.db,
            clock=rt.clock,
            jobs=frozenset({Job.CHECKPOINTS}),
            dormant_days=90,
            checkpoint=config,
        )
        assert all(r.witness_error is None for r in results)
        return {r.tenant: r.count for r in results}

    assert run() == {"acme": 1, "globex": 1, "platform": 1}
    # Only the job's own records since: nothing to sign.
    assert run() == {"acme": 0, "globex": 0, "platform": 0}
    append_reads(world, world.acme.id, 2)
    assert run() == {"acme": 1, "globex": 0, "platform": 0}
    notes = witness.read_file(target)
    assert len(notes) == 4
    key = rt.audit_signing_key()
    for tenant_id in (world.acme.id, world.globex.id, None):
        origin = checkpoints.origin(PREFIX, tenant_id)
        mine = [n for n in notes if n.startswith(origin + "\n")]
        assert mine
        for note in mine:
            open_checkpoint(note, [key.verifier(origin)], origin=origin)
        with rt.db.unit_of_work(tenant_id=tenant_id) as session:
            report = verify_log(
                session.connection(),
                tenant_id,
                verifier=key.verifier(origin),
                origin=origin,
                external=notes,
            )
        assert report.ok, report.as_json()
        assert report.external_checked == len(mine)


def test_the_server_thread_signs_checkpoints_on_its_own(world) -> None:
    rt = world.runtime
    config = CheckpointConfig(rt.audit_signing_key, PREFIX)
    ticker = checkpoint_periodically(rt.db, clock=rt.clock, config=config, every_s=0.01)
    latest = None
    try:
        for _ in range(6000):  # polls until the first round lands; no assertion on time
            with rt.db.unit_of_work(tenant_id=world.acme.id) as session:
                latest = checkpoints.latest(session.connection(), world.acme.id)
            if latest is not None:
                break
            time.sleep(0.01)
    finally:
        ticker.stop()
    assert latest is not None
    assert latest.note.startswith(checkpoints.origin(PREFIX, world.acme.id) + "\n")
