"""The data map: where a tenant's personal data is stored, by data class and table, with counts.

For the privacy officer and data-classification reviews. It counts, and nothing more: no sealed
value is opened, no key is touched, no value is selected (only `IS NOT NULL` / length tests,
group-by types and kinds, and counts), so the audit event names no fields.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Executable, and_, case, func, select
from sqlalchemy.orm import Session

from anxin.access.permissions import Permission
from anxin.access.service import authorize
from anxin.audit import service as audit_service
from anxin.audit.actions import AuditAction
from anxin.contact.models import (
    Conversation,
    Customer,
    CustomerIndex,
    Message,
    MessageEntity,
    MessageIndex,
    Ticket,
)
from anxin.kernel.clock import Clock
from anxin.kernel.principal import Principal
from anxin.masking.styles import FIELD_CLASSES
from anxin.pii import catalogue
from anxin.pii.spans import CustomType, EntityType, PiiType

SEALED = "sealed per-customer DEK"
BLIND_INDEX = "blind index HMAC"
REDACTED_COPY = "redacted copy, plaintext"
TYPES_ONLY = "types and offsets only"
# Free texts (messages, ticket subjects, summaries) hold whatever a person wrote: no one class.
FREE_TEXT = "free_text"
# A stored tenant type whose recognizer configuration is gone: its class is no longer known.
UNCLASSIFIED = "unclassified"
_BUILTIN = frozenset(t.value for t in PiiType)

# Blind-index kinds and the class of the identifier each one digests.
INDEX_KIND_CLASSES = {
    "phone": catalogue.DataClass.CONTACT,
    "email": catalogue.DataClass.CONTACT,
    "id_number": catalogue.DataClass.GOVERNMENT_ID,
}


@dataclasses.dataclass(frozen=True, slots=True)
class DataMapRow:
    """One place personal data is stored. `rows_with_value` counts rows (or index entries, or
    detected spans for `message_entities`), never values."""

    table: str
    column: str
    data_class: str
    pii_types: tuple[str, ...]
    sensitivity: int | None
    pipl_sensitive: bool | None
    rows_with_value: int
    protection: str

    def as_json(self) -> dict[str, Any]:
        return {**dataclasses.asdict(self), "pii_types": list(self.pii_types)}


def data_map(
    session: Session,
    *,
    clock: Clock,
    principal: Principal,
    resolve: Callable[[str], EntityType] | None = None,
) -> list[DataMapRow]:
    """The principal's tenant's data map; appends `contact:data_map:read` in the same
    transaction (no fields: nothing personal is read). `resolve` turns a stored type name into
    the tenant's own type (`TenantRecognizers.resolve`), so its types get their classes."""
    authorize(principal, Permission.DATA_MAP_READ, object_type="data_map")
    tenant_id = principal.tenant_id
    rows = [
        *_customer_rows(session, tenant_id),
        *_text_rows(session, tenant_id),
        *_entity_rows(session, tenant_id, resolve or _builtin_or_unclassified),
        *_index_rows(session, tenant_id, CustomerIndex),
        *_index_rows(session, tenant_id, MessageIndex),
    ]
    audit_service.append(
        session,
        principal=principal,
        action=AuditAction.DATA_MAP_READ,
        object_type="data_map",
        object_id=None,
        now=clock.now(),
        detail={"tenant_id": tenant_id, "rows": len(rows)},
    )
    return rows


def _class_row(
    table: str,
    column: str,
    data_class: catalogue.DataClass | str,
    count: int,
    protection: str,
    pii_types: Sequence[EntityType] = (),
) -> DataMapRow:
    """A row whose sensitivity and PIPL flag are the strictest of the class's types (or of the
    named types, when known)."""
    entries = [catalogue.entry_for(t) for t in pii_types] or [
        e for e in catalogue.entries() if e.data_class == data_class
    ]
    return DataMapRow(
        table=table,
        column=column,
        data_class=str(data_class),
        pii_types=tuple(str(t) for t in pii_types),
        sensitivity=max((int(e.sensitivity) for e in entries), default=None),
        pipl_sensitive=any(e.pipl_sensitive for e in entries) if entries else None,
        rows_with_value=count,
        protection=protection,
    )


def _present(column: Any) -> ColumnElement[bool]:
    return and_(column.is_not(None), func.length(column) > 0)


def _count_where(condition: ColumnElement[bool]) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _customer_rows(session: Session, tenant_id: str | None) -> list[DataMapRow]:
    # Erased customers keep a tombstone row with emptied columns; count only the live ones.
    live = Customer.erased_at.is_(None)
    columns = [getattr(Customer, f"{field}_ct") for field in FIELD_CLASSES]
    counts = session.execute(
        select(*(_count_where(and_(live, _present(c))) for c in columns)).where(
            Customer.tenant_id == tenant_id
        )
    ).one()
    return [
        _class_row("customers", f"{field}_ct", data_class, int(count), SEALED)
        for (field, data_class), count in zip(FIELD_CLASSES.items(), counts, strict=True)
    ]


def _text_rows(session: Session, tenant_id: str | None) -> list[DataMapRow]:
    sealed_texts = session.execute(
        select(
            _count_where(_present(Message.text_ct)), _count_where(_present(Message.text_redacted))
        ).where(Message.tenant_id == tenant_id)
    ).one()
    subjects = session.scalar(
        select(_count_where(_present(Ticket.subject_ct))).where(Ticket.tenant_id == tenant_id)
    )
    summaries = session.scalar(
        select(_count_where(_present(Conversation.resolution_summary_ct))).where(
            Conversation.tenant_id == tenant_id
        )
    )
    return [
        _free_text("messages", "text_ct", sealed_texts[0], SEALED),
        _free_text("messages", "text_redacted", sealed_texts[1], REDACTED_COPY),
        _free_text("tickets", "subject_ct", subjects, SEALED),
        _free_text("conversations", "resolution_summary_ct", summaries, SEALED),
    ]


def _free_text(table: str, column: str, count: Any, protection: str) -> DataMapRow:
    return DataMapRow(table, column, FREE_TEXT, (), None, None, int(count or 0), protection)


def _builtin_or_unclassified(name: str) -> EntityType:
    return PiiType(name) if name in _BUILTIN else CustomType(name, data_class="")


def _entity_rows(
    session: Session, tenant_id: str | None, resolve: Callable[[str], EntityType]
) -> list[DataMapRow]:
    """Per detected type: messages whose sealed text holds it, and the spans recorded for it."""
    spans = _counts_by(
        session,
        select(MessageEntity.type, func.count())
        .where(MessageEntity.tenant_id == tenant_id)
        .group_by(MessageEntity.type),
    )
    per_message = (
        select(MessageEntity.type, MessageEntity.conversation_id, MessageEntity.seq)
        .where(MessageEntity.tenant_id == tenant_id)
        .distinct()
        .subquery()
    )
    messages = _counts_by(
        session, select(per_message.c.type, func.count()).group_by(per_message.c.type)
    )
    # Catalogue order, then a tenant's own types by name; a type never detected has no row.
    names: list[str] = [t.value for t in PiiType if t.value in spans]
    names += sorted(n for n in spans if n not in _BUILTIN)
    rows: list[DataMapRow] = []
    for name in names:
        pii_type = resolve(name)
        data_class = catalogue.class_of(pii_type)
        types = [pii_type] if data_class is not None else []
        shown_class = data_class if data_class is not None else UNCLASSIFIED
        rows.append(_class_row("messages", "text_ct", shown_class, messages[name], SEALED, types))
        rows.append(
            _class_row(
                "message_entities",
                f"type ({name})" if not types else "type",
                shown_class,
                spans[name],
                TYPES_ONLY,
                types,
            )
        )
    return rows


def _counts_by(session: Session, query: Executable) -> dict[str, int]:
    return {str(key): int(count) for key, count in session.execute(query)}


def _index_rows(
    session: Session, tenant_id: str | None, model: type[CustomerIndex] | type[MessageIndex]
) -> list[DataMapRow]:
    counts = _counts_by(
        session,
        select(model.kind, func.count())
        .where(model.tenant_id == tenant_id)
        .group_by(model.kind)
        .order_by(model.kind),
    )
    return [
        _class_row(
            str(model.__tablename__),
            f"digest ({kind})",
            INDEX_KIND_CLASSES.get(kind, FREE_TEXT),
            int(count),
            BLIND_INDEX,
        )
        for kind, count in counts.items()
    ]
