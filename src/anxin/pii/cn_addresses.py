"""Chinese postal addresses: administrative divisions, then a street, compound and building.

An address starts at a real province, city or district name (from the shipped GB/T 2260 list) and
must go on to something a place name alone never has: a street with a number, or a compound with
a building, unit or room. So 他在北京工作 is not an address while 北京市朝阳区建国路88号 is.
The street part is matched by one anchored regex with bounded, non-nested repetition, so time
stays linear in the text length.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

import ahocorasick

from anxin.pii.lexicon import load_lines

_HAN = "[\u4e00-\u9fff]"
_NUM = "[0-9０-９一二三四五六七八九十百零〇两]"
_ROAD = rf"{_HAN}{{1,10}}?(?:大道|大街|路|街|巷|胡同|弄|道|里)(?:{_NUM}段)?"
# Typed addresses sometimes set numbers apart with spaces (长治路 111 号 A 座 1203 室): one space
# may stand before 号 or a unit word, and between the parts.
_NUMBER = rf"{_NUM}{{1,5}}(?:[-－]{_NUM}{{1,4}})? ?(?:号院|号|弄)"
_UNIT = rf"(?:{_NUM}|[A-Za-z]){{1,5}} ?(?:栋|幢|座|号楼|楼|层|单元|室|号|户|期|区|组|舍)"
# A trailing bare room number (5层501) belongs to the address; a longer digit run does not.
_ROOM = "[0-9０-９]{2,4}(?![0-9０-９A-Za-z])"
_UNITS = rf"{_UNIT}(?: ?{_UNIT}){{0,4}}(?:{_ROOM})?"
# A compound is whatever name comes before its building number (华润城, 星河丽景, SOHO现代城) ...
_COMPOUND = r"(?:(?!的)[\u4e00-\u9fffA-Za-z]){2,12}?"
# ... or, with no number after it, a name ending like a building or estate (怡化金融科技大厦).
_ESTATE = "(?:大厦|广场|中心|花园|小区|公寓|大楼|家园|公馆|写字楼|商城|苑|园|城|府|庭|院|村|社区)"
_NAMED = rf"(?:(?!的){_HAN}){{1,12}}{_ESTATE}"
_BUILDING = rf"(?:{_COMPOUND}{_UNITS}|{_NAMED}(?:{_UNITS}|{_ROOM})?|{_UNITS})"
# Parts may be set apart by one space (北京市 朝阳区 建国路 88号), half- or full-width.
_SP = "[ \u3000]?"
_TOWN = rf"(?:{_HAN}{{2,6}}?(?:镇|乡|街道){_SP})?"
STREET_RE = re.compile(
    rf"{_SP}{_TOWN}(?:{_ROAD}{_SP}{_NUMBER}(?:{_SP}{_BUILDING})?"
    rf"|(?:{_ROAD}{_SP})?(?:{_COMPOUND}{_UNITS}|{_NAMED}{_SP}{_UNITS}))"
)
# Every street match ends a number or a unit: a numeral or letter right before 号, 弄, 栋, 室 ...
# A text without one holds no address, and this one search is far cheaper than the division scan.
_UNIT_WORD = "(?:号|弄|栋|幢|座|楼|层|单元|室|户|期|区|组|舍)"
_NUMBERED_PART = re.compile(rf"(?:{_NUM}|[A-Za-z]) ?{_UNIT_WORD}")

# Two-character district names that are also plain words (城区, 郊区, 新区 ...).
_GENERIC_FIRST = frozenset("城郊矿新市东西南北中")
_SUFFIXES = ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "省", "市")


@functools.cache
def _automaton() -> ahocorasick.Automaton:
    """Every division name, full and (for provinces and cities) without its 省/市 suffix."""
    automaton = ahocorasick.Automaton()
    for line in load_lines("cn_divisions.txt"):
        name, level = line.split("\t")
        for form in _forms(name, level):
            automaton.add_word(form, len(form))
    automaton.make_automaton()
    return automaton


def _forms(name: str, level: str) -> list[str]:
    if level == "district":
        generic = len(name) == 2 and name[0] in _GENERIC_FIRST
        return [] if generic else [name]
    for suffix in _SUFFIXES:
        short = name.removesuffix(suffix)
        if short != name and len(short) >= 2:
            return [name, short]
    return [name]


def _division_ends(text: str) -> dict[int, list[int]]:
    """For each start offset, the ends of the division names starting there, longest first."""
    ends: dict[int, list[int]] = {}
    for last, length in _automaton().iter(text):
        ends.setdefault(last + 1 - length, []).append(last + 1)
    for found in ends.values():
        found.sort(reverse=True)
    return ends


def find_chinese_addresses(text: str) -> Iterator[tuple[int, int, float]]:
    """(start, end, score) of each Chinese address, left to right, never overlapping."""
    if _NUMBERED_PART.search(text) is None:
        return
    divisions = _division_ends(text)
    consumed = 0
    for start in sorted(divisions):
        if start < consumed:
            continue
        end = _address_end(text, start, divisions)
        if end is not None:
            yield (start, end, 0.9)
            consumed = end


def _address_end(text: str, start: int, divisions: dict[int, list[int]]) -> int | None:
    """The end of the address whose division chain starts at `start`, if a street follows.

    The chain is followed greedily (province, city, district), and the street is tried after
    the longest chain first, then shorter ones: 南京 in 南京路 is a city name but here a street's.
    """
    for chain_end in reversed(_chain(start, divisions, text)):
        m = STREET_RE.match(text, chain_end)
        if m is not None:
            return m.end()
    return None


def _chain(start: int, divisions: dict[int, list[int]], text: str) -> list[int]:
    """Ends of consecutive division names from `start` (at most four levels, one space apart)."""
    ends: list[int] = []
    pos = start
    while len(ends) < 4:
        if pos not in divisions and text[pos : pos + 1] in (" ", "\u3000"):
            pos += 1
        if pos not in divisions:
            break
        pos = divisions[pos][0]
        ends.append(pos)
    return ends
