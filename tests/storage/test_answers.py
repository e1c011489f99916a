"""Uniqueness that holds across transactions: a question keeps its first answer, and a
Slack delivery is acted on once, even when two arrive at the same moment.

Both rest on INSERT … ON CONFLICT DO NOTHING. On PostgreSQL a second insert of a key that
an open transaction has just inserted waits for that transaction and then does nothing;
the tests hold the first transaction open until PostgreSQL shows the second one waiting.
On SQLite every transaction begins IMMEDIATE, so the second simply runs after the first.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta

import pytest
from sqlalchemy import text

from bot.workshop.core.model import Answer, Interview
from bot.workshop.core.transaction import Transaction
from storage import inbound, interviews
from storage.db import Database
from tests.storage.conftest import NOW

Save = Callable[[Transaction], Awaitable[bool]]


def answer_to(interview: Interview, text: str, *, key: str = "lead_time") -> Answer:
    return Answer(
        interview_id=interview.id,
        question_key=key,
        stage="Build",
        raw_text=text,
        parsed=None,
        answered_at=NOW,
        answered_by=interview.user_id,
    )


async def saved(database: Database, answer: Answer) -> bool:
    async with database.transaction() as session:
        return await interviews.save_answer(session, answer=answer)


async def claimed(database: Database, key: str) -> bool:
    async with database.transaction() as session:
        return await inbound.claim_inbound_event(session, key=key, now=NOW)


async def stored_answers(database: Database, interview: Interview) -> dict[str, str]:
    async with database.transaction() as session:
        found = await interviews.list_answers_of_interview(session, interview_id=interview.id)
    return {key: answer.raw_text for key, answer in found.items()}


async def until_a_transaction_waits_for_a_lock(database: Database) -> None:
    """Return once PostgreSQL shows some transaction waiting for a lock another one holds."""
    async with database.engine.connect() as connection:
        for _ in range(1000):
            waiting = await connection.scalar(
                text("SELECT count(*) FROM pg_locks WHERE NOT granted")
            )
            await connection.rollback()
            if waiting:
                return
            await asyncio.sleep(0.01)
    raise AssertionError("the second transaction never waited for the first")


async def one_while_the_other_is_open(
    database: Database, first: Save, second: Save
) -> tuple[bool, bool]:
    """Run ``second`` in its own transaction while ``first``'s transaction is still open
    (on PostgreSQL; on SQLite, transactions take turns)."""
    first_done = asyncio.Event()

    async def run_first() -> bool:
        async with database.transaction() as session:
            result = await first(session)
            first_done.set()
            if not database.is_sqlite:
                await until_a_transaction_waits_for_a_lock(database)
        return result

    async def run_second() -> bool:
        await first_done.wait()
        async with database.transaction() as session:
            return await second(session)

    first_result, second_result = await asyncio.wait_for(
        asyncio.gather(run_first(), run_second()), timeout=30
    )
    return first_result, second_result


async def test_a_question_keeps_its_first_answer(
    database: Database, people: list[Interview]
) -> None:
    alice = people[0]

    assert await saved(database, answer_to(alice, "two weeks")) is True
    assert await saved(database, answer_to(alice, "a month")) is False

    assert await stored_answers(database, alice) == {"lead_time": "two weeks"}


async def test_other_questions_and_other_people_are_answered_separately(
    database: Database, people: list[Interview]
) -> None:
    alice, bob = people[0], people[1]

    assert await saved(database, answer_to(alice, "two weeks")) is True
    assert await saved(database, answer_to(alice, "weekly", key="release_cadence")) is True
    assert await saved(database, answer_to(bob, "a day")) is True

    assert await stored_answers(database, alice) == {
        "lead_time": "two weeks",
        "release_cadence": "weekly",
    }
    assert await stored_answers(database, bob) == {"lead_time": "a day"}


async def test_two_answers_to_one_question_saved_at_once_keep_only_the_first(
    database: Database, people: list[Interview]
) -> None:
    alice = people[0]

    results = await one_while_the_other_is_open(
        database,
        lambda session: interviews.save_answer(session, answer=answer_to(alice, "two weeks")),
        lambda session: interviews.save_answer(session, answer=answer_to(alice, "a month")),
    )

    assert results == (True, False)
    assert await stored_answers(database, alice) == {"lead_time": "two weeks"}


async def test_many_answers_to_one_question_racing_store_exactly_one(
    database: Database, people: list[Interview]
) -> None:
    alice = people[0]
    texts = [f"{n} weeks" for n in range(1, 6)]

    results = await asyncio.wait_for(
        asyncio.gather(*(saved(database, answer_to(alice, t)) for t in texts)), timeout=30
    )

    assert results.count(True) == 1
    [winner] = [t for t, won in zip(texts, results, strict=True) if won]
    assert await stored_answers(database, alice) == {"lead_time": winner}


async def test_a_redelivered_event_is_claimed_only_once(database: Database) -> None:
    assert await claimed(database, "event:Ev01") is True
    assert await claimed(database, "event:Ev01") is False
    assert await claimed(database, "event:Ev02") is True


async def test_the_same_event_delivered_twice_at_once_is_claimed_once(
    database: Database,
) -> None:
    def claim(session: Transaction) -> Awaitable[bool]:
        return inbound.claim_inbound_event(session, key="event:Ev01", now=NOW)

    assert await one_while_the_other_is_open(database, claim, claim) == (True, False)
    assert await claimed(database, "event:Ev01") is False


async def test_many_deliveries_of_one_event_racing_claim_it_once(database: Database) -> None:
    results = await asyncio.wait_for(
        asyncio.gather(*(claimed(database, "action:A1") for _ in range(5))), timeout=30
    )

    assert sorted(results) == [False, False, False, False, True]


async def test_a_claim_whose_work_failed_can_be_claimed_by_the_retry(database: Database) -> None:
    async def claim_then_fail() -> None:
        async with database.transaction() as session:
            assert await inbound.claim_inbound_event(session, key="event:Ev01", now=NOW)
            raise RuntimeError("Slack is down")

    with pytest.raises(RuntimeError, match="Slack is down"):
        await claim_then_fail()

    retry_at = NOW + timedelta(seconds=30)
    async with database.transaction() as session:
        assert await inbound.claim_inbound_event(session, key="event:Ev01", now=retry_at) is True
