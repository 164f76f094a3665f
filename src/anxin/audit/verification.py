"""Verifying a log: recompute every leaf and the tree, check every checkpoint, name the damage.

`verify_log` reads one log's rows in sequence order in a single streamed query (raw column
values, no ORM objects: one million rows must verify in seconds), recomputes each row's leaf
hash from its columns (audit/entry.py), folds the hashes into a `merkle.CompactRange`, and
compares the root at every checkpoint size with the signed root. Stored checkpoints come from
the database; external ones (a witness, a file) are passed in as signed notes.

Damage kinds (docs/audit.md, "Verification"), each with the first bad sequence number:

- ``deleted``: a hole in the numbering (or rows removed and the rest renumbered down, found
  when a row's stored hash matches its content at the next sequence number);
- ``inserted``: a sequence number held twice, or a row added out of insertion order (its row
  id is larger than every row after it) with the rest renumbered up;
- ``reordered``: sequence order disagrees with insertion order (row ids) otherwise;
- ``edited``: a row's columns no longer hash to its stored leaf hash, or rows rewritten
  consistently (hashes recomputed) so that a correctly signed root no longer matches: then the
  first sequence number after the last checkpoint that still matches;
- ``truncated``: fewer rows than a correctly signed checkpoint (stored or external) covers;
- ``forged_checkpoint``: a checkpoint that is malformed, does not verify under the log's key,
  names another log, or whose stored columns disagree with its note; or two correctly signed
  checkpoints of one size with different roots. No row is to blame: first_bad_seq is null.

When several findings exist the one with the lowest sequence number is the log's damage (row
damage before checkpoint forgery); all are listed, up to `MAX_FINDINGS`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    Text,
    bindparam,
    cast,
    column,
    func,
    literal,
    select,
    table,
)

from anxin.audit import checkpoints as stored_checkpoints
from anxin.audit import merkle
from anxin.audit import service as audit_service
from anxin.audit.actions import AuditAction, Outcome
from anxin.audit.checkpoint import CheckpointError, Verifier, open_checkpoint
from anxin.audit.entry import ENTRY_VERSION
from anxin.db.database import Database
from anxin.kernel.principal import Principal

REPORT_FORMAT = "anxin-audit-verify/v1"
MAX_FINDINGS = 20
_CHUNK = 20_000


class Damage(enum.StrEnum):
    """The kinds of damage a report names (docs/audit.md, "Damage kinds"). Stable."""

    EDITED = "edited"
    DELETED = "deleted"
    REORDERED = "reordered"
    INSERTED = "inserted"
    TRUNCATED = "truncated"
    FORGED_CHECKPOINT = "forged_checkpoint"


# How sure a finding is of its cause, most sure first. Renumbering changes a row's hash too,
# so at one sequence number the numbering and the row ids explain more than the hashes do.
_NUMBERING, _ROW_IDS, _TRUNCATION, _ROW_HASH, _SIGNED_ROOT, _CHECKPOINT = range(6)

# Untyped columns of a lightweight table: the driver's raw values, without SQLAlchemy's JSON
# and timestamp processing per row. On PostgreSQL the JSON columns come back as their text and
# the timestamp already in the entry's form, so psycopg builds no objects either.
_RAW = table(
    "audit_events",
    *(
        column(name)
        for name in (
            "id", "seq", "occurred_at", "actor_type", "actor_id", "action", "object_type",
            "object_id", "customer_id", "fields", "client_addr", "outcome", "detail",
            "leaf_hash", "tenant_id",
        )
    ),
)  # fmt: skip
_LEAF = 13
_PG_TIME = func.to_char(
    func.timezone("UTC", _RAW.c.occurred_at), literal('YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
)


def _rows_query(dialect: str, platform: bool) -> Select[Any]:
    c = _RAW.c
    time: ColumnElement[Any]
    fields: ColumnElement[Any]
    detail: ColumnElement[Any]
    if dialect == "postgresql":
        time, fields, detail = _PG_TIME, cast(c.fields, Text), cast(c.detail, Text)
    else:
        time, fields, detail = c.occurred_at, c.fields, c.detail
    columns = (
        c.id, c.seq, time, c.actor_type, c.actor_id, c.action, c.object_type, c.object_id,
        c.customer_id, fields, c.client_addr, c.outcome, detail, c.leaf_hash,
    )  # fmt: skip
    log = c.tenant_id.is_(None) if platform else c.tenant_id == bindparam("tenant")
    return select(*columns).where(log).order_by(c.seq)


@dataclasses.dataclass(frozen=True, slots=True)
class Finding:
    damage: Damage
    first_bad_seq: int | None
    detail: str
    rank: int = _ROW_HASH

    def as_json(self) -> dict[str, Any]:
        return {"damage": self.damage, "first_bad_seq": self.first_bad_seq, "detail": self.detail}


@dataclasses.dataclass(frozen=True, slots=True)
class LogReport:
    """The verdict on one log; `as_json` is its entry in the report's "logs" list."""

    origin: str
    tenant_id: str | None
    tree_size: int
    root_hash: bytes
    checkpoints_checked: int
    external_checked: int
    findings: tuple[Finding, ...]

    @property
    def ok(self) -> bool:
        return not self.findings

    @property
    def first(self) -> Finding | None:
        return self.findings[0] if self.findings else None

    def as_json(self) -> dict[str, Any]:
        first = self.first
        return {
            "origin": self.origin,
            "tenant_id": self.tenant_id,
            "tree_size": self.tree_size,
            "root_hash": self.root_hash.hex(),
            "checkpoints_checked": self.checkpoints_checked,
            "external_checked": self.external_checked,
            "ok": self.ok,
            "first_bad_seq": first.first_bad_seq if first else None,
            "damage": first.damage if first else None,
            "detail": first.detail if first else None,
            "findings": [f.as_json() for f in self.findings],
        }


def report_json(logs: Sequence[LogReport]) -> dict[str, Any]:
    """The whole report: ok only when every log is."""
    return {
        "format": REPORT_FORMAT,
        "ok": all(log.ok for log in logs),
        "logs": [log.as_json() for log in logs],
    }


def note_origin(note: str) -> str | None:
    """The first line of a note (a checkpoint's origin), to route an external note to its log;
    None when the note has no text line at all."""
    first, sep, _ = note.partition("\n")
    return first if sep and first else None


# --- fast canonical entries -------------------------------------------------------------------
#
# The entry is built as text, key by key in ENTRY_KEYS order, with the standard library's own
# JSON string encoder, instead of encoding a dict per row: the same bytes as entry.entry_bytes
# (a test holds them equal on both backends) at a fraction of the cost. The JSON columns arrive
# as text (cast on PostgreSQL) and their canonical forms are cached, since most rows repeat a
# few field lists and details.

_encode = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
).encode
_string: Callable[[str], str] = getattr(json.encoder, "c_encode_basestring", None) or (
    json.encoder.py_encode_basestring
)
# The C scanner and encoder behind json.loads and json.dumps, called directly: most of their
# cost per small value is the Python wrapping around them.
_scan: Callable[[str, int], tuple[Any, int]] = json.JSONDecoder().scan_once  # type: ignore[attr-defined]
_make_encoder = getattr(json.encoder, "c_make_encoder", None)
_c_encode: Callable[[Any, int], Sequence[str]] | None = (
    _make_encoder(None, None, _string, None, ":", ",", True, False, False)
    if _make_encoder is not None
    else None
)


def _loads(text: str | bytes) -> Any:
    if isinstance(text, str):
        value, end = _scan(text, 0)
        if end == len(text):
            return value
    return json.loads(text)


def _dumps(value: Any) -> str:
    if _c_encode is None or not isinstance(value, dict | list):
        return _encode(value)
    return "".join(_c_encode(value, 0))


_sha256 = hashlib.sha256
_CACHE_LIMIT = 4096
# The leaf of a row whose columns cannot make an entry (hand-edited types): matches no hash.
_UNREADABLE = merkle.leaf_hash(b"")


def _timestamp(value: Any) -> str:
    """entry.timestamp() for what the query returns: the entry form already (PostgreSQL's
    to_char), SQLite's 'YYYY-MM-DD HH:MM:SS.ffffff' text (UTC), or a datetime."""
    if isinstance(value, str):
        if len(value) == 26 and value[10] == " ":
            return f"{value[:10]}T{value[11:]}Z"
        if len(value) == 27 and value[10] == "T" and value[26] == "Z":
            return value
        value = dt.datetime.fromisoformat(value)
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
    if not isinstance(value, dt.datetime):
        raise TypeError("occurred_at is not a timestamp")
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return str(value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"))


class _Canonical:
    """Canonical JSON of the fields and detail columns, cached by their stored text."""

    def __init__(self) -> None:
        self.fields: dict[Any, str] = {}
        self.detail: dict[Any, str] = {}

    def of_fields(self, value: Any) -> str:
        cached = self.fields.get(value) if isinstance(value, str) else None
        if cached is None:
            decoded = _loads(value) if isinstance(value, str | bytes) else value
            cached = _dumps(sorted(set(decoded or ())))
            if isinstance(value, str):
                if len(self.fields) > _CACHE_LIMIT:
                    self.fields.clear()
                self.fields[value] = cached
        return cached

    def of_detail(self, value: Any) -> str:
        cached = self.detail.get(value) if isinstance(value, str) else None
        if cached is None:
            decoded = _loads(value) if isinstance(value, str | bytes) else value
            cached = _dumps(decoded or {})
            if isinstance(value, str):
                if len(self.detail) > _CACHE_LIMIT:
                    self.detail.clear()
                self.detail[value] = cached
        return cached


def _optional(value: str | None) -> str:
    return "null" if value is None else _string(value)


def _entry_text(row: Sequence[Any], tenant: str, seq: int, canonical: _Canonical) -> str:
    """The v1 entry of a row at `seq`; `tenant` is the tenant id already JSON-encoded."""
    s = _string
    return (
        f'{{"action":{s(row[5])},"actor_id":{s(row[4])},"actor_type":{s(row[3])},'
        f'"client_addr":{_optional(row[10])},"customer_id":{_optional(row[8])},'
        f'"detail":{canonical.of_detail(row[12])},"fields":{canonical.of_fields(row[9])},'
        f'"object_id":{_optional(row[7])},"object_type":{s(row[6])},'
        f'"occurred_at":"{_timestamp(row[2])}","outcome":{s(row[11])},"seq":{seq},'
        f'"tenant_id":{tenant},"v":{ENTRY_VERSION}}}'
    )


def _entry_hash(
    row: Sequence[Any], tenant_id: str | None, seq: int, canonical: _Canonical | None = None
) -> bytes:
    """leaf_hash(entry_bytes(row)) with `seq` in place of the row's own seq.

    A row whose columns have impossible types (hand-edited) hashes to something no stored
    leaf hash matches, never an exception."""
    try:
        text = _entry_text(row, _optional(tenant_id), seq, canonical or _Canonical())
    except (TypeError, ValueError):
        return _UNREADABLE
    return _sha256(b"\x00" + text.encode("utf-8")).digest()


# --- checkpoints ------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, slots=True)
class _Signed:
    size: int
    root: bytes
    source: str  # "stored" or "external"


def _open_notes(
    notes: Iterable[tuple[str, str, int | None, bytes | None]],
    verifier: Verifier,
    origin: str,
    findings: list[Finding],
) -> list[_Signed]:
    """Open each (source, note, stored size, stored root); forged ones become findings."""
    signed: list[_Signed] = []
    for source, note, size, root in notes:
        try:
            opened = open_checkpoint(note, [verifier], origin=origin).checkpoint
        except CheckpointError as exc:
            where = f"a {source} checkpoint" + (f" of size {size}" if size is not None else "")
            findings.append(
                Finding(
                    Damage.FORGED_CHECKPOINT, None, f"{where} does not verify: {exc}", _CHECKPOINT
                )
            )
            continue
        if (size is not None and opened.size != size) or (
            root is not None and opened.root_hash != root
        ):
            findings.append(
                Finding(
                    Damage.FORGED_CHECKPOINT,
                    None,
                    f"the stored checkpoint of size {size} has columns that disagree with its "
                    "signed note",
                    _CHECKPOINT,
                )
            )
            continue
        signed.append(_Signed(opened.size, opened.root_hash, source))
    return signed


# --- the walk ---------------------------------------------------------------------------------


def verify_log(
    conn: Connection,
    tenant_id: str | None,
    *,
    verifier: Verifier,
    origin: str,
    external: Sequence[str] = (),
) -> LogReport:
    """Verify one log (tenant_id None: the platform log) against its stored checkpoints and
    the external notes whose origin line names this log (others are ignored). Read-only."""
    findings: list[Finding] = []
    stored = stored_checkpoints.all_checkpoints(conn, tenant_id)
    signed = _open_notes(
        (("stored", c.note, c.tree_size, c.root_hash) for c in stored), verifier, origin, findings
    )
    mine = [n for n in external if note_origin(n) == origin]
    signed += _open_notes((("external", n, None, None) for n in mine), verifier, origin, findings)

    # Two correctly signed roots at one size: the key signed a split view.
    by_size: dict[int, _Signed] = {}
    for s in signed:
        other = by_size.setdefault(s.size, s)
        if other.root != s.root:
            findings.append(
                Finding(
                    Damage.FORGED_CHECKPOINT,
                    None,
                    f"a {other.source} and a {s.source} checkpoint of size {s.size} are both "
                    "signed by the log's key but have different roots",
                    _CHECKPOINT,
                )
            )
    if 0 in by_size and by_size[0].root != merkle.EMPTY_ROOT:
        findings.append(
            Finding(
                Damage.FORGED_CHECKPOINT,
                None,
                "a checkpoint of size 0 does not have the empty root",
                _CHECKPOINT,
            )
        )
    walk = _walk(conn, tenant_id, by_size)
    findings += walk.findings
    # Lowest sequence number first; at one number, the surest cause.
    findings.sort(key=lambda f: (f.first_bad_seq is None, f.first_bad_seq or 0, f.rank))
    return LogReport(
        origin=origin,
        tenant_id=tenant_id,
        tree_size=walk.size,
        root_hash=walk.root,
        checkpoints_checked=len(stored),
        external_checked=len(mine),
        findings=tuple(findings[:MAX_FINDINGS]),
    )


@dataclasses.dataclass(slots=True)
class _Walk:
    size: int
    root: bytes
    findings: list[Finding]


def _walk(conn: Connection, tenant_id: str | None, signed: dict[int, _Signed]) -> _Walk:
    """One pass over the rows in sequence order, O(log n) memory."""
    walker = _Walker(tenant_id, signed)
    for chunk in _chunks(conn, tenant_id):
        walker.feed(chunk)
    return _Walk(walker.size, walker.root(), walker.findings())


def _chunks(conn: Connection, tenant_id: str | None) -> Iterator[Sequence[Sequence[Any]]]:
    """The log's rows in sequence order, streamed in chunks, inside `conn`'s transaction.

    On SQLite and PostgreSQL straight from the driver's cursor (a server-side cursor on
    PostgreSQL): SQLAlchemy's row objects cost about a second per million rows.
    """
    query = _rows_query(conn.dialect.name, tenant_id is None)
    dialect = conn.dialect.name
    if dialect not in {"sqlite", "postgresql"}:
        result = conn.execution_options(stream_results=True).execute(query, {"tenant": tenant_id})
        yield from result.partitions(_CHUNK)
        return
    compiled = query.compile(dialect=conn.dialect)
    params = {**compiled.params, "tenant": tenant_id}
    dbapi = conn.connection.dbapi_connection
    if dbapi is None:
        raise RuntimeError("the connection is closed")
    if dialect == "sqlite":
        cursor = dbapi.cursor()
        cursor.execute(str(compiled), [params[name] for name in compiled.positiontup or ()])
    else:
        cursor = dbapi.cursor(name="anxin_audit_verify")
        cursor.execute(str(compiled), params)
    try:
        while chunk := cursor.fetchmany(_CHUNK):
            yield chunk
    finally:
        cursor.close()


class _Walker:
    """The state of one pass: the compact range, and the first sign of each kind of damage."""

    def __init__(self, tenant_id: str | None, signed: dict[int, _Signed]) -> None:
        self.tenant_id = tenant_id
        self.signed = signed
        # A compact range kept inline (see merkle.CompactRange): one root per set bit of size.
        self._stack: list[bytes] = []
        self._canonical = _Canonical()
        self.sizes = sorted(size for size in signed if size > 0)
        self._pending = iter(self.sizes)
        self._next_check = next(self._pending, -1)
        self._matched = 0  # the largest checkpoint size whose root matched so far
        self.root_breaks: list[tuple[int, int]] = []  # (last matching size, mismatching size)
        self.size = 0
        self._prev_id = -1
        self._prev_seq = -1
        self.numbering: Finding | None = None
        # The first break of insertion order: (seq of the row before it, that row's id).
        # Classified at the end: an inserted row's id is larger than every later row's.
        self.inversion: tuple[int, int] | None = None
        self.later_max_id = -1
        self.mismatch: tuple[int, Sequence[Any]] | None = None

    def feed(self, rows: Sequence[Sequence[Any]]) -> None:
        """The hot loop: per row one entry hash, about two node hashes, a few comparisons."""
        stack = self._stack
        pop = stack.pop
        push = stack.append
        sha256 = _sha256
        canonical = self._canonical
        detail_get = canonical.detail.get
        fields_get = canonical.fields.get
        s = _string
        version = ENTRY_VERSION
        tenant = _optional(self.tenant_id)
        n = self.size
        prev_id = self._prev_id
        prev_seq = self._prev_seq
        for row in rows:
            row_id = row[0]
            seq = row[1]
            if seq != n and self.numbering is None:
                self._numbering(seq, n)
            if self.inversion is not None:
                self.later_max_id = max(self.later_max_id, row_id)
            elif row_id < prev_id:
                self.inversion = (prev_seq, prev_id)
                self.later_max_id = row_id
            prev_id = row_id
            prev_seq = seq
            # _entry_text, inlined: this loop runs once per event of the log.
            try:
                (_, _, ts, actor_type, actor_id, action, object_type, object_id, customer_id,
                 fields, client_addr, outcome, detail, _) = row  # fmt: skip
                if len(ts) == 26 and ts[10] == " ":  # SQLite
                    ts = f"{ts[:10]}T{ts[11:]}Z"
                elif len(ts) != 27 or ts[26] != "Z":  # not PostgreSQL's to_char either
                    ts = _timestamp(ts)
                entry = (
                    f'{{"action":{s(action)},"actor_id":{s(actor_id)},'
                    f'"actor_type":{s(actor_type)},'
                    f'"client_addr":{"null" if client_addr is None else s(client_addr)},'
                    f'"customer_id":{"null" if customer_id is None else s(customer_id)},'
                    f'"detail":{detail_get(detail) or canonical.of_detail(detail)},'
                    f'"fields":{fields_get(fields) or canonical.of_fields(fields)},'
                    f'"object_id":{"null" if object_id is None else s(object_id)},'
                    f'"object_type":{s(object_type)},"occurred_at":"{ts}",'
                    f'"outcome":{s(outcome)},"seq":{seq},"tenant_id":{tenant},"v":{version}}}'
                )
                leaf = sha256(b"\x00" + entry.encode("utf-8")).digest()
            except (TypeError, ValueError):
                leaf = _entry_hash(row, self.tenant_id, seq)
            if leaf != row[_LEAF] and self.mismatch is None:
                self.mismatch = (seq, row)
            h = leaf
            m = n
            while m & 1:
                h = sha256(b"\x01" + pop() + h).digest()
                m >>= 1
            push(h)
            n += 1
            if n == self._next_check:
                self.size = n
                self._check_root(n)
        self.size = n
        self._prev_id = prev_id
        self._prev_seq = prev_seq

    def root(self) -> bytes:
        return merkle.CompactRange(self.size, self._stack).root()

    def _numbering(self, seq: int, position: int) -> None:
        # `position` is the row's place in the pass; a gapless log has seq == position.
        if seq < position:
            self.numbering = Finding(
                Damage.INSERTED, seq, f"sequence number {seq} is held twice", _NUMBERING
            )
        else:
            missing = f"sequence numbers {position} to {seq - 1} are missing"
            self.numbering = Finding(Damage.DELETED, position, missing, _NUMBERING)

    def _check_root(self, n: int) -> None:
        if self.root() == self.signed[n].root:
            self._matched = n
        else:
            self.root_breaks.append((self._matched, n))
        self._next_check = next(self._pending, -1)

    def findings(self) -> list[Finding]:
        n = self.size
        found: list[Finding] = []
        if self.numbering is not None:
            found.append(self.numbering)
        if self.inversion is not None:
            seq, row_id = self.inversion
            if row_id > self.later_max_id:
                detail = f"the row at sequence number {seq} was added after every later row"
                found.append(Finding(Damage.INSERTED, seq, detail, _ROW_IDS))
            else:
                detail = f"sequence order disagrees with insertion order at sequence number {seq}"
                found.append(Finding(Damage.REORDERED, seq, detail, _ROW_IDS))
        if self.mismatch is not None:
            found.append(_mismatch(self.mismatch[1], self.tenant_id, self.mismatch[0]))
        beyond = [size for size in self.sizes if size > n]
        if beyond:
            newest = self.signed[max(beyond)]
            detail = f"the log has {n} rows but a {newest.source} checkpoint covers {newest.size}"
            found.append(Finding(Damage.TRUNCATED, n, detail, _TRUNCATION))
        for good, bad in self.root_breaks:
            # Rows rewritten with their hashes recomputed: only the signed root shows it. A row
            # finding inside the range already names the damage more precisely.
            if any(f.first_bad_seq is not None and good <= f.first_bad_seq < bad for f in found):
                continue
            detail = (
                f"the rows no longer hash to the signed root of the {self.signed[bad].source} "
                f"checkpoint of size {bad}"
                + (f"; the checkpoint of size {good} still matches" if good else "")
            )
            found.append(Finding(Damage.EDITED, good, detail, _SIGNED_ROOT))
            break
        return found


def _mismatch(row: Sequence[Any], tenant_id: str | None, seq: int) -> Finding:
    """A row whose columns do not give its stored hash: edited, unless it is an untouched row
    moved by renumbering (its hash matches at the neighbouring sequence number)."""
    stored = bytes(row[_LEAF])
    if _entry_hash(row, tenant_id, seq + 1) == stored:
        detail = f"rows were removed before sequence number {seq + 1} and the rest renumbered"
        return Finding(Damage.DELETED, seq, detail)
    if seq > 0 and _entry_hash(row, tenant_id, seq - 1) == stored:
        detail = f"a row was added before sequence number {seq} and the rest renumbered"
        return Finding(Damage.INSERTED, seq - 1, detail)
    return Finding(
        Damage.EDITED, seq, f"the row at sequence number {seq} does not match its leaf hash"
    )


def verify_and_record(
    db: Database,
    *,
    principal: Principal,
    verifier: Verifier,
    origin: str,
    now: dt.datetime,
    external: Sequence[str] = (),
) -> LogReport:
    """Verify the principal's log, then record the run (AUDIT_VERIFY) in that log.

    The record is appended in a unit of work of its own, after the verdict, so it can neither
    change the result nor be lost with a failed read.
    """
    tenant_id = principal.tenant_id
    with db.unit_of_work(tenant_id=tenant_id) as session:
        report = verify_log(
            session.connection(), tenant_id, verifier=verifier, origin=origin, external=external
        )
    first = report.first
    with db.unit_of_work(tenant_id=tenant_id) as session:
        audit_service.append(
            session,
            principal=principal,
            action=AuditAction.AUDIT_VERIFY,
            object_type="audit_log",
            object_id=None,
            now=now,
            outcome=Outcome.SUCCESS if report.ok else Outcome.FAILED,
            detail={
                "origin": origin,
                "tree_size": report.tree_size,
                "checkpoints_checked": report.checkpoints_checked,
                "external_checked": report.external_checked,
                "damage": first.damage if first else None,
                "first_bad_seq": first.first_bad_seq if first else None,
            },
        )
    return report
