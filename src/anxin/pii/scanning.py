"""Candidate spans of a recognizer's regex in a view: each view scanned once per regex, and the
regexes every text runs through scanned together in one pass.

The detector calls thirteen pattern recognizers per text and most of their regexes open with a
digit; Python's engine pays for every attempt (about 0.1 µs) at every digit, once per regex. A
`ScanGroup` finds several regex_skip-rewritten patterns in one pass: at each character a member
can start with, it tries each member in a lookahead that captures the member's match in a group
of its own, so a member matches exactly where and as its own regex would. Members whose pattern
opens with the same negative lookbehind (`(?<![0-9A-Za-z])`, the start guard) are tried only
when that guard holds, so inside a run of digits one check replaces one attempt per member;
and where no member may start right after a digit, the rest of a run is passed over at once.
Tests compare a group's spans with each member's own on the corpus and on generated text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from anxin.pii import regex_bounds, regex_skip

Spans = tuple[tuple[int, int], ...]

# A negative lookbehind over one character class or class escape, with nothing nested in it.
_GUARD = re.compile(r"\(\?<!(?:\[(?:\\.|[^\]\\])*\]|\\[dDwWsS])\)")


def candidate_group(regex: re.Pattern[str]) -> int | str:
    """The group whose span is a candidate: `value` if the regex has one, else the whole match
    (the `WHOLE` group of a regex_skip rewrite, or group 0)."""
    return next((g for g in ("value", regex_skip.WHOLE) if g in regex.groupindex), 0)


def candidates(regex: re.Pattern[str], view: str) -> Spans:
    """Match spans (the `value` group if the regex has one), left to right, never overlapping."""
    return tuple(regex_skip.without_overlaps(regex.finditer(view), candidate_group(regex)))


class Scanner:
    """One compiled regex, shared by every spec with the same pattern, and the candidates of the
    last few views it scanned, so specs sharing a regex (debit and credit cards) scan each text
    once, and a `ScanGroup` can hand each member its spans.

    Replaces an `lru_cache` on (regex, view): hashing a compiled pattern hashes its whole code,
    on each of the thirteen calls per text. The memo is small (the written and spoken views of
    the text in hand) and emptied when full; its entries are pure values, so a race between
    threads at worst recomputes one.
    """

    __slots__ = ("_group", "_memo", "_shared", "pattern", "regex", "starts")

    _MEMO_SIZE = 4

    def __init__(self, regex: re.Pattern[str], pattern: str, starts: str) -> None:
        self.regex = regex
        self.pattern = pattern
        self.starts = starts
        self._group = candidate_group(regex)
        self._memo: dict[str, Spans] = {}
        self._shared: ScanGroup | None = None

    def spans(self, view: str) -> Spans:
        """`candidates(self.regex, view)`, remembered for the last few views."""
        found = self._memo.get(view)
        if found is None and self._shared is not None:
            self._shared.scan(view)
            # None only if another thread's scan emptied the memo in between.
            found = self._memo.get(view)
        if found is None:
            found = tuple(regex_skip.without_overlaps(self.regex.finditer(view), self._group))
            self.remember(view, found)
        return found

    def share(self, group: ScanGroup) -> None:
        """From now on, scan through `group` (which holds this scanner)."""
        self._memo.clear()
        self._shared = group

    def remember(self, view: str, found: Spans) -> None:
        if len(self._memo) >= self._MEMO_SIZE:
            self._memo.clear()
        self._memo[view] = found

    def combinable(self) -> bool:
        """Whether the pattern can sit inside a `ScanGroup`: rewritten by regex_skip (so it has
        a start class), and no groups or global flags of its own that would clash there."""
        if not self.starts:
            return False
        plain = re.compile(self.pattern)
        return plain.groups == 0 and plain.flags == re.UNICODE

    def guard(self) -> str:
        """The negative lookbehind every match of the pattern opens with, or "" if none is
        known: the pattern's text starts with it and the pattern is not an alternation at its
        top level (so no branch can skip it)."""
        found = _GUARD.match(self.pattern)
        if found is None or not _opens_with_assertion(self.pattern):
            return ""
        return found.group()


def _opens_with_assertion(pattern: str) -> bool:
    """Whether CPython's own parser reads `pattern` as a sequence opening with a negative
    assertion (rather than, say, `(?<!x)a|b`, a branch at its top level)."""
    parsed = regex_bounds.sre_parser.parse(pattern)
    return len(parsed) > 0 and str(parsed[0][0]) == "ASSERT_NOT"


class ScanGroup:
    """Several scanners' regexes found in one pass over a view; see the module docstring."""

    def __init__(self, members: Sequence[Scanner]) -> None:
        self._members = tuple(members)
        self._regex = re.compile(combined_pattern(self._members))
        self._indexes = tuple(self._regex.groupindex[f"m{i}"] for i in range(len(members)))

    def scan(self, view: str) -> None:
        """Every member's candidates in `view`, handed to the members' memos."""
        for member, spans in zip(self._members, self.find(view), strict=True):
            member.remember(view, spans)

    def find(self, view: str) -> list[Spans]:
        """Every member's candidates in `view`, in member order: what `candidates` gives for
        each member's own regex."""
        found: list[list[tuple[int, int]]] = [[] for _ in self._members]
        ends = [0] * len(self._members)
        for match in self._regex.finditer(view):
            if match.lastindex is None:  # a run of digits passed over: no member matched
                continue
            regs = match.regs  # every group's span in one call
            for at, group in enumerate(self._indexes):
                start, stop = regs[group]
                # -1: the member does not match here. Otherwise as `without_overlaps`.
                if start >= 0 and start >= ends[at]:
                    found[at].append((start, stop))
                    ends[at] = stop
        return [tuple(spans) for spans in found]


def combined_pattern(members: Sequence[Scanner]) -> str:
    """One regex trying every member at each character one of them can start with. Member i's
    match is the group `m<i>`; a match with no member group set matched no member."""
    starts = "(?:" + "|".join(f"[{m.starts}]" for m in members) + ")"
    by_guard: dict[str, list[int]] = {}
    for i, member in enumerate(members):
        by_guard.setdefault(member.guard(), []).append(i)
    tries = ""
    for guard, indexes in by_guard.items():
        # Each try always succeeds (its empty branch); only a matching member sets its group.
        each = "".join(_try(i, members[i]) for i in indexes)
        tries += f"(?:{guard}{each}|)" if guard else each
    return rf"{starts}(?<={tries}[\s\S]){_after_tries(members)}"


def _after_tries(members: Sequence[Scanner]) -> str:
    """What follows the tries at a start character.

    If no member may start right after an ASCII digit (each one's guard refuses it: put to
    the test character by character, not inferred), the rest of a run of digits is passed over
    in the same match, so the engine stops once per run rather than once per digit; a match
    where no member matched is then skipped by the caller. Otherwise, fail (and move on) where
    no member matched: nested conditionals, "if mK is set".
    """
    guards = {member.guard() for member in members}
    probes = [re.compile(r"[\s\S]" + guard) for guard in guards if guard]
    if "" not in guards and all(p.match(d) is None for p in probes for d in "0123456789"):
        return "(?:(?<=[0-9])[0-9]*)?"
    any_set = "(?!)"
    for i in reversed(range(len(members))):
        any_set = f"(?(m{i})|{any_set})"
    return any_set


def _try(i: int, member: Scanner) -> str:
    """Member i where it starts here, captured as `m<i>`; else nothing. The start class keeps
    it to the characters its own rewrite would stop at."""
    return f"(?:(?=(?P<m{i}>(?=[{member.starts}]){member.pattern}))|)"
