"""A ratio test for linear time, robust on a busy two-core machine.

The input grows fourfold: linear work takes about 4x as long, quadratic about 16x. The limit of
8 sits between them, so scheduler noise (which moved a twofold comparison past its limit of 4
under load) does not fail it, while backtracking still does.
"""

from __future__ import annotations

import time
from collections.abc import Callable

GROWTH = 4
LIMIT = 8.0


def best_time(func: Callable[[str], object], text: str, repeats: int = 3) -> float:
    """The fastest of a few runs, so a scheduler hiccup does not count."""
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        func(text)
        best = min(best, time.perf_counter() - started)
    return best


def growth_ratio(func: Callable[[str], object], unit: str, times: int) -> float:
    """Time on `unit` * GROWTH*times over time on `unit` * times (about GROWTH when linear).

    The lowest of three measurements: on a loaded machine a burst of other work can land in one
    long run, while super-linear behaviour shows in all three."""
    return min(_one_ratio(func, unit, times) for _ in range(3))


def _one_ratio(func: Callable[[str], object], unit: str, times: int) -> float:
    small = best_time(func, unit * times)
    return best_time(func, unit * (GROWTH * times)) / max(small, 1e-4)
