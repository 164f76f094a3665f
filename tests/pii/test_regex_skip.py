"""regex_skip: a pattern rewritten to skip to its first characters finds exactly what it did."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from anxin.pii import regex_skip
from anxin.pii.patterns import BUILTIN_SPECS
from anxin.pii.recognizers import compile_regex
from anxin.pii.scanning import candidates

CORPUS = Path(__file__).parent / "corpus" / "dev.jsonl"
SKIPPING = [spec for spec in BUILTIN_SPECS if spec.starts]
NUMBERISH = st.text(alphabet="0123456789 -.:()+加86EGaAf号@", max_size=60)


def plain_spans(pattern: str, text: str) -> tuple[tuple[int, int], ...]:
    return tuple(m.span() for m in re.finditer(pattern, text))


def corpus_texts() -> list[str]:
    with CORPUS.open(encoding="utf-8") as lines:
        return [json.loads(line)["text"] for line in lines if line.strip()]


@pytest.mark.parametrize("spec", SKIPPING, ids=[s.name for s in SKIPPING])
def test_when_a_spec_gives_starts_then_the_corpus_matches_are_unchanged(spec):
    regex = compile_regex(spec.regex, spec.starts)
    for text in corpus_texts():
        assert candidates(regex, text) == plain_spans(spec.regex, text), text


@pytest.mark.parametrize("spec", SKIPPING, ids=[s.name for s in SKIPPING])
@settings(max_examples=200, deadline=None)
@given(text=NUMBERISH)
def test_when_a_spec_gives_starts_then_any_text_matches_as_before(spec, text: str):
    assert candidates(compile_regex(spec.regex, spec.starts), text) == plain_spans(spec.regex, text)


def test_when_matches_would_overlap_then_only_the_first_is_kept():
    # Without a start guard, "aaa" matches at 0, then (one character on) at 1 and 2.
    regex = re.compile(regex_skip.skip_to("a", "aa?"))
    assert list(regex_skip.without_overlaps(regex.finditer("aaa"))) == [(0, 2), (2, 3)]
