"""`anxin pii scan` in a real process: JSONL in, JSONL out, no data directory needed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def scan(tmp_path: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    # ANXIN_HOME points at a directory that does not exist: scanning must not need `anxin init`.
    env = {**os.environ, "ANXIN_HOME": str(tmp_path / "never-created"), "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "anxin", "pii", "scan", *args],
        env=env,
        capture_output=True,
        text=True,
        input=stdin,
        timeout=120,
        check=False,
    )


def lines(*records: object) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def test_when_jsonl_arrives_on_stdin_then_one_line_per_input_comes_out_in_order(tmp_path: Path):
    text = "客户：我的手机号是13812345678，邮箱abc@qq.com"
    result = scan(tmp_path, stdin=lines({"id": "a", "text": text}, {"id": "b", "text": "你好"}))
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["a", "b"]
    found = [(text[e["start"] : e["end"]], e["type"]) for e in out[0]["entities"]]
    assert found == [("13812345678", "CN_MOBILE"), ("abc@qq.com", "EMAIL")]
    assert all(0 < e["score"] <= 1 for e in out[0]["entities"])
    assert out[1]["entities"] == []
    assert not (tmp_path / "never-created").exists()


def test_when_files_are_named_then_it_reads_and_writes_them(tmp_path: Path):
    source, sink = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    source.write_text(lines({"id": 7, "text": "SSN 551-77-6014"}), encoding="utf-8")
    result = scan(tmp_path, "--input", str(source), "--output", str(sink))
    assert result.returncode == 0, result.stderr
    (out,) = [json.loads(line) for line in sink.read_text(encoding="utf-8").splitlines()]
    assert out == {"id": 7, "entities": [{"start": 4, "end": 15, "type": "US_SSN", "score": 0.95}]}


@pytest.mark.parametrize(
    ("bad_line", "message"),
    [
        ("this is not json", "line 2: not valid JSON"),
        ('{"text": "no id"}', "line 2: missing 'id'"),
        ('{"id": "x"}', "line 2: missing 'text'"),
        ('{"id": "x", "text": 42}', "line 2: 'text' must be a string"),
        ('["id", "text"]', "line 2: expected a JSON object"),
    ],
)
def test_when_a_line_is_bad_then_the_error_names_it_and_exit_is_1(
    tmp_path: Path, bad_line: str, message: str
):
    result = scan(tmp_path, stdin=lines({"id": "ok", "text": "fine"}) + bad_line + "\n")
    assert result.returncode == 1
    assert f"error: pii.invalid_scan_input: {message}" in result.stderr
    assert "Traceback" not in result.stderr


def test_when_the_input_file_is_missing_then_exit_is_1(tmp_path: Path):
    result = scan(tmp_path, "--input", str(tmp_path / "absent.jsonl"))
    assert result.returncode == 1
    assert "cannot open" in result.stderr


def classes(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ANXIN_HOME": str(tmp_path / "never-created"), "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "anxin", "pii", "classes", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_when_classes_are_asked_as_json_then_every_type_is_listed_with_its_flags(tmp_path: Path):
    result = classes(tmp_path, "--json")
    assert result.returncode == 0, result.stderr
    rows = {row["type"]: row for row in json.loads(result.stdout)}
    assert len(rows) == 12
    assert rows["CN_ID"] == {
        "type": "CN_ID",
        "class": "government_id",
        "sensitivity": 4,
        "grade": "critical",
        "pipl_sensitive": True,
        "gdpr_personal": True,
        "ccpa_personal": True,
        "ccpa_sensitive": True,
    }
    assert rows["EMAIL"]["class"] == "contact"
    assert not rows["EMAIL"]["pipl_sensitive"]
    assert not (tmp_path / "never-created").exists()


def test_when_classes_are_asked_then_a_table_names_each_type_and_class(tmp_path: Path):
    result = classes(tmp_path)
    assert result.returncode == 0, result.stderr
    assert "PII data classes" in result.stdout
    for word in ("CREDIT_CARD", "financial", "IP_ADDRESS", "network", "critical"):
        assert word in result.stdout


def test_a_tenants_recognizers_run_when_named(tmp_path: Path) -> None:
    path = tmp_path / "recognizers.yaml"
    path.write_text(
        "version: 1\ntenants:\n  acme:\n"
        "    - {name: emp, type: EMPLOYEE_ID, class: identity, regex: 'E[0-9]{6}'}\n",
        encoding="utf-8",
    )
    stdin = lines({"id": 1, "text": "工号E123456"})
    with_tenant = scan(tmp_path, "--recognizers", str(path), "--tenant", "acme", stdin=stdin)
    assert with_tenant.returncode == 0, with_tenant.stderr
    assert json.loads(with_tenant.stdout)["entities"][0]["type"] == "EMPLOYEE_ID"
    without = scan(tmp_path, stdin=stdin)
    assert json.loads(without.stdout)["entities"] == []
    unknown = scan(tmp_path, "--recognizers", str(path), "--tenant", "globex", stdin=stdin)
    assert unknown.returncode == 1
    assert "configures no tenant named 'globex'" in unknown.stderr
    alone = scan(tmp_path, "--tenant", "acme", stdin=stdin)
    assert alone.returncode == 1
    assert "--tenant needs --recognizers" in alone.stderr
