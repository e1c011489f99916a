"""Reminders and deadlines run on a Thursday morning clock, for people in three time
zones (see cases.py)."""

from __future__ import annotations

import pytest

from tests.fakes import FakeClock, FakeDirectory
from tests.usecases.schedules.cases import people_directory, thursday_clock


@pytest.fixture
def clock() -> FakeClock:
    return thursday_clock()


@pytest.fixture
def directory() -> FakeDirectory:
    return people_directory()
