"""A database p2p cannot use at all is named in one sentence, not a driver's traceback;
any other database error keeps its traceback."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from bot.__main__ import main
from storage.db import Database, unusable_database
from tests.conftest import TEST_DATABASE_ENV


def port_nobody_listens_on() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])  # free again once closed


async def failure_of(url: str) -> BaseException:
    """What migrating the database at ``url`` raises, from opening it on."""
    try:
        database = Database(url)
    except Exception as error:
        return error
    try:
        await database.migrate()
    except Exception as error:
        return error
    finally:
        await database.dispose()
    raise AssertionError(f"{url} was usable")


def test_p2p_migrate_names_a_server_that_does_not_answer_without_its_password(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    port = port_nobody_listens_on()
    monkeypatch.chdir(tmp_path)  # no .env
    monkeypatch.setenv("DATABASE_URL", f"postgresql://p2p:hunter2@127.0.0.1:{port}/p2p")

    assert main(["migrate"]) == 2

    err = capsys.readouterr().err
    assert err.startswith(
        f"p2p: nothing answers at postgresql+asyncpg://p2p:***@127.0.0.1:{port}/p2p"
    )
    assert "DATABASE_URL" in err
    assert "hunter2" not in err
    assert "Traceback" not in err


async def test_a_sqlite_file_that_cannot_be_created_is_named() -> None:
    url = "sqlite+aiosqlite:////proc/p2p-no-such-folder/p2p.db"

    problem = unusable_database(url, await failure_of(url))

    assert problem == (
        "cannot open the SQLite database /proc/p2p-no-such-folder/p2p.db: No such file or directory"
    )


async def test_a_failing_statement_is_not_taken_for_an_unusable_database(
    database: Database,
) -> None:
    with pytest.raises(DBAPIError) as failed:
        async with database.engine.connect() as connection:
            await connection.execute(text("SELECT * FROM no_such_table"))

    assert unusable_database(database.url, failed.value) is None


@pytest.mark.skipif(not os.environ.get(TEST_DATABASE_ENV), reason="needs PostgreSQL")
async def test_a_postgresql_database_that_does_not_exist_is_named_with_how_to_create_it() -> None:
    url = (
        make_url(os.environ[TEST_DATABASE_ENV])
        .set(drivername="postgresql+asyncpg", database="p2p_no_such_database")
        .render_as_string(hide_password=False)
    )

    problem = unusable_database(url, await failure_of(url))

    assert problem is not None
    assert problem.startswith("the database 'p2p_no_such_database' does not exist at ")
    assert problem.endswith("create it first (for example: createdb p2p_no_such_database)")


@pytest.mark.skipif(not os.environ.get(TEST_DATABASE_ENV), reason="needs PostgreSQL")
async def test_a_postgresql_user_that_does_not_exist_is_refused_in_a_sentence() -> None:
    url = (
        make_url(os.environ[TEST_DATABASE_ENV])
        .set(drivername="postgresql+asyncpg", username="p2p_no_such_user", password=None)
        .render_as_string(hide_password=False)
    )

    problem = unusable_database(url, await failure_of(url))

    assert problem is not None
    assert problem.endswith("refused the user name or password")


def test_an_os_error_of_p2ps_own_is_not_taken_for_the_database() -> None:
    try:
        raise OSError(98, "error while attempting to bind on address: address already in use")
    except OSError as error:
        own = error

    assert unusable_database("postgresql+asyncpg://p2p@127.0.0.1:5432/p2p", own) is None
    assert unusable_database("sqlite+aiosqlite:///p2p.db", own) is None
