"""US street addresses: house number, street and suffix, then unit, city, state and ZIP if present.

One regex with bounded repetition and no nested quantifiers: every optional part is tried once,
so matching is linear. The street suffix is required, which keeps "3 Pro Max" and "24 hours" out.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from anxin.pii import regex_skip
from anxin.pii.lexicon import load_lines

# An abbreviation's dot is the address's only when more address follows; at a sentence end
# ("... 12 Main St.") it is the full stop.
_SUFFIX = (
    r"(?:Street|Avenue|Road|Boulevard|Lane|Drive|Court|Way|Place|Terrace|Circle|Parkway|Highway|"
    r"Square|Trail|Plaza|Row|Loop|"
    r"(?:St|Ave|Rd|Blvd|Ln|Dr|Ct|Pl|Ter|Cir|Pkwy|Hwy|Sq|Trl)"
    r"(?:\.(?=,|[ ](?:Apt|Apartment|Suite|Ste|Unit|Room|Rm|Floor|Fl|#)))?)"
)
# A street name's words: capitalized, ordinals, and initials (Colin P Kelly Jr St).
_NAME = r"(?:(?:[A-Z]')?[A-Z][a-z]+(?:-[A-Z]?[a-z]+)?|\d{1,3}(?:st|nd|rd|th)|[A-Z](?=[ ]))"
# Streets named with a leading word instead of a suffix (612 Calle Del Sol, 40 Camino Real), and
# the few named with none (501 Broadway): only the city and state after them make an address.
_PREFIX = r"(?:Calle|Camino|Avenida|Paseo|Via|Rue|Avenue of the)"
_HOUSE = r"(?<![A-Za-z0-9])\d{1,6}(?:-\d{1,4}|[A-Z](?![A-Za-z]))?"
_UNIT = (
    r"(?:,?[ ](?:Apt|Apartment|Suite|Ste|Unit|Room|Rm|Floor|Fl)\.?[ ]?#?[A-Za-z0-9-]{1,6}"
    r"|,?[ ]#[A-Za-z0-9-]{1,6})"
)
_CITY = r"(?:St\.?[ ]|Saint[ ])?[A-Z][a-z]+(?:[- ][A-Z][a-z]+){0,2}"
_PO_BOX = r"(?<![A-Za-z0-9])P\.?[ ]?O\.?[ ]Box[ ]\d{1,6}"
# Every street suffix (and Box) is a capital then a small letter; most Chinese texts have none.
_CAPITALIZED = re.compile("[A-Z][a-z]")


@functools.cache
def _address_re() -> re.Pattern[str]:
    # Full names first so "New York" is not cut to a two-letter code's worth of match.
    rows = [line.split("\t") for line in load_lines("us_states.txt")]
    states = "|".join([name for _, name in rows] + [code for code, _ in rows])
    street = (
        rf"(?:[NSEW]\.?[ ])?{_NAME}(?:[ ]{_NAME}){{0,3}}"
        rf"[ ]{_SUFFIX}(?![A-Za-z])(?:[ ](?:NW|NE|SW|SE|N|S|E|W)(?![A-Za-z0-9]))?{_UNIT}?"
    )
    place = rf",[ ]{_CITY},?[ ](?:{states})(?:[ ]\d{{5}}(?:-\d{{4}})?)?(?![A-Za-z0-9])"
    prefixed = rf"(?:{_PREFIX}(?:[ ]{_NAME}){{1,3}}|Broadway|The Embarcadero){_UNIT}?"
    # A post-office box is an address only with its town: "PO Box 12" alone is not.
    # Every address starts with a house number or a P; the engine skips to those (regex_skip),
    # and the house number is matched once for both street forms.
    return re.compile(
        regex_skip.skip_to(
            r"\dP",
            rf"{_HOUSE}[ ](?:{street}(?:{place})?|{prefixed}{place})|{_PO_BOX}{place}",
        )
    )


def find_english_addresses(text: str) -> Iterator[tuple[int, int, float]]:
    """(start, end, score) of each US street address."""
    if _CAPITALIZED.search(text) is None:
        return
    for start, end in regex_skip.without_overlaps(_address_re().finditer(text)):
        yield (start, end, 0.9)
