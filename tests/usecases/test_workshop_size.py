"""A big workshop costs the database no more statements than a small one: importing it
and loading it for a summary run a fixed number of SQL statements, whatever the number of
people and answers (SQLite, or PostgreSQL when P2P_TEST_DATABASE_URL is set)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from benchmarks.summary_scale import build_document
from bot.workshop.bootstrap import Services
from bot.workshop.core.analysis.metrics import analyse_path
from bot.workshop.core.analysis.themes import load_theme_book
from bot.workshop.core.export import parse_export
from bot.workshop.core.questions import load_question_bank
from bot.workshop.usecases.summarise import load_workshop
from storage.db import Database

SMALL, LARGE = 3, 60


@contextmanager
def statements(database: Database) -> Iterator[list[str]]:
    """The SQL statements the database runs inside the block (one per executemany)."""
    seen: list[str] = []

    def record(*args: Any) -> None:
        seen.append(args[2])  # conn, cursor, statement, parameters, context, executemany

    engine = database.engine.sync_engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


async def import_people(services: Services, people: int) -> tuple[int, list[str]]:
    document = parse_export(json.dumps(build_document(people)))
    with statements(services.archive.database) as seen:
        result = await services.archive.import_workshop(document)
    assert result.participants == people
    assert result.answers == sum(len(p.answers) for p in document.participants)
    return result.workshop.id, seen


async def test_importing_runs_as_many_statements_for_sixty_people_as_for_three(
    services: Services,
) -> None:
    _, small = await import_people(services, SMALL)
    _, large = await import_people(services, LARGE)
    assert len(large) == len(small), (small, large)
    inserts = [s for s in large if s.lstrip().upper().startswith("INSERT INTO ANSWERS")]
    assert len(inserts) == 1, "every answer in one INSERT, executed for many rows"


async def test_loading_for_a_summary_runs_as_many_statements_for_sixty_people_as_for_three(
    services: Services, database: Database
) -> None:
    small_id, _ = await import_people(services, SMALL)
    large_id, _ = await import_people(services, LARGE)
    with statements(database) as small:
        await load_workshop(database, workshop_id=small_id)
    with statements(database) as large:
        workshop, everyone, answers = await load_workshop(database, workshop_id=large_id)
    assert len(large) == len(small)
    selects = [s for s in large if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 3, "the workshop, its interviews, their answers"
    assert len(everyone) == LARGE
    analysis = analyse_path(workshop, everyone, answers, load_question_bank(), load_theme_book())
    assert analysis.roles_total == LARGE
