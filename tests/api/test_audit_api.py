"""The audit-log routes from the outside: search and export over HTTP, reports, checkpoints
and proofs that verify, refusals, and malformed input answered as problem JSON."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.api.conftest import PASSWORD
from tests.oversight.crafted import EVENTS, add_events, at

from anxin.app import create_app
from anxin.audit import merkle, witness
from anxin.audit.actions import AuditAction
from anxin.audit.checkpoint import open_checkpoint
from anxin.audit.models import AuditEvent
from anxin.audit.search import COLUMNS

AUDIT = "/api/v1/audit"
RANGE = {"since": at(1, 0).isoformat(), "until": at(4, 0).isoformat()}


def _get(client, path, headers, **params):
    return client.get(AUDIT + path, headers=headers, params=params)


def _problem(response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == code


def _events_of(world) -> list[AuditEvent]:
    with world.runtime.db.unit_of_work(tenant_id=world.acme.id) as session:
        query = select(AuditEvent).where(AuditEvent.tenant_id == world.acme.id)
        return list(session.scalars(query.order_by(AuditEvent.seq)))


def test_search_over_http_filters_and_pages(client, login, world) -> None:
    seqs = add_events(world)
    auditor = login("auditor")
    found = _get(client, "/events", auditor, actor="agent", **RANGE).json()
    assert [e["seq"] for e in found["events"]] == [seqs[x] for x in ("e1", "e2", "e6", "e7")]
    assert list(found["events"][0]) == list(COLUMNS)
    assert found["next_cursor"] is None
    pages, cursor = [], None
    while True:
        params = {"limit": "4", "order": "desc", **RANGE}
        if cursor is not None:
            params["before"] = str(cursor)
        page = _get(client, "/events", auditor, **params).json()
        pages.append([e["seq"] for e in page["events"]])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert pages == [
        [seqs[x] for x in ("e9", "e8", "e7", "e6")],
        [seqs[x] for x in ("e5", "e4", "e3", "e2")],
        [seqs["e1"]],
    ]
    prefix = _get(client, "/events", auditor, action="contact:value:", **RANGE).json()
    assert [e["seq"] for e in prefix["events"]] == [seqs["e2"], seqs["e6"]]


@pytest.mark.parametrize("role", ["agent", "intern", "supervisor", "admin", "privacy_officer"])
def test_roles_that_do_not_audit_are_refused_the_search(client, login, role) -> None:
    _problem(_get(client, "/events", login(role.replace("_", "-"))), 403, "access.denied")


def test_another_tenants_auditor_sees_none_of_acmes_events(client, login, world) -> None:
    add_events(world)
    found = _get(client, "/events", login("auditor", "globex"), customer_id="c1").json()
    assert len(found["events"]) == 1
    assert found["events"][0]["actor_id"] == world.globex.users["agent"].actor_id
    acme_ids = {u.actor_id for u in world.acme.users.values()} | {world.acme.id}
    everything = _get(client, "/events", login("auditor", "globex"), limit="1000")
    assert not [i for i in acme_ids if i in everything.text]


def test_an_expired_session_is_refused(client, login, clock) -> None:
    auditor = login("auditor")
    assert _get(client, "/events", auditor).status_code == 200
    clock.advance(dt.timedelta(days=2))
    _problem(_get(client, "/events", auditor), 401, "identity.session_invalid")


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [
        ({"limit": "0"}, 422, "request.invalid"),
        ({"limit": "1001"}, 422, "request.invalid"),
        ({"after": "-1"}, 422, "request.invalid"),
        ({"since": "yesterday"}, 422, "request.invalid"),
        ({"order": "sideways"}, 422, "request.invalid"),
        ({"outcome": "maybe"}, 422, "request.invalid"),
        ({"action": "Contact:%"}, 422, "request.invalid"),
        ({"from": "2030-01-01T00:00:00Z"}, 422, "request.invalid"),  # unknown parameter
        ({"since": "2030-01-02T00:00:00Z", "until": "2030-01-01T00:00:00Z"}, 422,
         "audit.time_range"),
    ],
)  # fmt: skip
def test_malformed_search_input_is_a_problem_with_a_code(client, login, params, status, code):
    _problem(_get(client, "/events", login("auditor"), **params), status, code)


def test_export_needs_a_fresh_second_factor(client, login, stepped_up) -> None:
    _problem(_get(client, "/events/export", login("auditor")), 403, "step_up_required")
    assert _get(client, "/events/export", stepped_up("auditor")).status_code == 200


def test_exports_match_the_search_in_both_formats_and_are_recorded(
    client, login, stepped_up, world
) -> None:
    add_events(world)
    headers = stepped_up("auditor")
    searched = _get(client, "/events", headers, **RANGE).json()["events"]
    assert len(searched) == len(EVENTS)
    as_csv = _get(client, "/events/export", headers, format="csv", **RANGE)
    assert as_csv.status_code == 200, as_csv.text
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert "attachment" in as_csv.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert list(rows[0]) == list(COLUMNS)
    for row, event in zip(rows, searched, strict=True):
        assert int(row["seq"]) == event["seq"]
        assert (row["fields"].split(";") if row["fields"] else []) == event["fields"]
        assert json.loads(row["detail"]) == event["detail"]
        assert row["customer_id"] == (event["customer_id"] or "")
        assert row["leaf_hash"] == event["leaf_hash"]
        assert dt.datetime.fromisoformat(row["occurred_at"]) == dt.datetime.fromisoformat(
            event["occurred_at"].replace("Z", "+00:00")
        )
    jsonl = client.get(
        AUDIT + "/events/export", headers={**headers, "Accept": "application/x-ndjson"},
        params=RANGE,
    )  # fmt: skip
    assert jsonl.headers["content-type"].startswith("application/x-ndjson")
    lines = [json.loads(line) for line in jsonl.text.splitlines()]
    assert [(x["seq"], x["fields"], x["detail"]) for x in lines] == [
        (e["seq"], e["fields"], e["detail"]) for e in searched
    ]
    recorded = [e for e in _events_of(world) if e.action == AuditAction.AUDIT_EXPORT]
    assert [e.detail["format"] for e in recorded] == ["csv", "jsonl"]
    assert recorded[0].detail["filter"] == RANGE
    # The file holds nothing after the recorded bound (not even the export's own event).
    everything = _get(client, "/events/export", headers, format="jsonl")
    last_seq = [json.loads(line)["seq"] for line in everything.text.splitlines()][-1]
    assert last_seq == _events_of(world)[-1].detail["through_seq"] == _events_of(world)[-1].seq - 1


def test_reports_over_http(client, login, world) -> None:
    add_events(world)
    user = _get(client, "/reports/users/agent", login("security-officer"), **RANGE).json()
    assert (user["username"], user["events"], user["customers"]) == (
        "agent", 4, {"c1": 3, "c2": 1}
    )  # fmt: skip
    customer = _get(client, "/reports/customers/c2", login("privacy-officer")).json()
    assert [(a["username"], a["role"], a["action"]) for a in customer["accesses"]] == [
        ("agent2", "agent", "contact:customer:read"),
        ("agent", "agent", "contact:customer:lookup"),
    ]
    daily = _get(client, "/reports/daily", login("auditor"), **RANGE).json()
    assert [(d["day"], d["events"], d["denied"]) for d in daily["days"]] == [
        ("2030-01-01", 4, 1), ("2030-01-02", 3, 1), ("2030-01-03", 2, 0)
    ]  # fmt: skip
    _problem(_get(client, "/reports/customers/c2", login("security-officer")), 403,
             "access.denied")  # fmt: skip
    _problem(_get(client, "/reports/users/agent", login("privacy-officer")), 403, "access.denied")


def test_checkpoint_and_proofs_from_the_api_verify(client, login, world) -> None:
    add_events(world)
    auditor = login("auditor")
    _problem(_get(client, "/checkpoint", auditor), 404, "audit.no_checkpoint")
    _problem(_get(client, "/proofs/inclusion", auditor, index="0"), 404, "audit.no_checkpoint")
    made = client.post(AUDIT + "/checkpoints", headers=login("admin"))
    assert made.status_code == 201, made.text
    assert made.json()["new"] is True
    note = _get(client, "/checkpoint", auditor)
    assert note.headers["content-type"].startswith("text/plain")
    origin = f"{world.runtime.settings.audit_origin_prefix}/{world.acme.id}"
    verifier = world.runtime.audit_signing_key().verifier(origin)
    checkpoint = open_checkpoint(note.text, [verifier], origin=origin).checkpoint
    size, root = checkpoint.size, checkpoint.root_hash
    assert size == made.json()["tree_size"]
    rows = _events_of(world)
    # Proofs default to the checkpoint's size and verify against its signed root.
    for index in (0, size // 2, size - 1):
        proof = _get(client, "/proofs/inclusion", auditor, index=str(index)).json()
        assert proof["format"] == "anxin-tlog-inclusion/v1"
        assert (proof["origin"], proof["tree_size"], proof["leaf_index"]) == (origin, size, index)
        assert proof["leaf_hash"] == rows[index].leaf_hash.hex()
        assert proof["root_hash"] == root.hex()
        path = [bytes.fromhex(h) for h in proof["proof"]]
        assert merkle.verify_inclusion(rows[index].leaf_hash, index, size, path, root)
    client.post(AUDIT + "/checkpoints", headers=auditor)
    latest = open_checkpoint(_get(client, "/checkpoint", auditor).text, [verifier]).checkpoint
    assert latest.size > size
    consistency = _get(client, "/proofs/consistency", auditor, old_size=str(size)).json()
    assert consistency["format"] == "anxin-tlog-consistency/v1"
    assert (consistency["old_root"], consistency["new_root"]) == (
        root.hex(), latest.root_hash.hex()
    )  # fmt: skip
    path = [bytes.fromhex(h) for h in consistency["proof"]]
    assert merkle.verify_consistency(size, latest.size, root, latest.root_hash, path)
    leaves = _get(client, "/leaves", auditor, size=str(size)).json()
    assert leaves["format"] == "anxin-tlog-leaves/v1"
    assert merkle.root([bytes.fromhex(h) for h in leaves["leaf_hashes"]]) == root
    actions = [e.action for e in _events_of(world)]
    for action in (AuditAction.AUDIT_CHECKPOINT, AuditAction.AUDIT_CHECKPOINT_READ,
                   AuditAction.AUDIT_PROVE, AuditAction.AUDIT_LEAVES_READ):  # fmt: skip
        assert action in actions


@pytest.mark.parametrize(
    ("path", "params", "status", "code"),
    [
        ("/proofs/inclusion", {"index": "10000", "size": "5"}, 400, "audit.proof_range"),
        ("/proofs/inclusion", {"index": "0", "size": "100000"}, 400, "audit.proof_range"),
        ("/proofs/inclusion", {"index": "-1", "size": "5"}, 422, "request.invalid"),
        ("/proofs/inclusion", {"size": "5"}, 422, "request.invalid"),
        ("/proofs/consistency", {"old_size": "6", "new_size": "5"}, 400, "audit.proof_range"),
        ("/proofs/consistency", {"old_size": "1", "new_size": "100000"}, 400,
         "audit.proof_range"),
        ("/leaves", {"size": "100000"}, 400, "audit.proof_range"),
        ("/leaves", {"size": "x"}, 422, "request.invalid"),
    ],
)  # fmt: skip
def test_proof_requests_outside_the_log_are_problems(client, login, path, params, status, code):
    _problem(_get(client, path, login("auditor"), **params), status, code)


def test_only_auditors_and_admins_make_checkpoints(client, login) -> None:
    for role in ("agent", "supervisor", "security_officer", "privacy_officer"):
        headers = login(role.replace("_", "-"))
        _problem(client.post(AUDIT + "/checkpoints", headers=headers), 403, "access.denied")
    assert client.post(AUDIT + "/checkpoints", headers=login("auditor")).status_code == 201
    # Unchanged since (but for the records of these calls): a new one covers them.
    again = client.post(AUDIT + "/checkpoints", headers=login("auditor")).json()
    assert again["new"] is True


def test_a_checkpoint_made_through_the_api_reaches_the_witness(world, tmp_path) -> None:
    """Without this, an on-demand checkpoint would reach the witness only if later events
    made the scheduled job sign again."""
    witness_file = tmp_path / "witness.jsonl"
    settings = world.runtime.settings.model_copy(update={"audit_witness": str(witness_file)})
    runtime = dataclasses.replace(world.runtime, settings=settings)
    with TestClient(create_app(runtime), base_url="https://testserver") as client:
        token = client.post(
            "/api/v1/auth/login",
            json={"tenant": "acme", "username": "auditor", "password": PASSWORD},
        ).json()["token"]
        made = client.post(AUDIT + "/checkpoints", headers={"Authorization": f"Bearer {token}"})
    assert made.status_code == 201
    assert made.json()["published"] is True
    assert witness.read_notes(str(witness_file)) == [made.json()["note"]]
    with world.runtime.db.unit_of_work(tenant_id=world.acme.id) as session:
        recorded = session.scalars(
            select(AuditEvent.outcome).where(
                AuditEvent.action == AuditAction.AUDIT_WITNESS_PUBLISH.value
            )
        ).all()
    assert recorded == ["success"]


def test_without_a_witness_nothing_is_published(client, login) -> None:
    made = client.post(AUDIT + "/checkpoints", headers=login("auditor")).json()
    assert made["new"] is True
    assert made["published"] is None
