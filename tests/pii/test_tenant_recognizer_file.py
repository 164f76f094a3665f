"""A tenant's own types and recognizers from the ANXIN_PII_RECOGNIZERS file."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from anxin.pii.catalogue import DataClass, Sensitivity, class_of, entry_for
from anxin.pii.errors import InvalidRecognizerConfig
from anxin.pii.recognizer_config import spec_from_config
from anxin.pii.redaction import redact
from anxin.pii.spans import CustomType, PiiType
from anxin.pii.tenant_recognizers import load_tenant_recognizers

EMPLOYEE: dict[str, Any] = {
    "name": "acme_employee_no",
    "type": "EMPLOYEE_ID",
    "class": "identity",
    "sensitivity": "high",
    "regex": r"(?<![A-Z0-9])E(?P<value>\d{6})(?!\d)",
    "context": ["工号", "employee"],
    "context_required": True,
}

FILE = """
version: 1
tenants:
  acme:
    - name: acme_employee_no
      type: EMPLOYEE_ID
      class: identity
      regex: '(?<![A-Z0-9])E\\d{6}(?!\\d)'
      context: [工号]
      context_required: true
    - name: acme_member_card
      type: BANK_CARD
      regex: 'AC\\d{12}'
      context: [会员卡]
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "recognizers.yaml"
    path.write_text(text, encoding="utf-8")
    os.chmod(path, 0o640)
    return path


def test_a_new_type_carries_its_class_and_grade_into_the_catalogue() -> None:
    spec = spec_from_config(EMPLOYEE)
    assert isinstance(spec.type, CustomType)
    assert spec.type == "EMPLOYEE_ID"
    entry = entry_for(spec.type)
    assert (entry.data_class, entry.sensitivity) == (DataClass.IDENTITY, Sensitivity.HIGH)
    assert entry.as_json()["type"] == "EMPLOYEE_ID"


def test_the_file_gives_one_tenant_its_types_and_leaves_the_others_alone(tmp_path: Path) -> None:
    loaded = load_tenant_recognizers(_write(tmp_path, FILE))
    text = "我的工号E123456，会员卡AC123456789012"
    acme = loaded.detector_for(["tenant-id", "acme"]).detect(text)
    assert [(text[s.start : s.end], str(s.type)) for s in acme] == [
        ("E123456", "EMPLOYEE_ID"),
        ("AC123456789012", "BANK_CARD"),
    ]
    assert redact(text, acme) == "我的工号[EMPLOYEE_ID]，会员卡[BANK_CARD]"
    assert loaded.detector_for(["other-id", "globex"]).detect(text) == []
    assert loaded.resolve(["acme"], "EMPLOYEE_ID") == "EMPLOYEE_ID"
    assert class_of(loaded.resolve(["acme"], "EMPLOYEE_ID")) is DataClass.IDENTITY
    assert loaded.resolve(["acme"], "CN_MOBILE") is PiiType.CN_MOBILE
    assert class_of(loaded.resolve(["globex"], "EMPLOYEE_ID")) is None  # not configured there


def test_no_file_means_the_built_in_detector_for_everyone() -> None:
    loaded = load_tenant_recognizers(None)
    assert not loaded.configures_tenants
    assert loaded.detector_for(["acme"]) is loaded.builtin


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"type": "BANK_CARD", "class": "financial"}, "only for a new type"),
        ({"class": None}, "class is required"),
        ({"type": "employee id"}, "type must be a built-in type"),
        ({"type": "E"}, "type must be a built-in type"),
        ({"type": "A_VERY_LONG_TYPE_NAME"}, "type must be a built-in type"),
        ({"class": "secret"}, "class must be one of contact"),
        ({"sensitivity": "extreme"}, "sensitivity must be one of critical, high, low, moderate"),
        ({"pipl_sensitive": "yes"}, "pipl_sensitive must be true or false"),
    ],
)
def test_a_bad_type_declaration_says_what_to_fix(change: dict[str, Any], message: str) -> None:
    config = {**EMPLOYEE, **change}
    config = {k: v for k, v in config.items() if v is not None}
    with pytest.raises(InvalidRecognizerConfig, match=message):
        spec_from_config(config)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("version: 2\n", "version: must be 1"),
        ("version: 1\ntenants: [acme]\n", "tenants: must map tenant names"),
        ("version: 1\ntenants:\n  acme: {name: x}\n", "tenants.acme: must be a list"),
        ("version: 1\nextra: 1\n", "expected a mapping with the keys version and tenants"),
        ("version: 1\ntenants:\n  acme:\n    - 3\n", r"tenants.acme\[0\]: must be a mapping"),
        (
            "version: 1\ntenants:\n  acme:\n    - {name: x, type: CN_MOBILE, regex: 'a+'}\n",
            r"tenants.acme\[0\]: the regex has an unbounded repeat",
        ),
        (
            "version: 1\ntenants:\n  acme:\n"
            "    - {name: x, type: CN_MOBILE, regex: 'a{1,3}'}\n"
            "    - {name: x, type: CN_MOBILE, regex: 'b{1,3}'}\n",
            r"tenants.acme\[1\]: the name x is used twice",
        ),
        (
            "version: 1\ntenants:\n  acme:\n"
            "    - {name: x, type: STAFF_NO, class: identity, regex: 'a{1,3}'}\n"
            "    - {name: y, type: STAFF_NO, class: financial, regex: 'b{1,3}'}\n",
            "STAFF_NO is declared twice with different classes",
        ),
        ("version: [1\n", "malformed YAML at line"),
    ],
)
def test_a_bad_file_is_refused_whole_naming_the_entry(
    tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(InvalidRecognizerConfig, match=message):
        load_tenant_recognizers(_write(tmp_path, text))


def test_a_file_anyone_may_write_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, FILE)
    path.chmod(0o666)
    with pytest.raises(InvalidRecognizerConfig, match="writable by everyone"):
        load_tenant_recognizers(path)


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidRecognizerConfig, match="cannot read the file"):
        load_tenant_recognizers(tmp_path / "nope.yaml")
