"""English personal names: "First Last", a title + surname, or a capitalized name after a cue.

Capitalized words are everywhere in English (sentence starts, companies, products), so a name is
either a known given name followed by a known surname, a title followed by a capitalized word
(the title itself is not part of the name), or a capitalized word that a cue introduces
("my name is", "Dear", 我叫). Organisation words (Bank, Insurance, ...) veto a match.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from anxin.pii import regex_skip
from anxin.pii.lexicon import load_set

# A capitalized word, hyphenated or with an apostrophe (Delgado-Reyes, Al-Sayed, O'Donnell), or
# with a Mc/Mac prefix before its second capital (McAllister, MacKenzie).
# (The capital comes first so the regex engine can skip to capitals quickly.)
_WORD = r"[A-Z](?:c[A-Z]|ac[A-Z]|'[A-Z])?[a-z]+(?:[-'][A-Z][a-z]+)?"
# A middle initial between given name and surname (Thomas J. Whitfield) belongs to the name.
_INITIAL = r"(?:[ \t]+[A-Z]\.)?"
# Word edges for Latin words only: Python's \b sees no edge between Han and Latin letters,
# and mixed texts run Chinese straight into English names (客户Daniel Hayes来电).
_START = "(?<![A-Za-z0-9])"
_END = "(?![A-Za-z0-9])"
# A title, then one or two capitalized words; no nested quantifiers, so matching stays linear.
TITLE_RE = re.compile(
    rf"{_START}(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof)(?:\.[ \t]*|[ \t]+)({_WORD})(?:[ \t]+({_WORD}))?"
)
# Phrases said right before a name, in English (then a space or comma) or Chinese (then
# optionally a colon). Speaker labels ("Agent: ") are deliberately not cues.
EN_CUES = (
    "my name is", "my name's", "name's", "it's", "it is", "this is", "I'm", "I am",
    "name on the account is", "name on the card is", "account holder is", "dear", "customer",
    "caller", "client", "member", "cardholder", "holder", "speaking with", "speaking",
    "spoke to", "spoke with", "talked to", "ask for", "call me", "recipient is", "agent",
    "thanks", "thank you", "hi", "hello", "hey", "bye", "sorry", "under the name",
    "addressed to", "attn", "attention", "name on card", "contact person", "signed", "regards",
    "sincerely", "identified as", "named", "applicant",
)  # fmt: skip
ZH_CUES = (
    "我叫", "叫", "名字是", "中文名", "英文名", "收件人", "收货人", "联系人", "持卡人",
    "写", "填", "是",
)  # fmt: skip


def _either_case(phrase: str) -> str:
    """A cue as a regex whose first letter may be either case (My name is, my name is)."""
    head, rest = phrase[0], re.escape(phrase[1:])
    return f"[{head.upper()}{head.lower()}]{rest}" if head.isalpha() else re.escape(phrase)


_EN_CUE = "|".join(_either_case(c) for c in sorted(EN_CUES, key=len, reverse=True))
_ZH_CUE = "|".join(sorted(ZH_CUES, key=len, reverse=True))
# The characters a cue starts with, so the engine skips everything else (see regex_skip).
_EN_STARTS = {c[0] for c in (*EN_CUES, "name")}
_CUE_STARTS = "".join(sorted({c.lower() + c.upper() for c in _EN_STARTS} | {c[0] for c in ZH_CUES}))
CUE_RE = re.compile(
    regex_skip.skip_to(
        _CUE_STARTS,
        rf"(?:{_START}(?:{_EN_CUE})(?::[ \t]*|[ \t,]+)|(?:{_START}[Nn]ame|{_ZH_CUE})[ \t:：]*)"
        rf"(?P<first>{_WORD})(?:{_INITIAL}[ \t]+(?P<second>{_WORD}))?",
    )
)
PAIR_RE = re.compile(rf"{_START}({_WORD}){_INITIAL}[ \t]+({_WORD}){_END}")
# Every form above needs a capitalized word; most Chinese texts have none, and one search for a
# capital then a small letter spares them the cue regex, whose many alternatives are slow to scan.
_CAPITALIZED = re.compile("[A-Z][a-z]")


def _org_words() -> frozenset[str]:
    return load_set("en_org_words.txt")


def _is_non_name(word: str) -> bool:
    """A capitalized word that a cue or title may precede but that is no name."""
    return word in load_set("en_not_names.txt") or word in _org_words()


def _first_names() -> frozenset[str]:
    return load_set("en_first_names.txt")


def _surnames() -> frozenset[str]:
    return load_set("en_surnames.txt")


def _in_list(word: str, names: frozenset[str]) -> bool:
    """Whether a word is in a name list as the Census spells it (O'Donnell as Odonnell,
    McAllister as Mcallister), or one half of a hyphenated word is (Delgado-Reyes, Anne-Marie)."""
    if word in names or word.replace("'", "").capitalize() in names:
        return True
    return "-" in word and any(part in names for part in word.split("-"))


def find_english_names(text: str) -> Iterator[tuple[int, int, float]]:
    """(start, end, score) of English names; may overlap, the caller resolves that."""
    if _CAPITALIZED.search(text) is None:
        return
    found = [*_titled(text), *_cued(text), *_pairs(text)]
    yield from found
    yield from _repeated(text, found)


# The alternation costs time per name at every position; a text naming more people than this is
# no conversation, and skipping the step there keeps detection linear in the text's length.
_MAX_REPEATED = 16


def _repeated(text: str, found: list[tuple[int, int, float]]) -> Iterator[tuple[int, int, float]]:
    """Other mentions of a surname or single name found above, standing alone: after "Mr.
    Thompson", the "Thompson" in 我是Thompson is the same person. Lower score, so a longer
    name found at the same place wins."""
    if not found:
        return
    vetoed = load_set("en_not_names.txt"), _org_words()
    words = {text[start:end].rsplit(" ", 1)[-1] for start, end, _ in found}
    words = {w for w in words if w not in vetoed[0] and w not in vetoed[1]}
    if not words or len(words) > _MAX_REPEATED:
        return
    # str.find per word, not a regex compiled per text: few words, and find runs in C.
    ends = {end for _, end, _ in found}
    for word in words:
        at = text.find(word)
        while at >= 0:
            end = at + len(word)
            # The word is each found name's last (a set, so many names stay linear): skip those.
            if end not in ends and _stands_alone(text, at, end):
                yield (at, end, 0.7)
            at = text.find(word, end)


def _stands_alone(text: str, start: int, end: int) -> bool:
    """No Latin letter or digit touches the span on either side (Chinese may: 我是Thompson)."""
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    return not (before.isascii() and before.isalnum()) and not (after.isascii() and after.isalnum())


def _titled(text: str) -> Iterator[tuple[int, int, float]]:
    for m in TITLE_RE.finditer(text):
        if _is_non_name(m.group(1)):
            continue
        yield (m.start(1), _titled_end(text, m), 0.9)


def _titled_end(text: str, m: re.Match[str]) -> int:
    """After a title, a second word is the surname if listed, or if the first word is not a
    surname itself and the second stands alone (Dr. Ngozi Okonjo-Iweala, but Ms. Perry Please)."""
    second = m.group(2)
    if second is None:
        return m.end(1)
    if _is_surname_word(second):
        return m.end(2)
    unlisted = not _is_surname_word(m.group(1)) and not _is_non_name(second)
    return m.end(2) if unlisted and _PLACE_AFTER.match(text, m.end(2)) is None else m.end(1)


def _cued(text: str) -> Iterator[tuple[int, int, float]]:
    # A rejected match resumes at its first word, which may itself start a cue
    # ("Agent: This is Grace" is "Agent" + "This", then "This is" + "Grace").
    pos = 0
    while (m := CUE_RE.search(text, pos)) is not None:
        found = _cued_name(m)
        if found is not None:
            yield found
        pos = m.end(regex_skip.WHOLE) if found is not None else m.start("first")


def _cued_name(m: re.Match[str]) -> tuple[int, int, float] | None:
    """The name a cue introduces: two capitalized words, or one that is a known name.

    After a cue two capitalized words are a name even when neither is in our lists (held-out
    names differ), unless one of them marks an organisation or is a known non-name.
    """
    first, second = m.group("first"), m.group("second")
    if _is_non_name(first) or _is_speaker_label(m):
        return None
    if second is not None and not _is_non_name(second):
        return (m.start("first"), m.end("second"), 0.9)
    # A known given name then a surname that is also an organisation word (Linda Park).
    if second is not None and _in_list(first, _first_names()) and second in _surnames():
        return (m.start("first"), m.end("second"), 0.9)
    # One word alone must be a given name: many surnames are also words or brands ("This is
    # Apple", "Thanks Price"), while a cue followed by a given name rarely means anything else.
    if _in_list(first, _first_names()):
        return (m.start("first"), m.end("first"), 0.85)
    return None


def _is_speaker_label(m: re.Match[str]) -> bool:
    """A cue word with a colon at the start of a line is a speaker ("Agent: Thanks"), not a cue
    ("name on card: Wei Zhang")."""
    text, start = m.string, m.start()
    at_line_start = start == 0 or text[start - 1] == "\n"
    return at_line_start and ":" in text[start : m.start("first")]


def _pairs(text: str) -> Iterator[tuple[int, int, float]]:
    # Overlapping pairs matter ("Hi Daniel Hayes": "Hi Daniel" fails, "Daniel Hayes" holds),
    # so each match restarts at its second word.
    pos = 0
    while (m := PAIR_RE.search(text, pos)) is not None:
        if _is_person_pair(text, m):
            yield (m.start(1), m.end(2), 0.8)
            pos = m.end()
        else:
            pos = m.start(2)


def _is_person_pair(text: str, m: re.Match[str]) -> bool:
    """A known given name, a known surname, and nothing around them saying street or company."""
    first, last = m.group(1), m.group(2)
    if not _in_list(first, _first_names()) or _is_non_name(last):
        return False
    after_house_number = re.search(r"\d[ \t]*$", text[max(0, m.start() - 3) : m.start()])
    if after_house_number is not None or not _not_org(text, m.end()):
        return False
    if _is_surname_word(last):
        return True
    # A surname from no list (held-out names differ) after a known given name, only where it is
    # shaped like a surname (Al-Sayed, O'Neil) or a middle initial says a person is meant (Gregory
    # P. Lindqvist): a plain capitalized word after a given name is as often a place or a brand
    # (Austin Texas, Chase Sapphire, Ray Ban). And only where the pair stands alone: not inside
    # a longer run of capitalized words (Calle Del Sol), not before a state (Santa Fe, NM).
    shaped = any(c in last for c in "-'") or "." in text[m.end(1) : m.start(2)]
    before = text[max(0, m.start() - 30) : m.start()]
    alone = _CAPITALIZED_BEFORE.search(before) is None and _PLACE_AFTER.match(text, m.end()) is None
    return shaped and alone


_CAPITALIZED_BEFORE = re.compile(r"[A-Z][A-Za-z'\-]*\.?[ \t]+$")
_PLACE_AFTER = re.compile(r",?[ \t]+(?:[A-Z][A-Z](?![A-Za-z])|[A-Z][a-z]+)")


def _is_surname_word(word: str | None) -> bool:
    return word is not None and word not in _org_words() and _in_list(word, _surnames())


def _not_org(text: str, end: int) -> bool:
    """The word after a pair is not an organisation word ("Morgan Grant Bank")."""
    follower = re.match(r"[ \t]+([A-Z][a-z]+)", text[end : end + 40])
    return follower is None or follower.group(1) not in _org_words()
