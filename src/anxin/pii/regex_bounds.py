"""Why detection stays linear: every repeat in a recognizer's regex has an upper bound.

With no unbounded repeat (`*`, `+`, `{n,}`), a match starting at any position can only look at a
bounded number of characters, so however the engine backtracks, the work per start position is
a constant of the pattern, and a scan of n characters costs O(n). Built-in patterns are checked
in tests; a tenant's pattern is refused at configuration time if it is unbounded.

`re._parser` is CPython's own regex parser (the public `sre_parse` alias is deprecated); using
it means we judge exactly the tree the engine will run.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from typing import Any

# Imported by name: typeshed has no stubs for this private module.
sre_parser: Any = importlib.import_module("re._parser")
_REPEATS = ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT")


def unbounded_repeats(pattern: str) -> int:
    """How many repeats in `pattern` have no upper bound (0 for a linear-time pattern)."""
    return _count(sre_parser.parse(pattern))


def _count(items: Iterable[Any]) -> int:
    total = 0
    for op, arg in items:
        if str(op) in _REPEATS:
            _low, high, body = arg
            total += (high == sre_parser.MAXREPEAT) + _count(body)
        else:
            total += sum(_count(sub) for sub in _subpatterns(arg))
    return total


def _subpatterns(arg: Any) -> Iterable[Any]:
    """Nested pattern lists inside an opcode's argument (groups, branches, lookarounds)."""
    if isinstance(arg, sre_parser.SubPattern):
        yield arg
    elif isinstance(arg, tuple | list):
        for part in arg:
            yield from _subpatterns(part)
