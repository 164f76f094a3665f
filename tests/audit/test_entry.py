"""The canonical entry v1 is frozen: these bytes and hashes were produced by the first
implementation (f4ddddd) and must never change, whatever is done to make serialization faster."""

from __future__ import annotations

import datetime as dt
import enum
import json

import pytest

from anxin.audit.entry import entry_bytes, entry_leaf_hash, timestamp
from anxin.audit.service import _as_stored

ROW = {
    "tenant_id": "01a2414b-ef26-726a-aef4-6aa4004f77a6",
    "seq": 41,
    "occurred_at": dt.datetime(2026, 12, 4, 21, 5, tzinfo=dt.timezone(dt.timedelta(hours=8))),
    "actor_type": "user",
    "actor_id": "00000000-0000-0000-0000-000000000001",
    "action": "contact:customer:read",
    "object_type": "customer",
    "object_id": "c-1",
    "customer_id": "c-1",
    "fields": ["phone", "name", "phone"],
    "client_addr": None,
    "outcome": "success",
    "detail": {"z": 1, "a": "读取", "n": None, "b": True},
}


def test_an_entry_keeps_its_v1_bytes_and_leaf_hash() -> None:
    assert (
        entry_bytes(ROW)
        == (
            '{"action":"contact:customer:read","actor_id":"00000000-0000-0000-0000-000000000001",'
            '"actor_type":"user","client_addr":null,"customer_id":"c-1",'
            '"detail":{"a":"读取","b":true,"n":null,"z":1},"fields":["name","phone"],'
            '"object_id":"c-1","object_type":"customer","occurred_at":"2026-12-04T13:05:00.000000Z",'
            '"outcome":"success","seq":41,"tenant_id":"01a2414b-ef26-726a-aef4-6aa4004f77a6","v":1}'
        ).encode()
    )
    assert (
        entry_leaf_hash(ROW).hex()
        == "b50d96c6b834af96997b592a73bc6b5c02c1dbc234cac8697aa7213a01b9e67c"
    )


@pytest.mark.parametrize(
    ("value", "text"),
    [
        # Zero microseconds still give six digits; other zones become UTC, across midnight.
        (
            dt.datetime(2026, 1, 1, 0, 30, tzinfo=dt.timezone(dt.timedelta(hours=1))),
            "2025-12-31T23:30:00.000000Z",
        ),
        (
            dt.datetime(
                2026, 6, 1, 12, 0, 0, 7, tzinfo=dt.timezone(-dt.timedelta(hours=5, minutes=30))
            ),
            "2026-06-01T17:30:00.000007Z",
        ),
        # What the first implementation's strftime gave for a year below 1000: not padded.
        (dt.datetime(999, 1, 2, 3, 4, 5, tzinfo=dt.UTC), "999-01-02T03:04:05.000000Z"),
    ],
)
def test_timestamps_keep_their_v1_text(value: dt.datetime, text: str) -> None:
    assert timestamp(value) == text


def test_a_naive_timestamp_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        timestamp(dt.datetime(2026, 1, 1))  # noqa: DTZ001


class _Kind(enum.StrEnum):
    READ = "read"


@pytest.mark.parametrize(
    "detail",
    [
        {"reason": "call", "n": 3, "ok": True, "none": None},
        {"pair": (1, 2)},
        {1: "int key"},
        {"kind": _Kind.READ},
        {"ratio": 0.5},
        {"nested": {"b": 1, "a": [1, "x"]}},
    ],
)
def test_a_detail_is_hashed_as_the_json_column_gives_it_back(detail: dict) -> None:
    stored = _as_stored(detail)
    assert stored == json.loads(json.dumps(detail))
    assert json.dumps(stored) == json.dumps(json.loads(json.dumps(detail)))
