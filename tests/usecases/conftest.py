"""Use cases on a real database (SQLite, or PostgreSQL when P2P_TEST_DATABASE_URL is set),
built by the app's own bootstrap with hand-written fakes for Slack, the clock and the
directory. A test module overrides a fixture (e.g. `clock`) to change one of them."""

from __future__ import annotations

import pytest

from bot.workshop.bootstrap import Services, bootstrap, dependencies
from storage.db import Database
from tests.fakes import FakeClock, FakeDirectory, FakeMessenger


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def messenger(clock: FakeClock) -> FakeMessenger:
    return FakeMessenger(clock=clock)


@pytest.fixture
def directory() -> FakeDirectory:
    return FakeDirectory()


@pytest.fixture
def services(
    database: Database, messenger: FakeMessenger, clock: FakeClock, directory: FakeDirectory
) -> Services:
    return bootstrap(dependencies(database, messenger, clock=clock, directory=directory))
