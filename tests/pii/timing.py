"""A ratio test for linear time: doubling the input must not much more than double the time."""

from __future__ import annotations

import time
from collections.abc import Callable


def best_time(func: Callable[[str], object], text: str, repeats: int = 5) -> float:
    """The fastest of a few runs, so a scheduler hiccup on a shared machine does not count."""
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        func(text)
        best = min(best, time.perf_counter() - started)
    return best


def growth_ratio(func: Callable[[str], object], unit: str, times: int) -> float:
    """Time on `unit` * 2*times over time on `unit` * times (about 2 when linear).

    The lowest of three measurements: on a shared, loaded machine one measurement can land a
    burst of other work in the longer run, while quadratic behaviour shows in all three."""
    return min(_one_ratio(func, unit, times) for _ in range(3))


def _one_ratio(func: Callable[[str], object], unit: str, times: int) -> float:
    return best_time(func, unit * (2 * times)) / max(best_time(func, unit * times), 1e-4)
