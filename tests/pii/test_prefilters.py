"""Cheap checks that skip work must be conservative: same answer as the work they skip."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from anxin.pii import textmap
from anxin.pii.context import _CLAUSE_BREAKS, clause_start
from anxin.pii.detector import Detector, default_detector
from anxin.pii.recognizers import _any_of

CORPUS = Path(__file__).parent / "corpus" / "dev.jsonl"
SPOKENISH = st.text(alphabet="0123456789０１２ ,，、杠幺一两三洞拐勾壹叁零号码是的", max_size=40)


def corpus_texts() -> list[str]:
    with CORPUS.open(encoding="utf-8") as lines:
        return [json.loads(line)["text"] for line in lines if line.strip()]


def full_check(text: str) -> bool:
    return textmap._HAS_SPOKEN_NUMBER.search(text) is not None


def test_when_checked_for_spoken_digits_first_then_the_corpus_answers_are_unchanged():
    for text in corpus_texts():
        assert textmap._has_spoken_number(text) == full_check(text), text


@settings(max_examples=500, deadline=None)
@given(text=SPOKENISH)
def test_when_checked_for_spoken_digits_first_then_any_text_gets_the_same_answer(text: str):
    assert textmap._has_spoken_number(text) == full_check(text)


@settings(max_examples=300, deadline=None)
@given(
    needles=st.lists(st.text(alphabet="@.:-a(", min_size=1, max_size=3), min_size=1, max_size=3),
    text=st.text(alphabet="@.:-a(b ", max_size=20),
)
def test_requires_as_one_regex_answers_as_any_substring(needles: list[str], text: str):
    found = _any_of(tuple(needles))
    assert found is not None
    assert (found.search(text) is not None) == any(n in text for n in needles)


def test_the_detector_finds_what_each_recognizer_finds_through_its_own_find():
    # The detector hands pattern recognizers the views directly; the public `find` still works
    # on its own and, overlaps resolved the same way, gives the same spans.
    detector = default_detector()
    one_by_one = Detector([_Plain(r) for r in detector.recognizers])
    for text in corpus_texts()[:400]:
        assert detector.detect(text) == one_by_one.detect(text), text


class _Plain:
    """A recognizer wrapped so the detector can only call its `find`."""

    def __init__(self, inner):
        self.inner = inner
        self.name = inner.name
        self.types = inner.types

    def find(self, text: str):
        return self.inner.find(text)


@settings(max_examples=500, deadline=None)
@given(before=st.text(alphabet="。！？；;!?\n ab电话", max_size=50))
def test_the_clause_start_is_after_the_last_break(before: str):
    assert clause_start(before) == max(before.rfind(c) for c in _CLAUSE_BREAKS) + 1
