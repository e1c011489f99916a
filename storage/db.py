"""Engine, sessions and migrations: the database's front door."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import event, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from bot.workshop.core.transaction import Transaction

if TYPE_CHECKING:
    from alembic.config import Config

logger = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def sql_session(session: Transaction) -> AsyncSession:
    """The SQLAlchemy session inside a unit of work that `Database.transaction()` opened.

    Repository functions take the opaque `Transaction` the domain holds and call this once.
    Raises `TypeError` for anything else, e.g. a fake that never touched a database.
    """
    if not isinstance(session, AsyncSession):
        raise TypeError(
            f"expected a transaction opened by Database.transaction(), got {type(session).__name__}"
        )
    return session


def insert_ignoring_duplicates(
    session: AsyncSession, entity: type[Any], values: dict[str, Any]
) -> postgresql.Insert | sqlite.Insert:
    """INSERT … ON CONFLICT DO NOTHING in the session's dialect."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(entity).values(**values).on_conflict_do_nothing()
    return sqlite.insert(entity).values(**values).on_conflict_do_nothing()


# Most work runs after Slack has had its acknowledgement, so nobody retries it: a burst
# of deliveries waits its turn for a connection rather than failing after SQLAlchemy's
# default 30 s (which loses the answer whose handler gave up).
POOL_TIMEOUT_SECONDS = 600
POOL_SIZE = 10  # connections kept open per process, and as many more in a burst


def make_engine(url: str) -> AsyncEngine:
    if url.startswith("sqlite"):
        _ensure_sqlite_folder(url)
        engine = create_async_engine(
            url, connect_args={"timeout": 30}, pool_timeout=POOL_TIMEOUT_SECONDS
        )
        _serialise_sqlite_writes(engine)
        return engine
    return create_async_engine(
        url,
        pool_pre_ping=True,
        pool_size=POOL_SIZE,
        max_overflow=POOL_SIZE,
        pool_timeout=POOL_TIMEOUT_SECONDS,
    )


def _ensure_sqlite_folder(url: str) -> None:
    path = url.split(":///", 1)[-1]
    if path and path != ":memory:":
        Path(path).expanduser().parent.mkdir(parents=True, exist_ok=True)


def _serialise_sqlite_writes(engine: AsyncEngine) -> None:
    """Start every SQLite transaction with BEGIN IMMEDIATE.

    pysqlite's deferred transactions let two writers read the same row and then fail
    to upgrade their locks; taking the write lock up front makes them queue instead.
    """

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        # Write-ahead logging: readers do not wait for the writer, and a commit needs one
        # sync of the log, not of the database file.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


class Database:
    """An engine and its session factory. One per process."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        """One unit of work: commits when the block ends, rolls back on error.

        What it yields is opaque outside storage/; repository functions open it.
        """
        async with self.sessions.begin() as session:
            yield session

    async def ping(self) -> bool:
        try:
            async with self.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except Exception:
            logger.warning("database ping failed", exc_info=True)
            return False
        return True

    async def migrate(self) -> None:
        """Bring the schema up to the newest migration."""
        async with self.engine.begin() as connection:
            await connection.run_sync(_upgrade_to_head)

    async def dispose(self) -> None:
        await self.engine.dispose()


def alembic_config(connection: Connection | None = None) -> Config:
    from alembic.config import Config  # Alembic loads only to migrate

    config = Config(str(Path(__file__).parent / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def _upgrade_to_head(connection: Connection) -> None:
    from alembic import command

    command.upgrade(alembic_config(connection), "head")
