"""Shared fixtures: a clean, migrated database per test (SQLite, or PostgreSQL when
P2P_TEST_DATABASE_URL is set)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.settings import normalise_database_url
from storage.db import Database, make_engine

TEST_DATABASE_ENV = "P2P_TEST_DATABASE_URL"


async def reset_postgresql(url: str) -> None:
    engine = make_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            await connection.execute(text("CREATE SCHEMA public"))
    finally:
        await engine.dispose()


@pytest.fixture
async def database_url(tmp_path: Path) -> str:
    """An empty database: a file-backed SQLite in tmp_path, or the test PostgreSQL, wiped."""
    configured = os.environ.get(TEST_DATABASE_ENV)
    if configured:
        url = normalise_database_url(configured)
        await reset_postgresql(url)
        return url
    return f"sqlite+aiosqlite:///{tmp_path / 'p2p.db'}"


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    db = Database(database_url)
    await db.migrate()
    try:
        yield db
    finally:
        await db.dispose()
