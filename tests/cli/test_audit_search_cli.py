"""`anxin audit search|export|report-...` in real subprocesses: a named reader, their role's
limits, and exports that match the search."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from tests.cli.test_commands import anxin

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("audit") / "var"
    assert anxin(home, "init").returncode == 0
    assert anxin(home, "tenant", "add", "acme").returncode == 0
    for name, role in [("ada", "auditor"), ("dora", "privacy_officer"), ("al", "agent")]:
        added = anxin(home, "user", "add", name, "--tenant", "acme", "--role", role)
        assert added.returncode == 0, added.stderr
    return home


def _audit(home: Path, *args: str, reader: str = "ada") -> list[str]:
    return ["audit", *args, "--tenant", "acme", "--as", reader]


def test_search_pages_and_is_recorded_under_the_readers_name(home: Path) -> None:
    first = anxin(home, *_audit(home, "search", "--action", "identity:user:", "--json"))
    assert first.returncode == 0, first.stderr
    found = json.loads(first.stdout)
    assert [e["action"] for e in found["events"]] == ["identity:user:create"] * 3
    assert found["next_cursor"] is None
    paged = anxin(home, *_audit(home, "search", "--limit", "2", "--order", "desc", "--json"))
    assert json.loads(paged.stdout)["next_cursor"] is not None
    mine = anxin(home, *_audit(home, "search", "--action", "audit:", "--actor", "ada", "--json"))
    recorded = json.loads(mine.stdout)["events"]
    assert [e["action"] for e in recorded] == ["audit:event:search"] * 2
    assert recorded[0]["detail"]["filter"] == {"action": "identity:user:"}


def test_exports_hold_what_the_search_finds(home: Path, tmp_path: Path) -> None:
    searched = json.loads(
        anxin(home, *_audit(home, "search", "--action", "identity:", "--json")).stdout
    )["events"]
    target = tmp_path / "out.csv"
    made = anxin(home, *_audit(home, "export", "--action", "identity:", "-o", str(target)))
    assert made.returncode == 0, made.stderr
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"), newline="")))
    assert [int(r["seq"]) for r in rows] == [e["seq"] for e in searched]
    lines = anxin(home, *_audit(home, "export", "--action", "identity:", "--format", "jsonl"))
    parsed = [json.loads(line) for line in lines.stdout.splitlines()]
    assert [p["seq"] for p in parsed] == [e["seq"] for e in searched]
    assert [p["leaf_hash"] for p in parsed] == [r["leaf_hash"] for r in rows]


def test_the_readers_role_decides_and_unknown_readers_are_refused(home: Path) -> None:
    report = anxin(home, *_audit(home, "report-customer", "c1", reader="dora"))
    assert report.returncode == 0, report.stderr
    assert json.loads(report.stdout)["events"] == 0
    refused = anxin(home, *_audit(home, "search", reader="dora"))
    assert refused.returncode == 1
    assert refused.stderr.startswith("error: access.denied")
    assert "Traceback" not in refused.stderr
    agent = anxin(home, *_audit(home, "daily", reader="al"))
    assert agent.stderr.startswith("error: access.denied")
    nobody = anxin(home, *_audit(home, "daily", reader="nobody"))
    assert nobody.stderr.startswith("error: audit.reader_unavailable")
    daily = anxin(home, *_audit(home, "daily", "--json"))
    assert daily.returncode == 0, daily.stderr
    assert sum(d["events"] for d in json.loads(daily.stdout)) > 0
    user = anxin(home, *_audit(home, "report-user", "ada"))
    assert json.loads(user.stdout)["actions"]["audit:event:search"] >= 1
