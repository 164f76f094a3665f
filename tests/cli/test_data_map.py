"""`anxin data map` in real processes: counts by class and table, never a value, audited."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from tests.cli.test_commands import _demo_identifiers, anxin

from anxin.demo.fake import DemoFaker
from anxin.demo.seed import DemoPlan

pytestmark = pytest.mark.slow

CUSTOMERS = 20
ROW_KEYS = {
    "table",
    "column",
    "data_class",
    "pii_types",
    "sensitivity",
    "pipl_sensitive",
    "rows_with_value",
    "protection",
}


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("data-map") / "var"
    result = anxin(home, "init", "--demo", "--customers", str(CUSTOMERS))
    assert result.returncode == 0, result.stderr
    return home


def _query(home: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(f"file:{home / 'anxin.db'}?mode=ro", uri=True, timeout=5) as conn:
        return conn.execute(sql).fetchall()


def _rows(home: Path) -> dict[tuple[str, str, tuple[str, ...]], int]:
    result = anxin(home, "data", "map", "--tenant", "demo", "--json")
    assert result.returncode == 0, result.stderr
    (tenant,) = json.loads(result.stdout)["tenants"]
    assert tenant["tenant"] == "demo"
    assert all(set(row) == ROW_KEYS for row in tenant["rows"])
    return {
        (r["table"], r["column"], tuple(r["pii_types"])): r["rows_with_value"]
        for r in tenant["rows"]
    }


def _secrets() -> set[str]:
    names = {p.name for p in DemoFaker(seed=DemoPlan().seed).customers(CUSTOMERS)}
    return _demo_identifiers(CUSTOMERS) | {n for n in names if n}


def test_counts_match_the_store_and_no_value_is_printed(home: Path) -> None:
    rows = _rows(home)
    ((live,),) = _query(home, "SELECT count(*) FROM customers WHERE erased_at IS NULL")
    ((messages,),) = _query(home, "SELECT count(*) FROM messages")
    assert rows[("customers", "phones_ct", ())] == live > 0
    assert rows[("messages", "text_ct", ())] == messages > 0
    for pii_type, spans in _query(home, "SELECT type, count(*) FROM message_entities GROUP BY 1"):
        assert rows[("message_entities", "type", (str(pii_type),))] == spans
    assert rows[("messages", "text_ct", ("CN_ID",))] > 0
    table = anxin(home, "data", "map")
    assert table.returncode == 0, table.stderr
    assert "government_id" in table.stdout
    assert "sealed per-customer DEK" in table.stdout
    as_json = anxin(home, "data", "map", "--json")
    assert [t["tenant"] for t in json.loads(as_json.stdout)["tenants"]] == ["demo"]
    printed = table.stdout + table.stderr + as_json.stdout + as_json.stderr
    leaked = [value for value in _secrets() if value in printed]
    assert leaked == []


def test_each_map_is_audited_without_fields(home: Path) -> None:
    audited = "FROM audit_events WHERE action = 'contact:data_map:read'"
    ((before,),) = _query(home, f"SELECT count(*) {audited}")
    _rows(home)
    events = _query(home, f"SELECT fields, detail {audited} ORDER BY id DESC")
    assert len(events) == before + 1
    fields, detail = events[0]
    assert json.loads(str(fields)) == []
    assert json.loads(str(detail))["rows"] > 0


def test_erased_customers_are_not_counted(home: Path) -> None:
    before = _rows(home)
    ((customer_id, named),) = _query(
        home,
        "SELECT id, name_ct IS NOT NULL FROM customers WHERE erased_at IS NULL ORDER BY id LIMIT 1",
    )
    erased = anxin(home, "customer", "erase", str(customer_id), "--tenant", "demo")
    assert erased.returncode == 0, erased.stderr
    after = _rows(home)
    assert after[("customers", "phones_ct", ())] == before[("customers", "phones_ct", ())] - 1
    assert after[("customers", "name_ct", ())] == before[("customers", "name_ct", ())] - named


def test_an_unknown_tenant_is_a_clear_error(home: Path) -> None:
    result = anxin(home, "data", "map", "--tenant", "nope")
    assert result.returncode == 1
    assert "tenancy.tenant_not_found" in result.stderr
    assert "Traceback" not in result.stderr
