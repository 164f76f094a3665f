"""The catalogue of sealed columns: where contact-center ciphertext lives and whose key made it.

Key rotation, `anxin keys check` and erasure walk every sealed value; they learn the tables from
here rather than each keeping its own list, so a new sealed column is added in one place.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import cast

from sqlalchemy import ColumnElement, FromClause, Select, Table, bindparam, func, select, tuple_
from sqlalchemy.orm import Session

from anxin.contact.models import Conversation, Customer, Message, Ticket
from anxin.crypto.aead import FieldRef

CUSTOMERS = cast(Table, Customer.__table__)
CONVERSATIONS = cast(Table, Conversation.__table__)
MESSAGES = cast(Table, Message.__table__)
TICKETS = cast(Table, Ticket.__table__)


@dataclasses.dataclass(frozen=True, slots=True, eq=False)
class SealedValue:
    column: SealedColumn
    key: tuple[str | int, ...]  # primary-key values of the row
    owner_id: str
    blob: bytes

    def ref(self, tenant_id: str) -> FieldRef:
        return self.column.ref(tenant_id, self.key)

    @property
    def row_id(self) -> str:
        return ":".join(str(part) for part in self.key)


@dataclasses.dataclass(frozen=True, slots=True, eq=False)  # SQL expressions: identity, not ==
class SealedColumn:
    """One `<name>_ct` column, its primary key and how to reach the owning customer."""

    table: Table
    name: str
    pk: tuple[str, ...]
    owner: ColumnElement[str]
    source: FromClause

    @property
    def label(self) -> str:
        return f"{self.table.name}.{self.name}"

    @property
    def blob(self) -> ColumnElement[bytes]:
        return cast(ColumnElement[bytes], self.table.c[f"{self.name}_ct"])

    def ref(self, tenant_id: str, key: Sequence[str | int]) -> FieldRef:
        return FieldRef(tenant_id, self.table.name, self.name, ":".join(str(k) for k in key))

    def _select(self, tenant_id: str) -> Select[tuple[object, ...]]:
        return (
            select(*(self.table.c[c] for c in self.pk), self.owner, self.blob)
            .select_from(self.source)
            .where(self.table.c.tenant_id == tenant_id, self.blob.is_not(None))
        )

    def values(self, row: Sequence[object]) -> SealedValue:
        n = len(self.pk)
        key = cast(tuple[str | int, ...], tuple(row[:n]))
        return SealedValue(self, key, cast(str, row[n]), cast(bytes, row[n + 1]))


def _column(
    table: Table, name: str, owner: ColumnElement[str], source: FromClause | None = None
) -> SealedColumn:
    pk = tuple(c.name for c in table.primary_key.columns)
    return SealedColumn(table, name, pk, owner, table if source is None else source)


COLUMNS: tuple[SealedColumn, ...] = (
    *(
        _column(CUSTOMERS, name, CUSTOMERS.c.id)
        for name in ("name", "phones", "email", "id_number", "address")
    ),
    _column(CONVERSATIONS, "resolution_summary", CONVERSATIONS.c.customer_id),
    _column(
        MESSAGES,
        "text",
        CONVERSATIONS.c.customer_id,
        MESSAGES.join(CONVERSATIONS, CONVERSATIONS.c.id == MESSAGES.c.conversation_id),
    ),
    _column(TICKETS, "subject", TICKETS.c.customer_id),
)


def owner_values(
    session: Session, *, tenant_id: str, owner_ids: Sequence[str]
) -> dict[str, list[SealedValue]]:
    """Every sealed value of some customers, across all tables, by customer: one query per
    column for the whole batch (per customer, the queries cost more than the crypto)."""
    out: dict[str, list[SealedValue]] = {o: [] for o in owner_ids}
    for column in COLUMNS:
        query = column._select(tenant_id).where(column.owner.in_(owner_ids))
        for row in session.execute(query):
            value = column.values(row)
            out[value.owner_id].append(value)
    return out


def scan(
    session: Session,
    column: SealedColumn,
    *,
    tenant_id: str,
    after: tuple[str | int, ...] | None,
    limit: int,
) -> list[SealedValue]:
    """The next `limit` sealed values of a column in primary-key order (keyset pagination)."""
    pk = [column.table.c[c] for c in column.pk]
    query = column._select(tenant_id).order_by(*pk).limit(limit)
    if after is not None:
        query = query.where(tuple_(*pk) > tuple_(*after))
    return [column.values(row) for row in session.execute(query)]


def count(session: Session, column: SealedColumn, *, tenant_id: str) -> int:
    query = (
        select(func.count())
        .select_from(column.table)
        .where(column.table.c.tenant_id == tenant_id, column.blob.is_not(None))
    )
    return int(session.execute(query).scalar_one())


def rewrite(session: Session, values: Sequence[tuple[SealedValue, bytes]]) -> None:
    """Store new ciphertext for values (one executemany per column)."""
    by_column: dict[SealedColumn, list[dict[str, object]]] = {}
    for value, blob in values:
        params: dict[str, object] = {
            f"k_{c}": v for c, v in zip(value.column.pk, value.key, strict=True)
        }
        params["new_blob"] = blob
        by_column.setdefault(value.column, []).append(params)
    for column, rows in by_column.items():
        table = column.table
        statement = (
            table.update()
            .where(*(table.c[c] == bindparam(f"k_{c}") for c in column.pk))
            .values({f"{column.name}_ct": bindparam("new_blob")})
        )
        session.execute(statement, rows)
