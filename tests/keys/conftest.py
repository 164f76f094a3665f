"""Fixtures for key-management tests: a small populated tenant."""

from __future__ import annotations

import datetime as dt

import pytest
from tests.keys.seeding import Seeded, seed


@pytest.fixture
def seeded(world) -> Seeded:
    seeded = seed(world)
    # Rotations re-seal keys made before they started; move time on as in real life.
    world.runtime.clock.advance(dt.timedelta(minutes=1))
    return seeded
