"""The explicit list of recognizers the default detector runs.

A new kind of personal data is one more entry here: a PatternSpec in patterns.py, or a factory
for a class implementing the Recognizer protocol (PERSON and ADDRESS, registered as one
recognizer so that each text's addresses are found once).
"""

from __future__ import annotations

from collections.abc import Callable

from anxin.pii.patterns import BUILTIN_SPECS
from anxin.pii.person_address import PersonAddressRecognizer
from anxin.pii.recognizers import PatternRecognizer, share_scans
from anxin.pii.spans import Recognizer

RecognizerFactory = Callable[[], Recognizer]

# Recognizers that are classes rather than pattern specs.
CLASS_RECOGNIZERS: tuple[RecognizerFactory, ...] = (PersonAddressRecognizer,)


def builtin_recognizers() -> list[Recognizer]:
    patterns: list[Recognizer] = [PatternRecognizer(spec) for spec in BUILTIN_SPECS]
    share_scans(patterns)
    return patterns + [factory() for factory in CLASS_RECOGNIZERS]
