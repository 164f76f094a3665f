"""scanning: regexes found together in one pass find exactly what each finds on its own."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from anxin.pii import registry
from anxin.pii.patterns import BUILTIN_SPECS
from anxin.pii.recognizers import PatternRecognizer, compile_regex
from anxin.pii.scanning import ScanGroup, Scanner, candidates, combined_pattern

CORPUS = Path(__file__).parent / "corpus" / "dev.jsonl"
# Digits, separators, letters the patterns start with or guard against, and Chinese text.
# Other scripts' digits (٣, １) are `\d` but not [0-9]: a run of them is not passed over.
NUMBERISH = st.text(alphabet="0123456789 -.:()+加86EGaAfxX号@一幺三电话身份证\n٣１", max_size=80)


def fresh_scanner(pattern: str, starts: str) -> Scanner:
    """A scanner of its own (not the shared one), so no memo or group is involved."""
    return Scanner(compile_regex(pattern, starts), pattern, starts)


def every_combinable_spec() -> ScanGroup:
    """All built-in patterns that can be combined, more than the default detector groups."""
    patterns = dict.fromkeys((s.regex, s.starts) for s in BUILTIN_SPECS)
    members = [fresh_scanner(p, s) for p, s in patterns]
    return ScanGroup([m for m in members if m.combinable()])


GROUP = every_combinable_spec()
MEMBERS = GROUP._members


def corpus_texts() -> list[str]:
    with CORPUS.open(encoding="utf-8") as lines:
        return [json.loads(line)["text"] for line in lines if line.strip()]


def own_spans(text: str) -> list[tuple[tuple[int, int], ...]]:
    return [candidates(member.regex, text) for member in MEMBERS]


def test_when_scanned_together_then_the_corpus_candidates_are_unchanged():
    assert len(MEMBERS) >= 8
    for text in corpus_texts():
        assert GROUP.find(text) == own_spans(text), text


@settings(max_examples=500, deadline=None)
@given(text=NUMBERISH)
def test_when_scanned_together_then_any_text_gives_the_same_candidates(text: str):
    assert GROUP.find(text) == own_spans(text)


def test_the_default_detector_scans_its_always_run_patterns_together():
    shared = [
        r.spec.name
        for r in registry.builtin_recognizers()
        if isinstance(r, PatternRecognizer) and r.scanner._shared is not None
    ]
    assert shared == ["cn_mobile", "cn_landline", "cn_id", "bank_card", "credit_card", "us_phone"]


def test_when_a_pattern_opens_with_a_start_guard_then_it_is_its_guard():
    assert fresh_scanner(r"(?<![0-9A-Za-z])\d{3}", r"\d").guard() == "(?<![0-9A-Za-z])"
    assert fresh_scanner(r"(?<!\d)\d{3}", r"\d").guard() == r"(?<!\d)"


@pytest.mark.parametrize(
    "pattern",
    [r"(?<![0-9])\d{3}|x\d", r"\d{3}", r"(?<![0-9])\d(?<!x)|\d\d"],
)
def test_when_a_branch_may_skip_the_guard_then_there_is_none(pattern: str):
    assert fresh_scanner(pattern, r"\dx").guard() == ""


def test_when_a_guarded_and_an_unguarded_branch_then_matches_are_still_found():
    group = ScanGroup(
        [fresh_scanner(r"(?<![0-9])\d{3}|x\d", r"\dx"), fresh_scanner(r"(?<!\d)\d\d", r"\d")]
    )
    assert group.find("1234 x5 99") == [((0, 3), (5, 7)), ((0, 2), (8, 10))]


@pytest.mark.parametrize("pattern", [r"(?P<value>\d{3})", r"(\d)\1", r"(?i)ab"])
def test_when_a_pattern_has_groups_or_global_flags_then_it_is_scanned_alone(pattern: str):
    # Compiled plainly: some of these do not survive the regex_skip rewrite at all.
    assert not Scanner(re.compile(pattern), pattern, r"\da").combinable()
    assert not fresh_scanner(r"\d{3}", "").combinable()


def test_when_the_group_leaves_no_spans_then_a_member_scans_on_its_own():
    # What another thread's scan emptying the memo in between would cause.
    member = fresh_scanner(r"(?<!\d)\d\d", r"\d")
    other = fresh_scanner(r"(?<![0-9])\d{3}", r"\d")
    group = ScanGroup([member, other])
    member.share(group)
    group.scan = lambda view: None  # type: ignore[method-assign]
    assert member.spans("12 345") == candidates(member.regex, "12 345") == ((0, 2), (3, 5))


def test_when_every_guard_refuses_a_digit_before_then_runs_of_digits_are_passed_over():
    guarded = [fresh_scanner(r"(?<![0-9A-Za-z])\d{3}", r"\d"), fresh_scanner(r"(?<!\d)\d\d", r"\d")]
    assert combined_pattern(guarded).endswith("(?:(?<=[0-9])[0-9]*)?")
    assert ScanGroup(guarded).find("12345 678 9") == [((0, 3), (6, 9)), ((0, 2), (6, 8))]
    # A guard that lets a match start after a digit: every digit is tried.
    loose = [*guarded, fresh_scanner(r"(?<![a-z])\d\d", r"\d")]
    assert "(?(m0)" in combined_pattern(loose)
    assert ScanGroup(loose).find("12345") == [((0, 3),), ((0, 2),), ((0, 2), (2, 4))]
    for text in ("12345 678 9", "12345", "a12 ٣٣٣ 1１1"):
        for group, members in ((ScanGroup(guarded), guarded), (ScanGroup(loose), loose)):
            assert group.find(text) == [candidates(m.regex, text) for m in members]
