"""Recognizers defined as data: a regex, context words and a named validator.

Built-in types and a tenant's own identifiers (an employee-number pattern from its
configuration) use the same `PatternSpec`, so adding one needs no code. The regexes run over
length-preserving views of the text (see textmap), so match offsets are original offsets.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Iterable, Iterator, Mapping

from anxin.pii import regex_skip, textmap
from anxin.pii.context import Cue, Cues, look_back
from anxin.pii.errors import InvalidRecognizerConfig
from anxin.pii.spans import EntityType, Span
from anxin.pii.validators import VALIDATORS, Validator

CONTEXT_BONUS = 0.1


@dataclasses.dataclass(frozen=True, slots=True)
class PatternSpec:
    """One recognizable form. A named group `value` in `regex`, if present, is the span.

    `context` words raise the score (and are demanded when `context_required`); `negative_context`
    words right before a candidate (or starting within `negative_after` characters after it, as in
    `4.6.10.172版本`) suppress it even when the validator passes. With `spoken`, the
    regex also runs over the spoken-digit view (幺三八… as 138…). `requires`: the regex only runs
    when one of these strings occurs in the text (an `@` for e-mail), which saves most of the time
    on texts without the value. `starts`: a regex character class (no brackets) holding every
    character a match can start with; a speed hint only (see `regex_skip`), and a test checks
    that each built-in spec's hint loses no match.
    """

    name: str
    type: EntityType
    regex: str
    score: float = 0.8
    validator: str | None = None
    context: tuple[str, ...] = ()
    negative_context: tuple[str, ...] = ()
    context_required: bool = False
    spoken: bool = False
    context_window: int = 40
    negative_reach: int = 12
    negative_after: int = 0
    requires: tuple[str, ...] = ()
    starts: str = ""


class PatternRecognizer:
    """Finds one PatternSpec's candidates and keeps those the validator and context accept."""

    def __init__(self, spec: PatternSpec, validators: Mapping[str, Validator] = VALIDATORS):
        self.spec = spec
        self.name: str = spec.name
        self.types: tuple[EntityType, ...] = (spec.type,)
        self._regex = compile_regex(spec.regex, spec.starts)
        self._validate = resolve_validator(spec.validator, validators)
        self._cues = Cues(spec.context, spec.negative_context)
        self._negative = tuple(w.lower() for w in spec.negative_context)

    def find(self, text: str) -> Iterable[Span]:
        # A list, not a generator: the detector calls every recognizer on every text and most
        # return nothing, so the cheaper the empty call, the better.
        views = textmap.views_of(text)
        if not self._may_occur(views):
            return []
        found = list(self._scan(views.written, spoken_only=False))
        if self.spec.spoken and views.spoken is not None:
            # Only matches that contain a spoken digit are new; the rest the first pass found.
            found += self._scan(views.spoken, spoken_only=True, original=text)
        return found

    def _may_occur(self, views: textmap.TextViews) -> bool:
        """Cheap substring checks that rule out a whole text before any regex runs."""
        if self.spec.requires and not any(r in views.written for r in self.spec.requires):
            return False
        return not self.spec.context_required or self._cues.any_positive_in(views.lower)

    def _scan(self, view: str, *, spoken_only: bool, original: str = "") -> Iterator[Span]:
        for start, end in candidates(self._regex, view):
            if start == end:
                continue
            if spoken_only and not textmap.has_spoken_digit(original[start:end]):
                continue
            if self._validate is not None and not self._validate(view[start:end]):
                continue
            if self._negative_follows(view, end):
                continue
            score = self._score(view, start)
            if score is not None:
                yield Span(start, end, self.spec.type, score)

    def _negative_follows(self, view: str, end: int) -> bool:
        reach = self.spec.negative_after
        if not reach:
            return False
        after = view[end : end + reach + 12].lower()
        return any(0 <= after.find(word) <= reach for word in self._negative)

    def _score(self, view: str, start: int) -> float | None:
        """The spec's score, raised by a positive cue; None when the context rules it out."""
        before = look_back(view, start, self.spec.context_window)
        cue = self._cues.nearest(
            before,
            negative_reach=self.spec.negative_reach,
            earlier_clauses=self.spec.context_required,
        )
        if cue is Cue.NEGATIVE or (cue is Cue.NONE and self.spec.context_required):
            return None
        bonus = CONTEXT_BONUS if cue is Cue.POSITIVE else 0.0
        return min(1.0, self.spec.score + bonus)


@functools.lru_cache(maxsize=64)
def candidates(regex: re.Pattern[str], view: str) -> tuple[tuple[int, int], ...]:
    """Match spans (the `value` group if the regex has one), left to right, never overlapping.
    Cached, so specs sharing a regex (debit and credit cards) scan each text once."""
    group = next((g for g in ("value", regex_skip.WHOLE) if g in regex.groupindex), 0)
    return tuple(regex_skip.without_overlaps(regex.finditer(view), group))


@functools.lru_cache(maxsize=256)
def compile_regex(pattern: str, starts: str = "") -> re.Pattern[str]:
    """`pattern` compiled; with `starts`, rewritten to skip to those characters (regex_skip)."""
    try:
        return re.compile(regex_skip.skip_to(starts, pattern) if starts else pattern)
    except re.error as exc:
        raise InvalidRecognizerConfig(f"the regex does not compile: {exc}") from None


def resolve_validator(name: str | None, validators: Mapping[str, Validator]) -> Validator | None:
    if name is None:
        return None
    if name not in validators:
        known = ", ".join(sorted(validators))
        raise InvalidRecognizerConfig(f"unknown validator {name!r}; known: {known}")
    return validators[name]
