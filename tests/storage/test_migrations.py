"""The migrations must build exactly the schema that tables.py describes."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from storage.db import Database
from storage.tables import Base


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


async def test_migrations_match_table_definitions(database: Database) -> None:
    async with database.engine.connect() as connection:
        differences = await connection.run_sync(_differences)
        tables = await connection.run_sync(_tables)
    assert differences == []
    assert {"workshops", "interviews", "answers", "inbound_events"} <= tables


async def test_migrating_twice_changes_nothing(database: Database) -> None:
    await database.migrate()
    async with database.engine.connect() as connection:
        assert await connection.run_sync(_differences) == []
