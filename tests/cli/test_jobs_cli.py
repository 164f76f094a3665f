"""`anxin jobs run` and `anxin user report|offboard|leave-date` in real subprocesses."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from tests.cli.test_commands import anxin

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("jobs") / "var"
    assert anxin(home, "init").returncode == 0
    assert anxin(home, "tenant", "add", "acme").returncode == 0
    for name, role in [("old", "agent"), ("fresh", "agent"), ("boss", "admin"), ("gone", "agent")]:
        added = anxin(home, "user", "add", name, "--tenant", "acme", "--role", role)
        assert added.returncode == 0, added.stderr
    return home


def _age(home: Path, username: str, days: int) -> None:
    engine = create_engine(f"sqlite:///{home / 'anxin.db'}")
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE users SET created_at = :at WHERE username = :name"),
            {"at": dt.datetime.now(dt.UTC) - dt.timedelta(days=days), "name": username},
        )
    engine.dispose()


def test_jobs_run_disables_dormant_accounts_and_reports_as_json(home: Path) -> None:
    _age(home, "old", 91)
    result = anxin(home, "jobs", "run", "--job", "dormant", "--json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["dormant_days"] == 90
    assert summary["results"] == [
        {"job": "dormant", "tenant": "acme", "count": 1, "usernames": ["old"]}
    ]
    users = json.loads(anxin(home, "user", "list", "--tenant", "acme", "--json").stdout)
    disabled = {u["username"] for u in users if u["disabled_at"]}
    assert disabled == {"old"}
    again = json.loads(anxin(home, "jobs", "run", "--json").stdout)
    assert {r["job"] for r in again["results"]} == {"grants", "leavers", "dormant", "checkpoints"}
    # Checkpoints count the logs signed (the first run finds new events); the rest found nothing.
    assert all(r["count"] == 0 for r in again["results"] if r["job"] != "checkpoints")


def test_leave_date_offboard_and_reports(home: Path) -> None:
    past = (dt.datetime.now(dt.UTC) - dt.timedelta(days=5)).date().isoformat()
    set_ = anxin(home, "user", "leave-date", "gone", "--tenant", "acme", "--on", past)
    assert set_.returncode == 0, set_.stderr
    report = anxin(home, "user", "report", "leavers", "--tenant", "acme", "--json")
    assert [r["username"] for r in json.loads(report.stdout)] == ["gone"]
    privileged = anxin(home, "user", "report", "privileged", "--tenant", "acme", "--json")
    assert [(r["username"], r["role"]) for r in json.loads(privileged.stdout)] == [
        ("boss", "admin")
    ]
    off = anxin(home, "user", "offboard", "gone", "--tenant", "acme")
    assert off.returncode == 0, off.stderr
    report = anxin(home, "user", "report", "leavers", "--tenant", "acme", "--json")
    assert json.loads(report.stdout) == []
    bad = anxin(home, "jobs", "run", "--job", "everything")
    assert bad.returncode != 0
