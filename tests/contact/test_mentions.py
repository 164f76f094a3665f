"""Detection at ingestion: a redacted copy, entities and blind-index entries, stored atomically."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from anxin.contact import mentions
from anxin.contact.erasure import erase_customer
from anxin.contact.models import Message, MessageEntity, MessageIndex
from anxin.contact.schemas import ConversationCreate, MessageIn
from anxin.crypto.blind_index import IndexKind, blind_digest

TEXT = "手机13812345678，邮箱Zhang.San@QQ.com，身份证440106196403030005"
REDACTED = "手机[CN_MOBILE]，邮箱[EMAIL]，身份证[CN_ID]"
CANONICAL = {
    IndexKind.PHONE: "+8613812345678",
    IndexKind.EMAIL: "zhang.san@qq.com",
    IndexKind.ID_NUMBER: "440106196403030005",
}


def _create(world):
    request = ConversationCreate(phone="13900001111", channel="chat")
    with world.runtime.db.unit_of_work(tenant_id=world.acme.id) as session:
        return world.contact().create_conversation(
            session, principal=world.acme.gateway, request=request
        )


def _append(world, conversation_id: str, texts: list[str], key: str = "k"):
    with world.runtime.db.unit_of_work(tenant_id=world.acme.id) as session:
        return world.contact().append_messages(
            session,
            principal=world.acme.gateway,
            conversation_id=conversation_id,
            messages=[MessageIn(speaker="customer", text=t) for t in texts],
            idempotency_key=key,
        )


def _counts(world) -> tuple[int, int, int]:
    with world.runtime.db.unit_of_work(tenant_id=world.acme.id) as session:
        messages, entities, index = (
            session.scalar(select(func.count()).select_from(model))
            for model in (Message, MessageEntity, MessageIndex)
        )
        return messages, entities, index


def test_ingestion_stores_the_redacted_copy_entities_and_index_entries(world) -> None:
    conversation = _create(world)
    _append(world, conversation.id, [TEXT, "谢谢"])
    with world.runtime.db.unit_of_work(tenant_id=world.acme.id) as session:
        redacted = session.scalars(select(Message.text_redacted).order_by(Message.seq)).all()
        entities = session.execute(
            select(MessageEntity.seq, MessageEntity.type, MessageEntity.start_offset).order_by(
                MessageEntity.start_offset
            )
        ).all()
        index = session.execute(select(MessageIndex.kind, MessageIndex.digest, MessageIndex.seq))
        index_rows = {(kind, digest, seq) for kind, digest, seq in index}
    assert redacted == [REDACTED, "谢谢"]
    assert [(seq, kind) for seq, kind, _ in entities] == [
        (1, "CN_MOBILE"),
        (1, "EMAIL"),
        (1, "CN_ID"),
    ]
    assert entities[0][2] == TEXT.index("138")
    keys = world.runtime.keyring.index_keys(tenant_id=world.acme.id)
    assert index_rows == {
        (kind.value, blind_digest(key.key, kind=kind, normalized=value), 1)
        for key in keys
        for kind, value in CANONICAL.items()
    }


def test_values_that_do_not_normalize_are_redacted_but_not_indexed() -> None:
    detected = mentions.detect("手机13812345678")
    assert detected.identifiers == {(IndexKind.PHONE, "+8613812345678")}
    assert mentions.detect("没有个人信息").identifiers == frozenset()


def test_a_retried_batch_does_not_duplicate_entities_or_index_entries(world) -> None:
    conversation = _create(world)
    _append(world, conversation.id, [TEXT], key="same")
    before = _counts(world)
    assert _append(world, conversation.id, [TEXT], key="same").replayed
    assert (
        _counts(world)
        == before
        == (1, 3, 3 * len(world.runtime.keyring.index_keys(tenant_id=world.acme.id)))
    )


def test_a_failed_batch_leaves_nothing_half_written(world, monkeypatch) -> None:
    conversation = _create(world)

    def fail(*_args: object, **_kwargs: object) -> list[dict[str, object]]:
        raise RuntimeError("the index write failed")

    monkeypatch.setattr(mentions, "index_rows", fail)
    with pytest.raises(RuntimeError):
        _append(world, conversation.id, [TEXT, "再见"])
    assert _counts(world) == (0, 0, 0)


def test_erasure_removes_entities_and_index_entries(world) -> None:
    conversation = _create(world)
    _append(world, conversation.id, [TEXT])
    rt = world.runtime
    with rt.db.unit_of_work(tenant_id=world.acme.id) as session:
        erase_customer(
            session,
            keyring=rt.keyring,
            clock=rt.clock,
            principal=world.acme.users["privacy_officer"],
            customer_id=conversation.customer_id,
        )
    assert _counts(world) == (0, 0, 0)
