"""Word lists shipped under `anxin/pii/data/`, read once per process.

Recognizers are pure and called per message, so each list is parsed on first use and cached;
nothing is read at import time. Lines starting with `#` are the files' provenance headers.
"""

from __future__ import annotations

import functools
from importlib import resources


@functools.cache
def load_lines(filename: str) -> tuple[str, ...]:
    """The non-comment, non-blank lines of a data file, in file order."""
    text = resources.files("anxin.pii").joinpath("data", filename).read_text(encoding="utf-8")
    stripped = (line.strip() for line in text.splitlines())
    return tuple(line for line in stripped if line and not line.startswith("#"))


@functools.cache
def load_set(filename: str) -> frozenset[str]:
    """A data file's entries as a set, for membership tests."""
    return frozenset(load_lines(filename))
