"""Recognizers defined as data: a regex, context words and a named validator.

Built-in types and a tenant's own identifiers (an employee-number pattern from its
configuration) use the same `PatternSpec`, so adding one needs no code. The regexes run over
length-preserving views of the text (see textmap), so match offsets are original offsets.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Iterable, Mapping

from anxin.pii import regex_skip, textmap
from anxin.pii.context import Cue, Cues, look_back
from anxin.pii.errors import InvalidRecognizerConfig
from anxin.pii.scanning import ScanGroup, Scanner, Spans
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
        self.scanner = scanner_for(spec.regex, spec.starts)
        self._validate = resolve_validator(spec.validator, validators)
        self._cues = Cues(spec.context, spec.negative_context)
        self._negative = tuple(w.lower() for w in spec.negative_context)
        self._requires = _any_of(spec.requires)

    def find(self, text: str) -> Iterable[Span]:
        return self.find_in(textmap.views_of(text), text)

    def find_in(self, views: textmap.TextViews, text: str) -> list[Span]:
        """`find`, given the text's views: the detector makes them once for all recognizers."""
        # A list, not a generator: the detector calls every recognizer on every text and most
        # return nothing, so the cheaper the empty call, the better (hence the checks inline).
        spec = self.spec
        if self._requires is not None and self._requires.search(views.written) is None:
            return []
        if spec.context_required and not self._cues.any_positive_in(views.lower):
            return []
        spans = self.scanner.spans(views.written)
        found = self._keep(spans, views.written) if spans else []
        if spec.spoken and views.spoken is not None:
            # Only matches that contain a spoken digit are new; the rest the first pass found.
            spans = self.scanner.spans(views.spoken)
            if spans:
                found += self._keep(spans, views.spoken, original=text)
        return found

    def scans_every_text(self) -> bool:
        """Whether no cheap check (`requires`, required context) can rule a text out."""
        return not self.spec.requires and not self.spec.context_required

    def _keep(self, spans: Spans, view: str, original: str | None = None) -> list[Span]:
        """The candidates the validator and the context accept; with `original`, `view` is the
        spoken view and only candidates holding a spoken digit there count."""
        found = []
        for start, end in spans:
            if start == end:
                continue
            if original is not None and not textmap.has_spoken_digit(original[start:end]):
                continue
            if self._validate is not None and not self._validate(view[start:end]):
                continue
            if self._negative_follows(view, end):
                continue
            score = self._score(view, start)
            if score is not None:
                found.append(Span(start, end, self.spec.type, score))
        return found

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


def _any_of(needles: tuple[str, ...]) -> re.Pattern[str] | None:
    """A regex that finds any of `needles` (`requires`): the same answer as
    `any(n in text for n in needles)`, a single search, no generator per call. None: no
    requirement."""
    if not needles:
        return None
    return re.compile("|".join(map(re.escape, needles)))


def share_scans(recognizers: Iterable[object]) -> None:
    """Let the pattern recognizers that scan every text (no `requires`, no required context)
    find their candidates in one pass (see `scanning`); the rest skip most texts, and a pass
    over everything would do their skipped work too. Output is unchanged; only speed differs."""
    members: dict[int, Scanner] = {}
    for recognizer in recognizers:
        if isinstance(recognizer, PatternRecognizer) and recognizer.scans_every_text():
            scanner = recognizer.scanner
            if scanner.combinable():
                members.setdefault(id(scanner), scanner)
    if len(members) > 1:
        _link(tuple(members.values()))


@functools.lru_cache(maxsize=8)
def _link(members: tuple[Scanner, ...]) -> ScanGroup:
    """One group per set of scanners, however many detectors are built."""
    group = ScanGroup(members)
    for member in members:
        member.share(group)
    return group


@functools.lru_cache(maxsize=256)
def scanner_for(pattern: str, starts: str = "") -> Scanner:
    """The one Scanner for `pattern` (and `starts`), so recognizers sharing it share its memo."""
    return Scanner(compile_regex(pattern, starts), pattern, starts)


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
