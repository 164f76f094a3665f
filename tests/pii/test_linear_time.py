"""Detection time grows linearly with the text, even on inputs built to make regexes backtrack.

The structural argument is in patterns.py (bounded quantifiers, no nested repeats over the same
characters, start guards); this test checks it empirically with a ratio, not a wall-clock
limit, so a slow or busy machine does not fail it (see timing.py): four times the input must
take well under the sixteen times as long that quadratic behaviour would.
"""

from __future__ import annotations

import pytest
from tests.pii.timing import GROWTH, LIMIT, growth_ratio

from anxin.pii.detector import default_detector
from anxin.pii.patterns import BUILTIN_SPECS
from anxin.pii.regex_bounds import unbounded_repeats

DETECTOR = default_detector()
SIZE = 20_000

ADVERSARIAL = {
    "digits": "1",
    "digits and spaces": "1 ",
    "digits and dashes": "13-",
    "digit groups": "6222 ",
    "at signs": "@",
    "local parts": "a@",
    "dotted labels": "a.",
    "dotted octets": "1.",
    "colons": "a:",
    "double colons": "1::",
    "spoken digits": "幺 ",
    "full-width digits": "１，",
    "mobiles": "13812345678 ",
    "ids in context": "身份证440106196403030005",
    "titled names": "Mr. Whitfield ",
    "unlisted surnames": "Fatima Al-Sayed ",
    "middle initials": "Thomas J. ",
    "mapped addresses": "::ffff:1.",
    "leading-word streets": "1 Calle Del ",
    "dotted mobiles": "+86.138.",
    "names opening turns": "：孟凡宇，",
    "repeated names": "Mr. Thompson 我是Thompson ",
}


@pytest.mark.parametrize("unit", ADVERSARIAL.values(), ids=list(ADVERSARIAL))
def test_when_the_adversarial_input_grows_then_time_grows_linearly(unit: str):
    ratio = growth_ratio(DETECTOR.detect, unit, SIZE // len(unit) + 1)
    assert ratio < LIMIT, f"{ratio:.1f}x for {GROWTH}x the input"


@pytest.mark.parametrize("spec", BUILTIN_SPECS, ids=[s.name for s in BUILTIN_SPECS])
def test_every_builtin_pattern_has_only_bounded_repeats(spec):
    # The structural half of the argument: bounded repeats bound the work per start position.
    assert unbounded_repeats(spec.regex) == 0


@pytest.mark.parametrize(("pattern", "count"), [(r"a+", 1), (r"(?:a|b*)c", 1), (r"a{1,5}", 0)])
def test_unbounded_repeats_are_counted_inside_groups(pattern: str, count: int):
    assert unbounded_repeats(pattern) == count
