"""Verification catches what a database superuser does to the log by hand, on SQLite and
PostgreSQL: each kind of damage, with the first bad sequence number; and a log left alone
verifies. Tampering goes around the append-only triggers as the docs say an owner could."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Connection, create_engine, text
from tests.audit.log_helpers import make_checkpoint

from anxin.audit import checkpoints, signing_key, witness
from anxin.audit import service as audit_service
from anxin.audit.actions import AuditAction, Outcome
from anxin.audit.checkpoint import Checkpoint, sign_checkpoint
from anxin.audit.entry import entry_leaf_hash
from anxin.audit.verification import LogReport, verify_and_record, verify_log

PREFIX = "anxin.example/audit"
TRIGGERS = (
    "audit_events_no_update",
    "audit_events_no_delete",
    "audit_checkpoints_no_update",
    "audit_checkpoints_no_delete",
    "audit_nodes_no_update",
    "audit_nodes_no_delete",
)


def _events(world, count: int) -> None:
    principal = world.acme.users["agent"]
    now = world.runtime.clock.now()
    drafts = [
        audit_service.Event(
            principal=principal,
            action=AuditAction.CUSTOMER_READ,
            object_type="customer",
            object_id=f"c{i}",
            customer_id=f"c{i}" if i % 2 else None,
            now=now + dt.timedelta(microseconds=i * 1001),
            fields=["phone", "name", "phone"],
            detail={"z": i, "a": ["读取", None, 1.5], "n": {"y": True, "b": "é"}}
            if i % 3
            else None,
            outcome=Outcome.DENIED if i % 5 == 0 else Outcome.SUCCESS,
        )
        for i in range(count)
    ]
    with world.runtime.db.unit_of_work(tenant_id=world.acme.id) as session:
        audit_service.append_many(session, drafts)


def _size(world) -> int:
    with world.runtime.db.unit_of_work(tenant_id=world.acme.id) as session:
        return audit_service.last_seq(session.connection(), world.acme.id) + 1


def _checkpoint(world) -> checkpoints.StoredCheckpoint:
    return make_checkpoint(world, world.acme.id)[0]


def _origin(world) -> str:
    return checkpoints.origin(PREFIX, world.acme.id)


def _verify(world, external: list[str] | None = None) -> LogReport:
    origin = _origin(world)
    with world.runtime.db.unit_of_work(tenant_id=world.acme.id) as session:
        return verify_log(
            session.connection(),
            world.acme.id,
            verifier=world.runtime.audit_signing_key().verifier(origin),
            origin=origin,
            external=external or [],
        )


def _tamper(world, *statements: str | Callable[[Connection], object], **params: Any) -> None:
    """Run statements as the database owner with the append-only triggers out of the way."""
    settings = world.runtime.settings
    engine = create_engine(settings.effective_database_url)
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SET LOCAL session_replication_role = replica"))
        else:
            for trigger in TRIGGERS:
                conn.execute(text(f"DROP TRIGGER IF EXISTS {trigger}"))
        for statement in statements:
            if callable(statement):
                statement(conn)
            else:
                conn.execute(text(statement), {"t": world.acme.id, **params})
    engine.dispose()


def _row(world, seq: int) -> dict[str, Any]:
    engine = create_engine(world.runtime.settings.effective_database_url)
    table = audit_service.AUDIT_TABLE
    with engine.connect() as conn:
        row = conn.execute(
            table.select().where(table.c.tenant_id == world.acme.id, table.c.seq == seq)
        ).one()
    engine.dispose()
    return dict(row._mapping)


def _insert(row: dict[str, Any]) -> Callable[[Connection], object]:
    return lambda conn: conn.execute(audit_service.AUDIT_TABLE.insert(), row)


def _assert_damage(report: LogReport, damage: str, first_bad_seq: int | None) -> None:
    as_json = report.as_json()
    assert not report.ok, as_json
    assert (as_json["damage"], as_json["first_bad_seq"]) == (damage, first_bad_seq), as_json


@pytest.fixture
def log(world):
    """Acme's log: the setup's events, 30 more, a checkpoint, 30 more and a second one."""
    _events(world, 30)
    first = _checkpoint(world)
    _events(world, 30)
    second = _checkpoint(world)
    return world, first, second


def test_an_untouched_log_verifies_and_the_run_is_recorded_after(log) -> None:
    world, first, second = log
    _events(world, 3)  # beyond the newest checkpoint: fine
    report = _verify(world, external=[first.note, second.note])
    assert report.ok, report.as_json()
    assert report.tree_size == second.tree_size + 3
    assert (report.checkpoints_checked, report.external_checked) == (2, 2)
    origin = _origin(world)
    recorded = verify_and_record(
        world.runtime.db,
        principal=world.acme.users["auditor"],
        verifier=world.runtime.audit_signing_key().verifier(origin),
        origin=origin,
        now=world.runtime.clock.now(),
    )
    assert recorded.ok
    assert recorded.tree_size == report.tree_size
    last = _row(world, report.tree_size)  # the run's own record, after what it verified
    assert last["action"] == AuditAction.AUDIT_VERIFY.value
    assert last["outcome"] == "success"
    assert _verify(world).ok


def test_an_edited_row_is_named(log) -> None:
    world, first, _ = log
    seq = first.tree_size + 4
    _tamper(
        world,
        "UPDATE audit_events SET object_id = 'someone-else' WHERE tenant_id = :t AND seq = :s",
        s=seq,
    )
    _assert_damage(_verify(world), "edited", seq)


def test_a_consistent_rewrite_is_caught_by_the_signed_root(log) -> None:
    world, first, second = log
    seq = first.tree_size + 7
    row = _row(world, seq)
    row["detail"] = {"rewritten": True}
    _tamper(
        world,
        "UPDATE audit_events SET detail = :d, leaf_hash = :h WHERE tenant_id = :t AND seq = :s",
        s=seq,
        d='{"rewritten": true}',
        h=entry_leaf_hash(row),
    )
    report = _verify(world)
    # The rows agree with their hashes; only the second checkpoint's root disagrees, and the
    # first still matches: the damage starts after it.
    _assert_damage(report, "edited", first.tree_size)
    assert f"size {second.tree_size}" in str(report.as_json()["detail"])


def test_a_deleted_row_is_a_gap(log) -> None:
    world, first, _ = log
    seq = first.tree_size - 3
    _tamper(world, "DELETE FROM audit_events WHERE tenant_id = :t AND seq = :s", s=seq)
    _assert_damage(_verify(world), "deleted", seq)


def test_a_deleted_row_hidden_by_renumbering_is_still_deleted(log) -> None:
    world, _, second = log
    seq = 5
    _tamper(
        world,
        "DELETE FROM audit_events WHERE tenant_id = :t AND seq = :s",
        "UPDATE audit_events SET seq = seq + 1000000 WHERE tenant_id = :t AND seq > :s",
        "UPDATE audit_events SET seq = seq - 1000001 WHERE tenant_id = :t AND seq > 1000000",
        s=seq,
    )
    report = _verify(world)
    _assert_damage(report, "deleted", seq)
    assert report.tree_size == second.tree_size - 1


def test_two_swapped_rows_are_reordered(log) -> None:
    world, first, _ = log
    seq = first.tree_size + 10
    _tamper(
        world,
        "UPDATE audit_events SET seq = -1 WHERE tenant_id = :t AND seq = :s",
        "UPDATE audit_events SET seq = :s WHERE tenant_id = :t AND seq = :s + 1",
        "UPDATE audit_events SET seq = :s + 1 WHERE tenant_id = :t AND seq = -1",
        s=seq,
    )
    _assert_damage(_verify(world), "reordered", seq)


def test_a_row_squeezed_in_with_renumbering_is_inserted(log) -> None:
    world, first, _ = log
    seq = first.tree_size + 2
    forged = _row(world, seq)
    del forged["id"]
    forged["object_id"] = "planted"
    forged["fields"], forged["detail"] = ["name", "phone"], {}
    forged["leaf_hash"] = entry_leaf_hash(forged)  # a careful forger hashes the new row
    _tamper(
        world,
        "UPDATE audit_events SET seq = seq + 1000000 WHERE tenant_id = :t AND seq >= :s",
        "UPDATE audit_events SET seq = seq - 999999 WHERE tenant_id = :t AND seq >= 1000000",
        _insert(forged),
        s=seq,
    )
    _assert_damage(_verify(world), "inserted", seq)


def test_a_duplicated_sequence_number_is_inserted(log, backend) -> None:
    world, first, _ = log
    seq = first.tree_size + 1
    copy = _row(world, seq)
    del copy["id"]
    copy["object_id"] = "twin"
    _tamper(world, "DROP INDEX ux_audit_events_log_seq", _insert(copy))
    try:
        _assert_damage(_verify(world), "inserted", seq)
    finally:
        # PostgreSQL's database is shared by this worker's later tests: put the index back.
        unique = "CREATE UNIQUE INDEX ux_audit_events_log_seq ON audit_events (tenant_id, seq)"
        _tamper(
            world,
            "DELETE FROM audit_events WHERE tenant_id = :t AND object_id = 'twin'",
            unique + (" NULLS NOT DISTINCT" if backend == "postgres" else ""),
        )


def test_rows_cut_from_the_end_are_truncated(log) -> None:
    world, _, second = log
    keep = second.tree_size - 6
    _tamper(world, "DELETE FROM audit_events WHERE tenant_id = :t AND seq >= :s", s=keep)
    _assert_damage(_verify(world), "truncated", keep)


def test_only_the_witness_catches_a_truncation_that_took_the_checkpoints_too(log, tmp_path):
    world, first, second = log
    witness_file = tmp_path / "witness.jsonl"
    for made in (first, second):
        witness.publish(
            str(witness_file), origin=_origin(world), tree_size=made.tree_size, note=made.note
        )
    keep = first.tree_size + 5
    _tamper(
        world,
        "DELETE FROM audit_events WHERE tenant_id = :t AND seq >= :s",
        "DELETE FROM audit_nodes WHERE tenant_id = :t",
        "DELETE FROM audit_checkpoints WHERE tenant_id = :t AND tree_size > :s",
        s=keep,
    )
    assert _verify(world).ok  # the database alone looks consistent
    report = _verify(world, external=witness.read_file(witness_file))
    _assert_damage(report, "truncated", keep)
    assert report.external_checked == 2


def test_a_checkpoint_signed_by_another_key_is_forged(log) -> None:
    world, _, second = log
    origin = _origin(world)
    other = signing_key.SigningKey(b"\x07" * 32)
    forged = sign_checkpoint(
        Checkpoint(origin, second.tree_size, b"\x01" * 32), other.signer(origin)
    )
    report = _verify(world, external=[forged])
    _assert_damage(report, "forged_checkpoint", None)
    assert "key" in str(report.as_json()["detail"])


def test_a_stored_checkpoint_replaced_in_the_database_is_forged(log) -> None:
    world, first, _ = log
    note = first.note.replace(first.note.split("\n")[2], "A" * 43 + "=")
    _tamper(
        world,
        "UPDATE audit_checkpoints SET note = :n WHERE tenant_id = :t AND tree_size = :s",
        n=note,
        s=first.tree_size,
    )
    _assert_damage(_verify(world), "forged_checkpoint", None)


def test_row_damage_is_reported_before_a_forged_checkpoint(log) -> None:
    world, first, _ = log
    _tamper(
        world,
        "UPDATE audit_events SET object_type = 'nothing' WHERE tenant_id = :t AND seq = 3",
        "UPDATE audit_checkpoints SET note = 'garbage' WHERE tenant_id = :t AND tree_size = :s",
        s=first.tree_size,
    )
    report = _verify(world)
    damages = [f["damage"] for f in report.as_json()["findings"]]
    assert (report.first.damage, report.first.first_bad_seq) == ("edited", 3)
    assert "forged_checkpoint" in damages


@pytest.mark.parametrize(
    "body",
    [
        "{origin}\nnot a size\nAAAA\n\n\u2014 {origin} AAAAAAAA\n",
        "{origin}\n3\n" + "A" * 43 + "=\n",  # no signature block at all
        "{origin}\n3\n" + "A" * 43 + "=\n\n\u2014 {origin} !!!\n",
    ],
)
def test_a_malformed_external_note_for_the_log_is_forged(log, body: str) -> None:
    world, _, _ = log
    note = body.replace("{origin}", _origin(world))
    report = _verify(world, external=[note, "another.example/log\n1\n"])
    _assert_damage(report, "forged_checkpoint", None)
    assert report.external_checked == 1  # the other log's note is not this log's business


def test_the_platform_log_verifies_and_its_damage_is_named(world) -> None:
    rt = world.runtime
    key = rt.audit_signing_key()
    origin = checkpoints.origin(PREFIX, None)
    with rt.db.unit_of_work(tenant_id=None) as session:
        made, _ = checkpoints.make_checkpoint(
            session.connection(), tenant_id=None, key=key, origin_prefix=PREFIX, now=rt.clock.now()
        )

    def verify() -> LogReport:
        with rt.db.unit_of_work(tenant_id=None) as session:
            return verify_log(
                session.connection(), None, verifier=key.verifier(origin), origin=origin
            )

    report = verify()
    assert report.ok, report.as_json()
    assert report.tree_size == made.tree_size > 0
    _tamper(world, "DELETE FROM audit_events WHERE tenant_id IS NULL AND seq = 0")
    _assert_damage(verify(), "deleted", 0)
