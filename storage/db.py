"""Engine, sessions and migrations: the database's front door."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import event, inspect, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, make_url
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
# Where Alembic records which migrations ran (its default name): there once p2p migrate has.
MIGRATIONS_TABLE = "alembic_version"


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


def shown_url(url: str) -> str:
    """The database URL as it may be shown to whoever runs p2p: without its password."""
    return make_url(url).render_as_string(hide_password=True)


def unusable_database(url: str, error: BaseException) -> str | None:
    """What to tell whoever runs p2p when ``error`` says the database at ``url`` cannot be
    used at all: nothing answers there, it does not exist, it refused the credentials, or
    the SQLite file cannot be opened. None for any other error (a failing statement, a
    bug), whose traceback says more. The URL is shown without its password."""
    causes = _causes(error)
    names = {type(e).__name__ for e in causes}
    address = make_url(url)
    shown = shown_url(url)
    if "InvalidCatalogNameError" in names:
        return (
            f"the database {address.database!r} does not exist at {shown}: create it first "
            f"(for example: createdb {address.database})"
        )
    if names & {"InvalidPasswordError", "InvalidAuthorizationSpecificationError"}:
        return f"the database at {shown} refused the user name or password"
    sqlite_file = address.get_backend_name() == "sqlite"
    for e in causes:
        if sqlite_file and "unable to open database file" in str(e):
            return f"cannot open the SQLite database {address.database}: unable to open it"
        if not isinstance(e, OSError) or not _raised_reaching_the_database(e):
            continue  # a file or a port of p2p's own, not the database's
        if sqlite_file:
            return f"cannot open the SQLite database {address.database}: {e.strerror or e}"
        return f"nothing answers at {shown}: {e.strerror or e}"
    return None


_DATABASE_MODULES = frozenset({"sqlalchemy", "asyncpg", "aiosqlite", "sqlite3"})


def _raised_reaching_the_database(error: BaseException) -> bool:
    """Whether ``error`` was raised by the database drivers, or by this module opening a
    database (its SQLite folder)."""
    frame = error.__traceback__
    while frame is not None:
        module = str(frame.tb_frame.f_globals.get("__name__", ""))
        if module == __name__ or module.split(".")[0] in _DATABASE_MODULES:
            return True
        frame = frame.tb_next
    return False


def _causes(error: BaseException) -> list[BaseException]:
    """The error and what it wraps (SQLAlchemy keeps the driver's error as ``orig``)."""
    seen: list[BaseException] = []
    todo: list[BaseException | None] = [error]
    while todo:
        e = todo.pop()
        if e is None or any(e is s for s in seen):
            continue
        seen.append(e)
        todo += [e.__cause__, e.__context__, getattr(e, "orig", None)]
    return seen


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

    async def has_schema(self) -> bool:
        """Whether ``p2p migrate`` has made p2p's tables here. Raises the driver's error
        when the database cannot be reached at all (``unusable_database`` names it)."""
        async with self.engine.connect() as connection:
            return await connection.run_sync(lambda sync: inspect(sync).has_table(MIGRATIONS_TABLE))

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
